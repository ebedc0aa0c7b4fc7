/**
 * Snapshots from the command line (issue 16): `--snapshot NAME` on put, del and load names the
 * new version in the same commit; `snapshot FILE A B` takes a burst in one record; the policy is
 * set, shown and followed by `snapshot-policy`, `snapshots` and `log`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../engine/index';
import { lines, run, tempDir } from './testing';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => {
  tmp.remove();
});

async function ok(args: string[], stdin?: string): Promise<string> {
  const r = await run(args, stdin !== undefined ? { stdin } : {});
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe('snapshots from the CLI', () => {
  it('--snapshot on put, del and load names the version its commit makes, with one flush each', async () => {
    const file = tmp.path('s.th');
    await ok(['create', file]);
    expect(await ok(['put', file, '"a"', '1', '--snapshot', 'after-a'])).toMatch(/^put "a": version 2 on main \(\d+ bytes written\), snapshot after-a$/m);
    expect(await ok(['del', file, '"a"', '--snapshot', 'after-del'])).toMatch(/^deleted "a": version 3 on main, snapshot after-del$/m);
    expect(await ok(['load', file, '--snapshot', 'loaded', '--commit-every', '2'], '{"key":"x","value":1}\n{"key":"y","value":2}\n{"key":"z","value":3}\n')).toMatch(/2 commits \(versions 4–5\), snapshot loaded$/m);
    expect(await ok(['load', file, '--snapshot', 'boundary', '--commit-every', '1'], '{"key":"w","value":1}\n')).toMatch(/version 6\), snapshot boundary$/m);
    const store = Store.open(file, { readOnly: true });
    try {
      expect(store.snapshots().map((s) => [s.name, s.version])).toEqual([['after-a', 2], ['after-del', 3], ['loaded', 5], ['boundary', 6]]);
      expect(store.at('after-a').count()).toBe(1);
      expect(store.at('after-del').count()).toBe(0);
      expect(store.at('loaded').count()).toBe(3);
    } finally {
      store.close();
    }
    const dup = await run(['put', file, '"b"', '2', '--snapshot', 'loaded']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/^thunderhead: snapshot "loaded" already exists/);
  });

  it('snapshot FILE A B names the head twice in one go; --delete removes several', async () => {
    const file = tmp.path('s.th');
    await ok(['create', file]);
    await ok(['put', file, '"k"', '1']);
    expect(lines(await ok(['snapshot', file, 'one', 'two', '-m', 'pair']))).toEqual(['snapshot one → version 2', 'snapshot two → version 2']);
    expect(await ok(['snapshots', file])).toMatch(/^one +version 2 .*pair$/m);
    await ok(['snapshot', file, 'one', 'two', '--delete']);
    expect(await ok(['snapshots', file])).toMatch(/no snapshots/);
  });

  it('snapshot-policy sets the policy; commits follow it; snapshots and log list them apart from user ones', async () => {
    const file = tmp.path('s.th');
    await ok(['create', file]);
    expect(await ok(['snapshot-policy', file])).toMatch(/^no automatic snapshots/);
    expect(await ok(['snapshot-policy', file, '--every', '2', '--keep', '2', '--daily', '3'])).toMatch(/^automatic snapshots every 2 commits; keeps the last 2, the first of each of the last 3 days$/m);
    for (let i = 0; i < 6; i++) await ok(['put', file, `"k${i}"`, String(i), ...(i === 1 ? ['--snapshot', 'mine'] : [])]);
    const listed = await ok(['snapshots', file]);
    expect(listed).toMatch(/^mine +version 3 +\S+ \S+ {2}put "k1"$/m); // a named commit's snapshot carries its message
    expect(listed).toMatch(/^auto-6 +version 6 .*\(automatic\)$/m);
    expect(listed).toMatch(/^auto-2 +version 2 .*\(automatic\)$/m); // the first of its day
    expect(listed).toMatch(/automatic snapshots every 2 commits/);
    const json = lines(await ok(['snapshots', file, '--json'])).map((l) => JSON.parse(l) as { name: string; automatic: boolean });
    expect(json.filter((s) => s.automatic).map((s) => s.name)).toEqual(['auto-2', 'auto-4', 'auto-6']);
    const log = await ok(['log', file]);
    expect(log).toMatch(/^automatic snapshots every 2 commits/);
    expect(log).toMatch(/^6 \(auto-snapshot auto-6\)/m);
    expect(log).toMatch(/^3 \(snapshot mine\)/m);
    const logJson = lines(await ok(['log', file, '--json'])).map((l) => JSON.parse(l) as { id: number; snapshots: string[]; automaticSnapshots: string[] });
    expect(logJson.find((v) => v.id === 6)?.automaticSnapshots).toEqual(['auto-6']);
    expect(JSON.parse(await ok(['snapshot-policy', file, '--json']))).toEqual({ everyCommits: 2, everySeconds: 0, keepLast: 2, hourly: 0, daily: 3 });
    expect(await ok(['snapshot-policy', file, '--off'])).toMatch(/^no automatic snapshots/);
    const bad = await run(['snapshot-policy', file, '--keep', '0']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^thunderhead: snapshot policy needs everyCommits or everySeconds/);
  });
});
