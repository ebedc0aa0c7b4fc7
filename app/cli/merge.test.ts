/**
 * Merging from the command line (issue 17): `merge` (field-level auto-merge, conflicts one per
 * line and exit 1 with nothing written, --ours/--theirs, --dry-run, --json), `merge-base`,
 * `cherry-pick`, and `log` showing the merge commit with both parents.
 */
import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../engine/index';
import { keyArgument } from './records';
import { lines, run, tempDir } from './testing';

let tmp: ReturnType<typeof tempDir>;
let file: string;
beforeEach(async () => {
  tmp = tempDir();
  file = tmp.path('s.th');
  // A fork: main and topic both change user 1 (different fields, and one field both ways) after version 3.
  await ok(['create', file]);
  await ok(['put', file, '["users",1]', '{"name":"Ada","city":"London","zip":"N1"}']);
  await ok(['put', file, '["users",2]', '{"name":"Bob"}']);
  await ok(['branch', file, 'topic']);
  await ok(['put', file, '["users",1]', '{"name":"Ada L.","city":"London","zip":"N1"}']);
  await ok(['put', file, '["users",1]', '{"name":"Ada","city":"Paris","zip":"N1"}', '--branch', 'topic']);
  await ok(['put', file, '["users",3]', '{"name":"Cy"}', '--branch', 'topic']);
});
afterEach(() => {
  tmp.remove();
});

async function ok(args: string[]): Promise<string> {
  const r = await run(args);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe('merge from the CLI', () => {
  it('merges field by field into the default branch; log shows the merge commit with both parents, --graph draws the join', async () => {
    expect(lines(await ok(['merge-base', file, 'main', 'topic']))[0]).toMatch(/^3 {2}/);
    const out = await ok(['merge', file, 'topic', '-m', 'take topic']);
    expect(out).toMatch(/^merged topic into main: version 7 \(parents #4, #6\); 2 keys written \(1 from theirs, 1 merged field by field, 0 resolved, 0 already the same on both sides\)$/m);
    expect(await ok(['get', file, '["users",1]'])).toContain('{"name": "Ada L.", "city": "Paris", "zip": "N1"}');
    const log = lines(await ok(['log', file]));
    expect(log[0]).toMatch(/^7 \(main\) .* take topic {2}merge of #4 \+ #6 {2}\[/);
    const graph = lines(await ok(['log', file, '--graph']));
    // The merge opens a lane for its second parent (topic), which rejoins main at the fork.
    expect(graph.slice(0, 8).map((l) => l.split('  ')[0])).toEqual(['* 7 (main)', '|\\', '| * 6 (topic)', '| * 5', '* | 4', '|/', '* 3', '* 2']);
    expect(JSON.parse(lines(await ok(['log', file, '--json']))[0]).parents).toEqual([4, 6]);
    expect(lines(await ok(['merge', file, 'topic']))).toEqual(['already up to date: main has nothing to take']);
  });

  it('lists conflicts one per line (key, field path, kind), exits 1 and writes nothing; --theirs settles them', async () => {
    await ok(['put', file, '["users",1]', '{"name":"Ada B.","city":"Paris","zip":"N1"}', '--branch', 'topic']);
    const before = readFileSync(file);
    const r = await run(['merge', file, 'topic']);
    expect(r.code).toBe(1);
    expect(lines(r.stdout)).toEqual(['conflict ["users", 1]  name  both-modified']);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^thunderhead: 1 conflict left unresolved: nothing was written \(settle them all with --ours or --theirs/)]);
    expect(readFileSync(file).equals(before)).toBe(true);
    const dry = await run(['merge', file, 'topic', '--dry-run', '--json']);
    expect(dry.code).toBe(1);
    const json = lines(dry.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(json).toContainEqual({ key: ['users', 1], conflict: 'both-modified', path: ['name'], base: 'Ada', ours: 'Ada L.', theirs: 'Ada B.' });
    expect(json[json.length - 1]).toMatchObject({ status: 'dry-run', base: 3, conflicts: 1 });
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(await ok(['merge', file, 'topic', '--theirs'])).toMatch(/^merged topic into main: version 8 /m);
    expect(await ok(['get', file, '["users",1]'])).toContain('{"name": "Ada B.", "city": "Paris", "zip": "N1"}');
  });

  it('names a key added inside a range the other side deleted as range-delete-write; --json says whether every range was known', async () => {
    const store = Store.open(file);
    try {
      store.deleteRange(keyArgument('["users",2]'), keyArgument('["users",9]'));
    } finally {
      store.close();
    }
    const r = await run(['merge', file, 'topic']);
    expect(r.code).toBe(1);
    expect(lines(r.stdout)).toEqual(['conflict ["users", 3]  (whole value)  range-delete-write']);
    const json = lines((await run(['merge', file, 'topic', '--dry-run', '--json'])).stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(json).toContainEqual({ key: ['users', 3], conflict: 'range-delete-write', path: [], theirs: { name: 'Cy' } });
    expect(json[json.length - 1]).toMatchObject({ status: 'dry-run', conflicts: 1, rangesKnown: true });
    expect(await ok(['merge', file, 'topic', '--ours'])).toMatch(/^merged topic into main: /m);
    expect((await run(['get', file, '["users",3]'])).code).toBe(1);
  });

  it('says so when a side deleted ranges a format-2 file did not record', async () => {
    const old = tmp.path('old.th');
    Store.create(old).close();
    // The header as a format-2 build wrote it (an empty store's one leaf is the same in both).
    const fd = openSync(old, 'r+');
    const head = Buffer.alloc(32);
    readSync(fd, head, 0, 32, 0);
    head.writeUInt32LE(2, 8);
    head.writeUInt32LE(crc32(head.subarray(0, 28)) >>> 0, 28);
    writeSync(fd, head, 0, 32, 0);
    closeSync(fd);
    await ok(['put', old, '["users",1]', '{"name":"Ada"}']);
    await ok(['branch', old, 'topic']);
    const store = Store.open(old);
    try {
      store.deleteRange(keyArgument('["users",0]'), keyArgument('["users",9]'));
    } finally {
      store.close();
    }
    await ok(['put', old, '["users",2]', '{"name":"Bo"}', '--branch', 'topic']);
    expect(lines(await ok(['merge', old, 'topic', '--dry-run']))).toEqual([
      '+ ["users", 2]  {"name": "Bo"}  (theirs)',
      expect.stringMatching(/^note: some range deletes since the fork were not recorded \(made before format 3/),
      expect.stringMatching(/^dry run: would commit; 1 key written/),
    ]);
  });

  it('--dry-run lists what a merge would write and leaves the file byte for byte as it was', async () => {
    const before = readFileSync(file);
    const out = lines(await ok(['merge', file, 'topic', '--dry-run']));
    expect(out).toEqual([
      '~ ["users", 1]  {"city": "London" → "Paris"}  (fields city)',
      '+ ["users", 3]  {"name": "Cy"}  (theirs)',
      'dry run: would commit; 2 keys written (1 from theirs, 1 merged field by field, 0 resolved, 0 already the same on both sides); nothing written',
    ]);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('fast-forwards a branch that is behind, and cherry-picks one version onto another branch', async () => {
    await ok(['branch', file, 'behind', '--from', '3']);
    expect(await ok(['merge', file, 'main', '--into', 'behind'])).toMatch(/^fast-forward behind to version 4: 1 key written/m);
    const out = await ok(['cherry-pick', file, '5', '--onto', 'behind']);
    expect(out).toMatch(/^picked 5 into behind: version 7 \(parent #4\); 1 key written \(0 from theirs, 1 merged field by field/m);
    const store = Store.open(file, { readOnly: true });
    try {
      expect(store.head('behind').message).toBe('cherry-pick #5: put ["users", 1]');
    } finally {
      store.close();
    }
  });

  it('refuses unknown versions and branches and contradictory options with one-line errors, writing nothing', async () => {
    const before = readFileSync(file);
    for (const [args, code, message] of [
      [['merge', file, 'nope'], 1, /^thunderhead: no version, snapshot or branch named "nope"$/],
      [['merge', file, 'topic', '--into', 'nope'], 1, /^thunderhead: no version, snapshot or branch named "nope"$/],
      [['merge', file, 'topic', '--ours', '--theirs'], 2, /^thunderhead: --ours and --theirs exclude each other/],
      [['merge-base', file, 'main', 'nope'], 1, /^thunderhead: no version, snapshot or branch named "nope"$/],
      [['cherry-pick', file, '1'], 1, /^thunderhead: version #1 has no parent/],
      [['merge', tmp.path('missing.th'), 'topic'], 1, /^thunderhead: .*missing\.th: no such store/],
    ] as const) {
      const r = await run([...args]);
      expect(r.code, r.stderr).toBe(code);
      expect(lines(r.stderr)[0]).toMatch(message);
      expect(lines(r.stderr)).toHaveLength(code === 2 ? lines(r.stderr).length : 1);
    }
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});
