import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store } from '../index';
import { Op } from '../tree/node';
import { PutLog, SLAB_BYTES } from './put-log';

/**
 * The columnar put log: what goes in comes out (arrival order, views of the slabs, copies of
 * the caller's bytes), its sorted last-write-wins order equals a brute-force sort, slab
 * boundaries and values larger than a slab hold, and a transaction's byte accounting (what
 * decides when it spills) is what it was with one Buffer pair per write.
 */

type W = { del: boolean; key: Buffer; value: Buffer };

/** Keys that tie in their first four bytes, are shorter than four bytes, or are prefixes of each other. */
const keyArb = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 3 }),
  fc.tuple(fc.constantFrom('', 'abcd', 'abcdefgh', 'abc'), fc.uint8Array({ minLength: 0, maxLength: 3 })).map(([p, s]) => new Uint8Array([...Buffer.from(p), ...s])),
  fc.uint8Array({ minLength: 0, maxLength: 8 }).map((s) => new Uint8Array(s.map((x) => x & 3))),
).map((k) => Buffer.from(k));
const writeArb: fc.Arbitrary<W> = fc.record({ del: fc.boolean(), key: keyArb, value: fc.uint8Array({ maxLength: 20 }).map((v) => Buffer.from(v)) });

function logOf(writes: readonly W[]): PutLog {
  const log = new PutLog();
  for (const w of writes) {
    if (w.del) log.delete(w.key);
    else log.put(w.key, w.value);
  }
  return log;
}

describe('PutLog', () => {
  it('materialises every write in arrival order, keys and values as logged', () => {
    fc.assert(
      fc.property(fc.array(writeArb, { maxLength: 200 }), (writes) => {
        const msgs = logOf(writes).messages();
        expect(msgs.length).toBe(writes.length);
        msgs.forEach((m, i) => {
          const w = writes[i];
          expect(m.op).toBe(w.del ? Op.Delete : Op.Put);
          expect(m.key.equals(w.key)).toBe(true);
          expect(m.value === null ? null : (m.value as Buffer).equals(w.value)).toBe(w.del ? null : true);
          expect(m.seq).toBe(0);
          expect(m.end).toBe(null);
        });
      }),
      { seed: 11, numRuns: 200 },
    );
  });

  it('sorts the last write of each key in key order, as a brute-force sort does', () => {
    fc.assert(
      // Up to 1500 writes: ranges past the comparison-sort size, runs of shared heads sorted deeper.
      fc.property(fc.array(writeArb, { maxLength: 1500 }), (writes) => {
        const last = new Map<string, number>();
        writes.forEach((w, i) => last.set(w.key.toString('hex'), i));
        const want = [...last.values()].sort((a, b) => Buffer.compare(writes[a].key, writes[b].key));
        const log = logOf(writes);
        expect([...log.sortedUnique()]).toEqual(want);
        const sorted = log.sortedMessages();
        expect(sorted.map((m) => m.key.toString('hex'))).toEqual(want.map((i) => writes[i].key.toString('hex')));
        expect(sorted.map((m) => m.op)).toEqual(want.map((i) => (writes[i].del ? Op.Delete : Op.Put)));
      }),
      { seed: 12, numRuns: 200 },
    );
  });

  it('sorts more than 2^21 rows (more than a head packed with its row in a double could index), across metadata chunks, the same way', () => {
    const n = 2 ** 21 + 5000;
    const log = new PutLog();
    const key = Buffer.alloc(3);
    let x = 7;
    const last = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const k = (x >>> 8) % 50_000;
      key.writeUIntBE(k, 0, 3);
      if (i % 5 === 0) log.delete(key);
      else log.put(key, key);
      last.set(k, i);
    }
    expect(log.length).toBe(n);
    const want = [...last.entries()].sort((a, b) => a[0] - b[0]).map(([, i]) => i);
    const got = log.sortedUnique();
    expect(got.length).toBe(want.length);
    expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(Buffer.from(Uint32Array.from(want).buffer))).toBe(true);
    // Rows in later chunks read back whole.
    const r = want[want.length - 1];
    expect(log.key(r).readUIntBE(0, 3)).toBe(49_999);
    expect(log.opOf(r)).toBe(r % 5 === 0 ? Op.Delete : Op.Put);
  }, 60_000);

  it('copies what it is given: the caller may reuse its buffers', () => {
    const log = new PutLog();
    const k = Buffer.from('key-1');
    const v = Buffer.from('value-1');
    log.put(k, v);
    k.fill(0);
    v.fill(0);
    expect(log.key(0).toString()).toBe('key-1');
    expect(log.value(0)?.toString()).toBe('value-1');
  });

  it('keeps writes whole across slab boundaries and values larger than a slab in their own Buffer', () => {
    const log = new PutLog();
    const writes: W[] = [];
    const add = (key: Buffer, value: Buffer): void => {
      writes.push({ del: false, key, value });
      log.put(key, value);
    };
    // Growing slabs fill and overflow many times over: sizes that straddle every boundary.
    for (let i = 0; i < 3000; i++) add(Buffer.from(`k${String(i).padStart(6, '0')}`), Buffer.alloc((i * 37) % 3001, i & 0xff));
    add(Buffer.from('big-exact'), Buffer.alloc(SLAB_BYTES - 'big-exact'.length, 7)); // exactly one slab
    add(Buffer.from('big-over'), Buffer.alloc(SLAB_BYTES, 8)); // one byte more than a slab with its key
    add(Buffer.from('after'), Buffer.from('small'));
    log.delete(Buffer.from('gone'));
    expect(log.length).toBe(writes.length + 1);
    writes.forEach((w, i) => {
      expect(log.key(i).equals(w.key)).toBe(true);
      expect((log.value(i) as Buffer).equals(w.value)).toBe(true);
      expect(log.valueBufferOf(i).subarray(log.valueOffsetOf(i), log.valueOffsetOf(i) + log.valueLengthOf(i)).equals(w.value)).toBe(true);
    });
    expect(log.value(writes.length)).toBe(null);
    expect(log.keyLengthOf(writes.length)).toBe(4);
  });
});

describe('transaction byte accounting over the put log', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-put-log-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('counts key + value + 64 per put and key + 64 per delete, and spills past the same limit', () => {
    const store = Store.create(path.join(dir, 'a.th'), { durable: false });
    try {
      const tx = store.begin({ spillBytes: 1000 });
      let want = 0;
      for (let i = 0; i < 11; i++) {
        tx.put(Buffer.from(`key${i}`.padEnd(10, '.')), Buffer.alloc(10, i));
        want += 10 + 10 + 64;
        expect(tx.bytes).toBe(want);
      }
      expect(tx.spilledRuns).toBe(0);
      tx.delete(Buffer.from('deleted'.padEnd(20, '.')));
      want += 20 + 64;
      // 1008 bytes > 1000: the twelfth write spills, and the count starts again.
      expect(tx.spilledRuns).toBe(1);
      expect(tx.bytes).toBe(0);
      expect(want).toBe(1008);
      tx.put(Buffer.from('k'), Buffer.from('v'));
      expect(tx.bytes).toBe(66);
      tx.commit();
      expect(store.count()).toBe(12);
    } finally {
      store.close();
    }
  });
});
