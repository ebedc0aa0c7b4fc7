/**
 * Damage behind the last checkpoint, as the CLI shows it: `check` names it (exit 1), `info` opens
 * read-only up to it and says so first, a command that writes refuses with one line and leaves
 * the file as it was. Bytes in the reserved header area and a damaged superblock are found by `check`.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../engine/index';
import { lines, run, tempDir } from './testing';

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => {
  tmp.remove();
});

/** A store with 10 commits after its only checkpoint, as a killed writer leaves it, copied while open. */
function uncheckpointed(name: string): { file: string; bytes: Buffer; records: { offset: number; length: number }[] } {
  const live = tmp.path(`${name}-live.th`);
  const store = Store.create(live);
  const records: { offset: number; length: number }[] = [];
  for (let i = 0; i < 10; i++) {
    store.put(Buffer.from(`key-${i}`), Buffer.from(`value-${i}`));
    const v = store.head();
    records.push({ offset: v.root.offset, length: v.root.length });
  }
  const bytes = readFileSync(live);
  store.close();
  return { file: tmp.path(`${name}.th`), bytes, records };
}

describe('damage after the last checkpoint', () => {
  it('check names it, info says so, a write refuses and changes nothing', async () => {
    const { file, bytes, records } = uncheckpointed('flip');
    // A bit in the third commit's leaf: seven intact commits follow it.
    const damaged = Buffer.from(bytes);
    damaged[records[2].offset + records[2].length - 2] ^= 0x10;
    writeFileSync(file, damaged);

    const check = await run(['check', file]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/\[committed-data\].*intact commit record/);

    const info = await run(['info', file]);
    expect(info.code, info.stderr).toBe(0);
    expect(lines(info.stdout)[0]).toMatch(/^DAMAGED\s+.*showing the commits before byte \d+/);

    const size = statSync(file).size;
    const put = await run(['put', file, '"k"', '"v"']);
    expect(put.code).toBe(1);
    expect(lines(put.stderr)).toHaveLength(1);
    expect(put.stderr).toMatch(/opening for writing would cut off committed data/);
    expect(statSync(file).size).toBe(size);
    expect(readFileSync(file).equals(damaged)).toBe(true);
  });

  it('check reports non-zero reserved header bytes and a damaged superblock', async () => {
    const file = tmp.path('reserved.th');
    Store.create(file).close();
    const bytes = readFileSync(file);
    bytes[2000] = 7;
    writeFileSync(file, bytes);
    const check = await run(['check', file]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/\[reserved\].*byte 2000/);

    const file2 = tmp.path('superblock.th');
    const s = Store.create(file2);
    s.put(Buffer.from('a'), Buffer.from('b'));
    s.close();
    const b2 = readFileSync(file2);
    b2[1024 + 20] ^= 1;
    writeFileSync(file2, b2);
    const check2 = await run(['check', file2]);
    expect(check2.code).toBe(1);
    expect(check2.stdout).toMatch(/\[superblock\]/);
  });
});
