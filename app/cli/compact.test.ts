import { readdirSync, statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../engine/index';
import { describeCompaction } from './commands/compact';
import { lines, run, tempDir } from './testing';

/** `thunderhead compact`: results, --keep, --json, progress on stderr, and one-line errors. */

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => {
  tmp.remove();
});

/** A store with 1 + `puts` versions on main, a snapshot of version 3 and a branch at version 5. */
async function history(name: string, puts: number): Promise<string> {
  const file = tmp.path(name);
  const store = Store.create(file, { durable: false });
  for (let i = 0; i < puts; i++) store.put(Buffer.from(`k${i % 5}`), Buffer.from(`value ${i}`.repeat(20)));
  store.snapshot('three', { version: 3 });
  store.branch('five', { from: 5 });
  store.close();
  return file;
}

describe('compact', () => {
  it('keeps snapshots, heads and the newest N versions, prints sizes and counts, and the data stays', async () => {
    const file = await history('h.th', 20);
    const before = statSync(file).size;
    const result = await run(['compact', file, '--keep', '2']);
    expect(result.code, result.stderr).toBe(0);
    const out = lines(result.stdout);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(new RegExp(`^compacted .*h\\.th: .+ → .+ \\(\\d+% smaller\\)$`));
    // main's 21 and 20, branch five's 5 and 4, snapshot 3: 5 of 21 versions.
    expect(out[1]).toMatch(/^kept 5 versions, dropped 16; copied \d+ nodes and 0 large values in \d+\.\d\d s$/);
    expect(statSync(file).size).toBeLessThan(before);
    expect(result.stderr).toBe('');
    const ids = lines((await run(['log', file, '--json'])).stdout).map((l) => (JSON.parse(l) as { id: number }).id).sort((a, b) => a - b);
    expect(ids).toEqual([3, 4, 5, 20, 21]);
    const reader = Store.open(file, { readOnly: true });
    expect(reader.get(Buffer.from('k4'))?.toString()).toBe('value 19'.repeat(20));
    expect(reader.at('three').get(Buffer.from('k1'))?.toString()).toBe('value 1'.repeat(20));
    reader.close();
    expect((await run(['check', file])).code).toBe(0);
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('--json prints the result as one object; the default keep is 10', async () => {
    const file = await history('j.th', 30);
    const result = await run(['compact', file, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const r = JSON.parse(result.stdout) as Record<string, number | string>;
    expect(r.file).toBe(file);
    expect(r.versionsKept).toBe(15); // main's 22..31, branch five's 1..5 (the snapshot 3 among them)
    expect(r.versionsDropped).toBe(16);
    expect(r.bytesAfter).toBe(statSync(file).size);
    expect(r.bytesBefore as number).toBeGreaterThan(r.bytesAfter as number);
    expect(r.nodesCopied as number).toBeGreaterThan(0);
  });

  it('draws progress on stderr when it is a terminal', async () => {
    const file = await history('p.th', 5);
    const result = await run(['compact', file], { tty: 80 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('compacting');
    expect(result.stderr.endsWith('\r\x1b[K')).toBe(true);
  });

  it('bad --keep is a usage error naming the option', async () => {
    const file = await history('k.th', 6);
    for (const keep of ['-1', 'x', '1.5']) {
      const result = await run(['compact', file, '--keep', keep]);
      expect(result.code, keep).toBe(2);
      expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stderr).toMatch(/^thunderhead: .*--keep.*non-negative integer/);
    }
  });

  it('a store another writer holds, or a missing file, is a one-line error and nothing changes', async () => {
    const file = await history('l.th', 6);
    const size = statSync(file).size;
    const writer = Store.open(file);
    try {
      const result = await run(['compact', file]);
      expect(result.code).toBe(1);
      expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stderr).toMatch(new RegExp(`^thunderhead: .*open for writing by process ${process.pid}`));
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      writer.close();
    }
    expect(statSync(file).size).toBeGreaterThanOrEqual(size);
    const missing = await run(['compact', tmp.path('nope.th')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^thunderhead: .*no such store/);
  });

  it('never claims "100% smaller" for a file that is not empty (the percentage rounds down)', () => {
    const r = { bytesBefore: 8 * 1024 * 1024, bytesAfter: 41_134, nodesCopied: 73, blobsCopied: 0, versionsKept: 2, versionsDropped: 29, ms: 70 };
    expect(describeCompaction('a.th', r)[0]).toBe('compacted a.th: 8.00 MiB → 40.2 KiB (99% smaller)');
    expect(describeCompaction('a.th', { ...r, bytesAfter: 8 * 1024 * 1024 - 1 })[0]).toMatch(/\(0% smaller\)$/);
  });
});
