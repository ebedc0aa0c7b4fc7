import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StoreCorruptError } from '../errors';
import { Store } from '../index';
import { readRecord } from '../store/catalog';
import type { NodeStore } from '../store/node-store';
import { thrown } from '../testing/test-support';
import { BlockKind } from './address';
import { BLOCK_HEADER_BYTES, frameBlock } from './block';
import { FormatError } from './bytes';
import { decodeCatalogRecord, encodeCatalogRecord, type CatalogRecord } from './catalog-codec';
import { DATA_START } from './header';
import { boundedRangeLog, MAX_RECORDED_RANGE_BYTES, MAX_RECORDED_RANGES } from './range-log';

/**
 * The range-delete extension of a catalog record (FORMAT.md §7.6.1): what a real commit writes,
 * the worked example's bytes, the bounds, and damage — truncated, over-long, impossible flags —
 * always a FormatError from the decoder and a one-line StoreCorruptError from the catalog reader.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-range-log-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const k = (s: string): Buffer => Buffer.from(s);

/** The payload of the last catalog block in the file (the newest record). */
function lastRecordPayload(file: string): Buffer {
  const bytes = fs.readFileSync(file);
  let last: Buffer | null = null;
  for (let at = DATA_START; at + BLOCK_HEADER_BYTES <= bytes.length;) {
    const length = bytes.readUInt32LE(at);
    if (length === 0) break;
    if (bytes[at + 4] === BlockKind.Catalog) last = Buffer.from(bytes.subarray(at + BLOCK_HEADER_BYTES, at + length));
    at += length;
  }
  if (!last) throw new Error('no catalog record');
  return last;
}

/** A real commit record with two overlapping range deletes (the FORMAT.md example). */
function exampleRecord(): Buffer {
  const file = path.join(dir, `ex-${Math.random().toString(36).slice(2)}.th`);
  const store = Store.create(file, { durable: false });
  try {
    store.write((tx) => {
      tx.deleteRange(k('r/2'), k('r/6'));
      tx.deleteRange(k('r/5'), k('r/9'));
    });
  } finally {
    store.close();
  }
  const payload = lastRecordPayload(file);
  fs.rmSync(file);
  return payload;
}

const EXAMPLE_TAIL = Buffer.from('02' + '00' + '01' + '03722f32' + '0103722f39', 'hex');

/** The decoder's failure on `payload`: a FormatError, or null when it decodes. */
function decodeFailure(payload: Buffer): unknown {
  try {
    decodeCatalogRecord(payload);
    return null;
  } catch (e) {
    return e;
  }
}

describe('range-delete extension of a catalog record', () => {
  it('a commit records its joined range deletes as in the FORMAT.md example, and they decode back', () => {
    const payload = exampleRecord();
    expect(payload.subarray(payload.length - EXAMPLE_TAIL.length).equals(EXAMPLE_TAIL)).toBe(true);
    const rec = decodeCatalogRecord(payload);
    expect(rec.version?.stats.rangeDeletes).toBe(1);
    expect(rec.version?.rangeLog).toEqual({ ranges: [{ from: k('r/2'), to: k('r/9') }], complete: true });
    // Re-encoding gives the same bytes.
    expect(encodeCatalogRecord(rec).equals(payload)).toBe(true);
  });

  it('an open-ended range and a commit without range deletes (no extension) round-trip', () => {
    const rec = decodeCatalogRecord(exampleRecord());
    const open: CatalogRecord = { ...rec, version: { ...(rec.version as NonNullable<CatalogRecord['version']>), rangeLog: { ranges: [{ from: k('a'), to: null }], complete: false } } };
    expect(decodeCatalogRecord(encodeCatalogRecord(open)).version?.rangeLog).toEqual({ ranges: [{ from: k('a'), to: null }], complete: false });
    const { rangeLog: _none, ...plain } = rec.version as NonNullable<CatalogRecord['version']>;
    const bytes = encodeCatalogRecord({ ...rec, version: plain });
    expect(bytes.length).toBe(encodeCatalogRecord(rec).length - EXAMPLE_TAIL.length);
    expect(decodeCatalogRecord(bytes).version?.rangeLog).toBeUndefined();
  });

  it('keeps at most 32 ranges and 4096 bytes of bounds, and flags the rest as unrecorded', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ from: k(`p/${String(i).padStart(2, '0')}/`), to: k(`p/${String(i).padStart(2, '0')}0`) }));
    const log = boundedRangeLog(many);
    expect(log.ranges).toHaveLength(MAX_RECORDED_RANGES);
    expect(log.complete).toBe(false);
    const long = Array.from({ length: 3 }, (_, i) => ({ from: Buffer.alloc(1000, 97 + 2 * i), to: Buffer.alloc(1000, 98 + 2 * i) }));
    const byBytes = boundedRangeLog(long);
    expect(byBytes.ranges).toHaveLength(Math.floor(MAX_RECORDED_RANGE_BYTES / 2000));
    expect(byBytes.complete).toBe(false);
    expect(boundedRangeLog(many.slice(0, 3))).toEqual({ ranges: many.slice(0, 3), complete: true });
  });

  it('every truncation inside the extension, and every byte of it damaged, is a FormatError or a valid record, never another error', () => {
    const payload = exampleRecord();
    const extAt = payload.length - EXAMPLE_TAIL.length;
    for (let n = extAt + 1; n < payload.length; n++) expect(decodeFailure(payload.subarray(0, n))).toBeInstanceOf(FormatError);
    for (let i = extAt; i < payload.length; i++) {
      for (const b of [0x00, 0x01, 0x02, 0x7f, 0x80, 0xff]) {
        const damaged = Buffer.from(payload);
        damaged[i] = b;
        const e = decodeFailure(damaged);
        if (e !== null) expect(e).toBeInstanceOf(FormatError);
      }
    }
  });

  it('rejects an over-long range count, impossible flags, an unknown extension, the extension without a version, and trailing bytes', () => {
    const payload = exampleRecord();
    const extAt = payload.length - EXAMPLE_TAIL.length;
    const withTail = (tail: string): Buffer => Buffer.concat([payload.subarray(0, extAt), Buffer.from(tail, 'hex')]);
    const cases: [string, RegExp][] = [
      ['020021' + '03722f3200'.repeat(33), /range-delete count 33/],
      ['0200ffffff7f', /range-delete count/],
      ['020201' + '03722f3200', /flags 2/],
      ['020001' + '03722f3202', /hasTo 2/],
      ['030001', /unknown catalog record extension 3/],
      ['020001' + '03722f3200' + '00', /unknown catalog record extension 0/],
    ];
    for (const [tail, message] of cases) {
      const e = decodeFailure(withTail(tail));
      expect(e).toBeInstanceOf(FormatError);
      expect((e as Error).message).toMatch(message);
    }
    const rec = decodeCatalogRecord(payload);
    const versionless = encodeCatalogRecord({ ...rec, version: null });
    expect((decodeFailure(Buffer.concat([versionless, Buffer.from('020001' + '03722f3200', 'hex')])) as Error).message).toMatch(/without a version/);
  });

  it('the catalog reader turns a damaged extension into a one-line StoreCorruptError naming the record', () => {
    const payload = exampleRecord();
    payload[payload.length - EXAMPLE_TAIL.length + 2] = 0x7f;
    const { bytes, checksum } = frameBlock(BlockKind.Catalog, 0, 0, payload);
    const address = { offset: 4096, length: bytes.length, kind: BlockKind.Catalog, level: 0, checksum };
    const nodes = { readBlock: () => bytes } as unknown as NodeStore;
    const e = thrown(() => readRecord({ path: 'x.th', nodes }, address));
    expect(e).toBeInstanceOf(StoreCorruptError);
    expect((e as Error).message).toMatch(/^x\.th is damaged: undecodable catalog record \(range-delete count 127 overruns the record/);
    expect((e as Error).message).not.toContain('\n');
  });
});
