/**
 * The CLI's queries and key-space analysis, in-process: `scan --where`, `diff --where`,
 * `analyze`, their --json forms, and a bad query as one line with the column and exit 2.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeKey, encodeValue, Store } from '../../engine/index';
import { lines, run, tempDir } from './testing';

let tmp: ReturnType<typeof tempDir>;
let file: string;

/** Orders 0..59 (status by i % 3), users 0..9, text keys, and a second version that ships the pending ones. */
beforeEach(() => {
  tmp = tempDir();
  file = tmp.path('q.th');
  const store = Store.create(file, { blobThreshold: 256 });
  try {
    store.write((tx) => {
      for (let i = 0; i < 60; i++) tx.put(encodeKey(['orders', i]), encodeValue({ status: ['pending', 'paid', 'new'][i % 3], total: i * 10, address: { city: i % 2 ? 'Oslo' : 'Lima' } }));
      for (let i = 0; i < 10; i++) tx.put(encodeKey(['users', i]), encodeValue({ name: `user ${i}`, bio: i === 3 ? 'x'.repeat(1000) : '' }));
      for (let i = 0; i < 5; i++) tx.put(encodeKey(`session:${i}:token`), encodeValue('t'));
    });
    store.snapshot('imported');
    store.write((tx) => {
      for (let i = 0; i < 60; i += 3) tx.put(encodeKey(['orders', i]), encodeValue({ status: 'shipped', total: i * 10, address: { city: i % 2 ? 'Oslo' : 'Lima' } }));
      tx.put(encodeKey(['orders', 1]), encodeValue({ status: 'paid', total: 11, address: { city: 'Oslo' } }));
    });
  } finally {
    store.close();
  }
});
afterEach(() => tmp.remove());

const keysOf = (stdout: string): unknown[] => lines(stdout).map((l) => (JSON.parse(l) as { key: unknown }).key);

describe('scan --where', () => {
  it('prints only matching records; --limit counts matches; --at reads an older version', async () => {
    const head = await run(['scan', file, '--json', '--where', 'status = "pending"']);
    expect(head.code, head.stderr).toBe(0);
    expect(keysOf(head.stdout)).toEqual([]);
    const old = await run(['scan', file, '--json', '--at', 'imported', '--where', 'status = "pending" and total >= 300']);
    expect(keysOf(old.stdout)).toEqual([30, 33, 36, 39, 42, 45, 48, 51, 54, 57].map((i) => ['orders', i]));
    const limited = await run(['scan', file, '--json', '--at', 'imported', '--where', 'status = "pending" and total >= 300', '--limit', '2']);
    expect(keysOf(limited.stdout)).toEqual([['orders', 30], ['orders', 33]]);
    const nested = await run(['scan', file, '--json', '--prefix', '["orders"]', '--reverse', '--limit', '3', '--where', 'address.city = "Oslo" and status in ["shipped", "new"]']);
    expect(keysOf(nested.stdout)).toEqual([['orders', 59], ['orders', 57], ['orders', 53]]);
    const text = await run(['scan', file, '--where', 'startsWith(name, "user 1")']);
    expect(lines(text.stdout)).toHaveLength(1);
    expect(text.stdout).toMatch(/\["users", 1\]/);
  });

  it('a bad query is one line with its column, exit 2, and opens no store', async () => {
    const bad = await run(['scan', tmp.path('missing.th'), '--where', 'status = "pending" and']);
    expect(bad.code).toBe(2);
    expect(lines(bad.stderr)).toEqual(['thunderhead: --where: query error at column 23: expected a condition (a field name, not, ( or a function), found the end of the query (see npx thunderhead scan --help)'.replace('npx thunderhead', bad.stderr.match(/see (.*) scan --help/)?.[1] ?? '')]);
    const unknown = await run(['scan', file, '--where', 'status == "a" or sizeof(items) > 2']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^thunderhead: --where: query error at column 18: unknown function sizeof\(\)/);
    const diffOnly = await run(['scan', file, '--where', 'changed(status)']);
    expect(diffOnly.code).toBe(2);
    expect(diffOnly.stderr).toMatch(/changed\(\) compares two versions/);
  });

  it('--help shows the query syntax', async () => {
    const help = await run(['scan', '--help']);
    expect(help.stdout).toMatch(/--where <query>/);
    expect(help.stdout).toMatch(/status in \["paid", "shipped"\]/);
    expect((await run(['diff', '--help'])).stdout).toMatch(/changed\(status\)\s+diff only/);
    expect((await run(['--help'])).stdout).toMatch(/analyze \[options\] <file>/);
    expect((await run(['analyze', '--help'])).stdout).toMatch(/--by-prefix <n>[\s\S]*--separator <text>/);
  });
});

describe('diff --where', () => {
  it('keeps the changes whose status changed; --stat counts them; --json works', async () => {
    const changed = await run(['diff', file, 'imported', 'main', '--json', '--where', 'changed(status)']);
    expect(changed.code, changed.stderr).toBe(0);
    expect(keysOf(changed.stdout)).toEqual(Array.from({ length: 20 }, (_, k) => ['orders', k * 3]));
    const all = await run(['diff', file, 'imported', 'main', '--stat']);
    expect(all.stdout.trim()).toBe('21 changes: 0 added, 0 removed, 21 changed');
    const stat = await run(['diff', file, 'imported', 'main', '--stat', '--where', 'changed(status) and address.city = "Oslo"']);
    expect(stat.stdout.trim()).toBe('10 changes: 0 added, 0 removed, 10 changed');
    const notStatus = await run(['diff', file, 'imported', 'main', '--where', 'not changed(status)']);
    expect(lines(notStatus.stdout)).toEqual([expect.stringMatching(/^~ \["orders", 1\]\s+\{"total": 10 → 11\}/)]);
  });
});

describe('analyze', () => {
  it('tallies records and bytes by tuple prefix and by separator, at a version, as text and JSON', async () => {
    const json = await run(['analyze', file, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as { totals: { records: number }; prefixes: { prefix: unknown; records: number; largeValueBytes: number; children: unknown[] }[]; other: { records: number }; largest: { key: unknown; large: boolean }[] };
    expect(report.totals.records).toBe(75);
    expect(report.prefixes.map((p) => [p.prefix, p.records])).toEqual([['orders', 60], ['users', 10], ['session:0:token', 1], ['session:1:token', 1], ['session:2:token', 1], ['session:3:token', 1], ['session:4:token', 1]]);
    expect(report.prefixes[1].largeValueBytes).toBeGreaterThan(1000);
    expect(report.largest[0]).toMatchObject({ key: ['users', 3], large: true });
    const two = JSON.parse((await run(['analyze', file, '--json', '--by-prefix', '2', '--top', '2', '--prefix', '["orders"]'])).stdout) as typeof report & { prefixes: { children: { prefix: unknown; records: number }[]; omitted: number }[] };
    expect(two.prefixes).toHaveLength(1);
    expect(two.prefixes[0].children).toHaveLength(2);
    expect((two.prefixes[0] as unknown as { omitted: number }).omitted).toBe(58);
    const sep = JSON.parse((await run(['analyze', file, '--json', '--separator', ':', '--by-prefix', '2'])).stdout) as typeof report;
    expect(sep.prefixes.map((p) => [p.prefix, p.records])).toEqual([['session:', 5]]);
    expect(sep.other.records).toBe(70);
    const text = await run(['analyze', file, '--at', 'imported']);
    expect(text.stdout).toMatch(/^75 records: /);
    expect(text.stdout).toMatch(/\["orders"\]\s+60 /);
    expect(text.stdout).toMatch(/largest records:\n\s+1\.\d+ KiB\s+\["users", 3\]\s+\(off-tree value\)/);
  });

  it('refuses a tuple depth other than 1 or 2 with exit 2', async () => {
    const bad = await run(['analyze', file, '--by-prefix', '3']);
    expect(bad.code).toBe(2);
    expect(lines(bad.stderr)).toHaveLength(1);
    expect(bad.stderr).toMatch(/--by-prefix must be 1 or 2/);
  });
});
