import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConflictError, DeadlockError, Store } from '../index';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-conc-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const k = (i: number): Buffer => Buffer.from(`k${String(i).padStart(3, '0')}`);
let n = 0;
const fresh = (): Store => Store.create(path.join(dir, `c${n++}.th`), { durable: false, nodeSize: 512, fanout: 4, bufferSize: 512 });

describe('optimistic transactions', () => {
  it('commit fails with ConflictError naming the keys another commit changed, and leaves the store unchanged', () => {
    const s = fresh();
    s.put(k(1), Buffer.from('a'));
    const tx = s.begin({ optimistic: true });
    expect(tx.get(k(1))?.toString()).toBe('a');
    tx.put(k(2), Buffer.from('mine'));
    s.put(k(1), Buffer.from('b')); // lands meanwhile
    const head = s.head().id;
    expect(() => tx.commit()).toThrow(ConflictError);
    expect(s.head().id).toBe(head);
    expect(s.get(k(2))).toBeUndefined();
    s.close();
  });

  it('matches a model: a conflict iff a key read, written or scanned changed in between', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(40), { maxLength: 8 }),
        fc.array(fc.nat(40), { maxLength: 8 }),
        fc.option(fc.tuple(fc.nat(40), fc.nat(40))),
        fc.array(fc.nat(40), { minLength: 1, maxLength: 8 }),
        (reads, writes, scan, external) => {
          const s = fresh();
          s.write((t) => {
            for (let i = 0; i < 40; i += 2) t.put(k(i), Buffer.from(`v${i}`));
          });
          const tx = s.begin({ optimistic: true });
          for (const r of reads) tx.get(k(r));
          let range: [number, number] | null = null;
          if (scan) {
            range = scan[0] <= scan[1] ? scan : [scan[1], scan[0]];
            void [...tx.scan({ from: k(range[0]), to: k(range[1]) })];
          }
          for (const w of writes) tx.put(k(w), Buffer.from('tx'));
          // External commit: changes (or re-puts the same value at) some keys.
          const changed = new Set<number>();
          s.write((t) => {
            for (const e of external) {
              const before = s.get(k(e))?.toString();
              const after = e % 3 === 0 ? undefined : `x${e}`;
              if (after === undefined) t.delete(k(e));
              else t.put(k(e), Buffer.from(after));
              if (before !== after) changed.add(e);
            }
          });
          const touched = (i: number): boolean => reads.includes(i) || writes.includes(i) || (range !== null && i >= range[0] && i < range[1]);
          const expectConflict = [...changed].some(touched);
          let conflicted = false;
          try {
            tx.commit();
          } catch (e) {
            if (!(e instanceof ConflictError)) throw e;
            conflicted = true;
          }
          s.close();
          expect(conflicted).toBe(expectConflict);
        },
      ),
      { numRuns: 150, seed: 5 },
    );
  });
});

describe('transaction locks', () => {
  it('an exclusive lock waits for a shared holder and is granted when it commits', async () => {
    const s = fresh();
    const a = s.begin();
    const b = s.begin();
    await a.lock({ key: k(1) }, 'shared');
    let granted = false;
    const pending = b.lock({ from: k(0), to: k(5) }, 'exclusive').then(() => {
      granted = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(granted).toBe(false);
    expect(s.locks.snapshot().edges.map((e) => [e.waiter, e.holder])).toEqual([[b.id, a.id]]);
    a.commit();
    await pending;
    expect(granted).toBe(true);
    b.abort();
    expect(s.locks.snapshot().locks.length).toBe(0);
    s.close();
  });

  it('a deadlock between two transactions rejects the younger with DeadlockError', async () => {
    const s = fresh();
    const a = s.begin();
    const b = s.begin();
    await a.putLocked(k(1), Buffer.from('a'));
    await b.putLocked(k(2), Buffer.from('b'));
    const pa = a.lock({ key: k(2) }, 'exclusive');
    await expect(b.lock({ key: k(1) }, 'exclusive')).rejects.toBeInstanceOf(DeadlockError);
    b.abort();
    await pa;
    a.commit();
    expect(s.get(k(1))?.toString()).toBe('a');
    expect(s.get(k(2))).toBeUndefined();
    s.close();
  });
});
