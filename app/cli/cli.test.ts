/**
 * The `thunderhead` CLI end to end, in-process (captured output, temp dirs): every command,
 * its --json form, exit codes 0/1/2 and one-line errors.
 */
import { openSync, readFileSync, readSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
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

/** Asserts a user error: exit 1 and exactly one `thunderhead: …` line on stderr, no stack. */
function expectUserError(result: { code: number; stderr: string }, pattern: RegExp): void {
  expect(result.code).toBe(1);
  expect(lines(result.stderr)).toHaveLength(1);
  expect(result.stderr).toMatch(/^thunderhead: /);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

/** Asserts a usage error: exit 2, one line naming the help to read. */
function expectUsageError(result: { code: number; stderr: string }, pattern: RegExp): void {
  expect(result.code).toBe(2);
  expect(lines(result.stderr)).toHaveLength(1);
  expect(result.stderr).toMatch(/^thunderhead: .*--help/);
  expect(result.stderr).toMatch(pattern);
}

async function storeWith(records: Record<string, string>): Promise<string> {
  const file = tmp.path('s.th');
  expect((await run(['create', file])).code).toBe(0);
  const jsonl = Object.entries(records).map(([key, value]) => `{"key":${key},"value":${value}}`).join('\n');
  const loaded = await run(['load', file], { stdin: `${jsonl}\n` });
  expect(loaded.code, loaded.stderr).toBe(0);
  return file;
}

describe('create and info', () => {
  it('creates a store with the given parameters and reports them', async () => {
    const file = tmp.path('a.th');
    const created = await run(['create', file, '--node-size', '4096', '--fanout', '16', '--buffer-size', '8192']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/created .*a\.th \(node size 4096 B, fanout 16, buffer 8192 B/);

    const info = await run(['info', file, '--json']);
    expect(info.code).toBe(0);
    const parsed = JSON.parse(info.stdout) as { info: { params: Record<string, number>; versions: number }; stats: { records: number; height: number } };
    expect(parsed.info.params).toMatchObject({ nodeSize: 4096, fanout: 16, bufferSize: 8192 });
    expect(parsed.stats.records).toBe(0);

    const human = await run(['info', file]);
    expect(human.code).toBe(0);
    for (const label of ['file', 'size', 'params', 'head', 'versions', 'records', 'height', 'nodes', 'leaf fill', 'buffers', 'used']) {
      expect(human.stdout).toMatch(new RegExp(`^${label} +\\S`, 'm'));
    }
    expect(human.stdout).toMatch(/on disk = .* used \+ .* preallocated tail/);
    expect(human.stdout).toMatch(/reachable from retained versions, .* dead/);
    // The sizes, as the inspector's Overview shows them: on disk = used + tail, used = reachable + dead.
    const sizes = (JSON.parse(info.stdout) as { sizes: { fileBytes: number; usedBytes: number; preallocatedBytes: number; reachableBytes: number; deadBytes: number } }).sizes;
    expect(sizes.fileBytes).toBe(statSync(file).size);
    expect(sizes.fileBytes).toBe(sizes.usedBytes + sizes.preallocatedBytes);
    expect(sizes.usedBytes).toBe(sizes.reachableBytes + sizes.deadBytes);
  });

  it('refuses to create over an existing file', async () => {
    const file = tmp.path('a.th');
    await run(['create', file]);
    expectUserError(await run(['create', file]), /exists/);
  });

  it('reports nodes per level, buffers and large values of a bigger store', async () => {
    const file = tmp.path('big.th');
    await run(['create', file, '--node-size', '1024', '--fanout', '8', '--buffer-size', '1024']);
    const jsonl = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ key: ['k', i], value: { i, pad: 'x'.repeat(i === 7 ? 5000 : 20) } })).join('\n');
    expect((await run(['load', file], { stdin: jsonl })).code).toBe(0);
    const info = JSON.parse((await run(['info', file, '--json'])).stdout) as {
      stats: { records: number; height: number; nodesPerLevel: number[]; largeValues: { count: number } };
    };
    expect(info.stats.records).toBe(2000);
    expect(info.stats.height).toBeGreaterThan(1);
    expect(info.stats.nodesPerLevel).toHaveLength(info.stats.height);
    expect(info.stats.largeValues.count).toBe(1);
  });
});

describe('put, get, del', () => {
  it('round-trips structured keys and values', async () => {
    const file = tmp.path('a.th');
    await run(['create', file]);
    const put = await run(['put', file, '["users", 7]', '{"name": "Ada", "tags": ["x", "y"], "n": 1}', '-m', 'add Ada']);
    expect(put.code).toBe(0);
    expect(put.stdout).toMatch(/^put \["users", 7\]: version \d+ on main/);

    const json = await run(['get', file, '["users", 7]', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ key: ['users', 7], value: { name: 'Ada', tags: ['x', 'y'], n: 1 } });

    const readable = await run(['get', file, '["users",7]']);
    expect(readable.stdout).toContain('"name": "Ada"');

    const log = await run(['log', file]);
    expect(log.stdout).toContain('add Ada');
  });

  it('takes plain strings when an argument is not JSON', async () => {
    const file = tmp.path('a.th');
    await run(['create', file]);
    await run(['put', file, 'greeting', 'hello world']);
    const got = await run(['get', file, 'greeting', '--json']);
    expect(JSON.parse(got.stdout)).toEqual({ key: 'greeting', value: 'hello world' });
    // "42" parses as JSON: the number 42, a different key from the string "42".
    await run(['put', file, '42', 'number']);
    await run(['put', file, '"42"', 'string']);
    expect(JSON.parse((await run(['get', file, '42', '--json'])).stdout).value).toBe('number');
    expect(JSON.parse((await run(['get', file, '"42"', '--json'])).stdout).value).toBe('string');
  });

  it('fails with exit 1 for a missing key, and del removes keys', async () => {
    const file = await storeWith({ '["a"]': '1', '["b"]': '2' });
    expectUserError(await run(['get', file, '["zzz"]']), /key "zzz" not found/);
    const del = await run(['del', file, '["a"]']);
    expect(del.code).toBe(0);
    expect(del.stdout).toMatch(/deleted "a"/);
    expectUserError(await run(['get', file, '["a"]']), /not found/);
    expectUserError(await run(['del', file, '["a"]']), /not found; nothing deleted/);
    expect((await run(['get', file, '["b"]'])).stdout.trim()).toBe('2');
  });

  it('rejects a key the records layer cannot encode', async () => {
    const file = tmp.path('a.th');
    await run(['create', file]);
    expectUserError(await run(['put', file, '{"$bytes": "xyz"}', '1']), /bad key/);
    expectUserError(await run(['put', file, '["k"]', '{"$ref": ["users"], "bogus": 1}']), /bad value/);
  });
});

describe('scan and dump', () => {
  const records = {
    '["orders", 1, 10]': '{"user": {"$ref": ["users", 1]}, "total": 5}',
    '["orders", 1, 11]': '{"user": {"$ref": ["users", 1]}, "total": 7}',
    '["orders", 2, 12]': '{"user": {"$ref": ["users", 2]}, "total": 9}',
    '["users", 1]': '{"name": "Ada"}',
    '["users", 2]': '{"name": "Grace"}',
    '["users", 10]': '{"name": "Alan"}',
  };

  it('scans prefixes, ranges, in reverse and with a limit', async () => {
    const file = await storeWith(records);
    const keys = async (...args: string[]): Promise<unknown[]> => {
      const result = await run(['scan', file, '--json', ...args]);
      expect(result.code, result.stderr).toBe(0);
      return lines(result.stdout).map((line) => (JSON.parse(line) as { key: unknown }).key);
    };
    expect(await keys()).toHaveLength(6);
    // Tuple order: numbers by value, so 10 sorts after 2.
    expect(await keys('--prefix', '["users"]')).toEqual([['users', 1], ['users', 2], ['users', 10]]);
    expect(await keys('--prefix', 'users')).toEqual([['users', 1], ['users', 2], ['users', 10]]);
    expect(await keys('--prefix', '["orders", 1]')).toEqual([['orders', 1, 10], ['orders', 1, 11]]);
    expect(await keys('--from', '["orders", 2]', '--to', '["users", 10]')).toEqual([['orders', 2, 12], ['users', 1], ['users', 2]]);
    expect(await keys('--reverse', '--limit', '2')).toEqual([['users', 10], ['users', 2]]);
    expect(await keys('--prefix', '["nothing"]')).toEqual([]);
  });

  it('prints an aligned readable form with references as arrows', async () => {
    const file = await storeWith(records);
    const result = await run(['scan', file, '--prefix', '["orders"]']);
    expect(result.code).toBe(0);
    const out = lines(result.stdout);
    expect(out).toHaveLength(3);
    expect(out[0]).toBe('["orders", 1, 10]  {"user": → ["users", 1], "total": 5}');
    // Every value starts in the same column.
    const columns = out.map((line) => line.indexOf('{'));
    expect(new Set(columns).size).toBe(1);
  });

  it('cuts lines to the terminal width only when stdout is a terminal', async () => {
    const file = await storeWith({ '["long"]': JSON.stringify('x'.repeat(500)) });
    const tty = await run(['scan', file], { tty: 40 });
    expect(lines(tty.stdout)[0]).toHaveLength(40);
    expect(lines(tty.stdout)[0].endsWith('…')).toBe(true);
    const piped = await run(['scan', file]);
    expect(lines(piped.stdout)[0].length).toBeGreaterThan(500);
  });

  it('dump | load reproduces every key and value byte for byte', async () => {
    const file = await storeWith({
      ...records,
      '[{"$bytes": "00ff"}, {"$bigint": "123456789012345678901234567890"}, -1.5, null, true, [1, [2]]]':
        '{"bin": {"$bytes": "cafe"}, "when": {"$date": "2024-05-01T12:00:00.000Z"}, "big": {"$bigint": "-99999999999999999999"}, "$weird": {"$$x": 1}, "nan": {"$number": "NaN"}}',
      '{"$raw": "ff00ff"}': '{"$raw": "c1"}',
    });
    const dumped = await run(['dump', file]);
    expect(dumped.code).toBe(0);
    expect(lines(dumped.stdout)).toHaveLength(8);
    const copy = tmp.path('copy.th');
    await run(['create', copy]);
    writeFileSync(tmp.path('dump.jsonl'), dumped.stdout);
    const loaded = await run(['load', copy, tmp.path('dump.jsonl')]);
    expect(loaded.code, loaded.stderr).toBe(0);
    expect((await run(['dump', copy])).stdout).toBe(dumped.stdout);
    // Raw bytes show as hex in the readable form rather than failing.
    expect((await run(['scan', file])).stdout).toMatch(/<hex ff00ff>\s+<hex c1>/);
  });
});

describe('load', () => {
  it('loads a file in one commit by default, or one per --commit-every records', async () => {
    const file = tmp.path('a.th');
    await run(['create', file]);
    const jsonl = Array.from({ length: 25 }, (_, i) => JSON.stringify({ key: ['n', i], value: i * i })).join('\n');
    writeFileSync(tmp.path('in.jsonl'), `${jsonl}\n\n`);
    const one = await run(['load', file, tmp.path('in.jsonl'), '-m', 'squares']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/loaded 25 records .*1 commit/);
    const every = await run(['load', file, tmp.path('in.jsonl'), '--commit-every', '10']);
    expect(every.stdout).toMatch(/loaded 25 records .*3 commits/);
    const log = JSON.parse(`[${lines((await run(['log', file, '--json'])).stdout).join(',')}]`) as { message: string }[];
    expect(log.map((v) => v.message)).toEqual(expect.arrayContaining(['squares', expect.stringMatching(/records 21–25/)]));
    expect(lines((await run(['dump', file])).stdout)).toHaveLength(25);
  });

  it('stops at a bad line, naming it, and commits nothing of the current batch', async () => {
    const file = tmp.path('a.th');
    await run(['create', file]);
    const input = ['{"key": 1, "value": 1}', '{"key": 2, "value": 2}', '{"key": 3, "value": 3}', '{"key": 4, "value": oops}', '{"key": 5, "value": 5}'].join('\n');
    const result = await run(['load', file, '--commit-every', '2'], { stdin: input });
    expectUserError(result, /line 4: not valid JSON/);
    expect(result.stderr).toMatch(/1 record\(s\) since the last commit were not committed/);
    // The first batch (records 1–2) was committed; record 3 was in the failed batch.
    const keys = lines((await run(['dump', file])).stdout).map((line) => (JSON.parse(line) as { key: unknown }).key);
    expect(keys).toEqual([1, 2]);

    const shape = await run(['load', file], { stdin: '{"key": 1}\n' });
    expectUserError(shape, /line 1: expected an object \{"key": …, "value": …\}/);
    const badKey = await run(['load', file], { stdin: '{"key": {"$bytes": 7}, "value": 1}\n' });
    expectUserError(badKey, /line 1: bad key/);
  });

  it('reports a missing input file, and --create makes the store', async () => {
    expectUserError(await run(['load', tmp.path('new.th'), tmp.path('nope.jsonl')]), /nope\.jsonl: no such input file/);
    const result = await run(['load', tmp.path('new.th'), '--create'], { stdin: '{"key": "a", "value": 1}' });
    expect(result.code, result.stderr).toBe(0);
    expect((await run(['get', tmp.path('new.th'), 'a'])).stdout.trim()).toBe('1');
  });
});

describe('check', () => {
  it('says ok for a sound store', async () => {
    const file = await storeWith({ '["users", 1]': '{"name": "Ada"}', '["orders", 1]': '{"user": {"$ref": ["users", 1]}}' });
    const result = await run(['check', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ok: .* passes every check/);
    const json = JSON.parse((await run(['check', file, '--json'])).stdout) as { ok: boolean; problems: unknown[] };
    expect(json).toMatchObject({ ok: true, problems: [] });
  });

  it('lists dangling references and exits 1', async () => {
    const file = await storeWith({ '["orders", 1]': '{"user": {"$ref": ["users", 99]}}' });
    const result = await run(['check', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/record \["orders", 1\] .*points to \["users", 99\], which does not exist/);
    expect((await run(['check', file, '--no-refs'])).code).toBe(0);
  });

  it('finds flipped bytes, exits 1 and lists the problem', async () => {
    const file = tmp.path('big.th');
    await run(['create', file, '--node-size', '1024', '--fanout', '8']);
    const jsonl = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ key: ['k', i], value: `value ${i}` })).join('\n');
    await run(['load', file, '--commit-every', '500'], { stdin: jsonl });
    // Half-way through the committed blocks (the file also keeps zero-filled space past them).
    const probe = Store.open(file, { readOnly: true });
    const size = probe.info().fileSize;
    probe.close();
    const fd = openSync(file, 'r+');
    const at = Math.floor(size / 2);
    const bytes = Buffer.alloc(32);
    readSync(fd, bytes, 0, 32, at);
    for (let i = 0; i < bytes.length; i++) bytes[i] ^= 0xff;
    writeSync(fd, bytes, 0, 32, at);
    closeSync(fd);

    const result = await run(['check', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/has \d+ problem/);
    expect(result.stdout).toMatch(/damaged|checksum/);
    const json = JSON.parse((await run(['check', file, '--json'])).stdout) as { ok: boolean; problems: unknown[] };
    expect(json.ok).toBe(false);
    expect(json.problems.length).toBeGreaterThan(0);
  });
});

describe('errors', () => {
  it('turns usage mistakes into exit 2 with one line', async () => {
    expectUsageError(await run(['frobnicate']), /unknown command 'frobnicate'/);
    expectUsageError(await run(['scan']), /missing required argument 'file'.*thunderhead scan --help/);
    expectUsageError(await run(['scan', 'x.th', '--limit', 'many']), /must be a positive integer/);
    expectUsageError(await run(['scan', 'x.th', '--bogus']), /unknown option '--bogus'/);
    expectUsageError(await run(['get', 'x.th']), /missing required argument 'key'/);
    expectUsageError(await run(['put', 'x.th', 'k', 'v', 'extra']), /too many arguments/);
    expectUsageError(await run(['demo', tmp.path('d.th'), '--records', '5']), /at least 100/);
    expectUsageError(await run(['branch', tmp.path('d.th'), '--from', '3']), /needs a branch NAME/);
    const bare = await run([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/Usage: thunderhead/);
  });

  it('prints help for every command and exits 0', async () => {
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    const commands = ['create', 'info', 'get', 'put', 'del', 'scan', 'load', 'dump', 'check', 'demo', 'snapshot', 'snapshots', 'branch', 'log', 'diff', 'compact', 'merge', 'merge-base', 'cherry-pick'];
    for (const name of commands) {
      expect(top.stdout).toContain(name);
      const help = await run([name, '--help']);
      expect(help.code, name).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: thunderhead ${name}[ |]`));
    }
    expect((await run(['help', 'scan'])).stdout).toMatch(/--prefix/);
    expect((await run(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('says what is wrong with a missing or foreign file', async () => {
    expectUserError(await run(['info', tmp.path('missing.th')]), /missing\.th: no such store .*thunderhead create/);
    const foreign = tmp.path('notes.txt');
    writeFileSync(foreign, 'these are my notes, not a store\n'.repeat(200));
    expectUserError(await run(['info', foreign]), /is not a Thunderhead store/);
    expectUserError(await run(['scan', foreign]), /is not a Thunderhead store/);
    expectUserError(await run(['info', tmp.dir]), /is not a file/);
  });

  it('prints the stack only with THUNDERHEAD_DEBUG=1', async () => {
    const result = await run(['info', tmp.path('missing.th')], { env: { THUNDERHEAD_DEBUG: '1' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\n\s+at /);
  });
});

describe('versions', () => {
  it('snapshots, branches, log, and --at time travel', async () => {
    const file = tmp.path('v.th');
    await run(['create', file]);
    await run(['put', file, '["k"]', '1', '-m', 'one']);
    const snap = await run(['snapshot', file, 'first', '-m', 'before two']);
    expect(snap.code).toBe(0);
    expect(snap.stdout).toMatch(/^snapshot first → version \d+/);
    await run(['put', file, '["k"]', '2', '-m', 'two']);
    await run(['put', file, '["other"]', 'x', '-m', 'other']);

    expect((await run(['get', file, '["k"]'])).stdout.trim()).toBe('2');
    expect((await run(['get', file, '["k"]', '--at', 'first'])).stdout.trim()).toBe('1');
    expectUserError(await run(['get', file, '["other"]', '--at', 'first']), /not found at first/);
    expectUserError(await run(['get', file, '["k"]', '--at', 'nosuch']), /no version, snapshot or branch named "nosuch"/);
    expect(lines((await run(['dump', file, '--at', 'first'])).stdout)).toEqual(['{"key":"k","value":1}']);
    expect(lines((await run(['scan', file, '--at', 'first', '--json'])).stdout)).toHaveLength(1);

    const snapshots = await run(['snapshots', file, '--json']);
    expect(lines(snapshots.stdout).map((line) => JSON.parse(line) as { name: string; message: string })).toEqual([
      expect.objectContaining({ name: 'first', message: 'before two' }),
    ]);
    expect((await run(['snapshots', file])).stdout).toMatch(/^first +version \d+ .*before two/m);

    const branched = await run(['branch', file, 'feature', '--from', 'first']);
    expect(branched.code, branched.stderr).toBe(0);
    await run(['put', file, '["k"]', '3', '-m', 'on feature', '--branch', 'feature']);
    expect((await run(['get', file, '["k"]', '--at', 'feature'])).stdout.trim()).toBe('3');
    expect((await run(['get', file, '["k"]'])).stdout.trim()).toBe('2');

    const listed = await run(['branch', file]);
    expect(listed.stdout).toMatch(/^\* main +version/m);
    expect(listed.stdout).toMatch(/^ {2}feature +version \d+ +on feature/m);
    expect(lines((await run(['branch', file, '--json'])).stdout).map((l) => JSON.parse(l) as { name: string; default: boolean })).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'main', default: true }), expect.objectContaining({ name: 'feature', default: false })]),
    );

    const log = await run(['log', file]);
    expect(log.code).toBe(0);
    expect(log.stdout).toMatch(/\(main\).*other/);
    expect(log.stdout).toMatch(/\(snapshot first\).*one/);

    const graph = lines((await run(['log', file, '--graph'])).stdout);
    expect(graph[0]).toMatch(/^\* \d+ \(feature\)/);
    expect(graph[1]).toMatch(/^\| \* \d+ \(main\)/);
    expect(graph.some((line) => line.startsWith('|/'))).toBe(true);

    const json = lines((await run(['log', file, '--json'])).stdout).map((line) => JSON.parse(line) as { id: number; parents: number[]; snapshots: string[]; branches: string[] });
    expect(json[0].id).toBeGreaterThan(json[json.length - 1].id);
    expect(json.find((v) => v.snapshots.includes('first'))).toBeDefined();
    expect(json.find((v) => v.branches.includes('feature'))).toBeDefined();

    expect((await run(['snapshot', file, 'first', '--delete'])).code).toBe(0);
    expect((await run(['snapshots', file])).stdout).toMatch(/no snapshots/);
    expect((await run(['branch', file, 'feature', '--delete'])).code).toBe(0);
    expect((await run(['branch', file])).stdout).not.toMatch(/feature/);
    expectUserError(await run(['snapshot', file, 'x', '--at', '999']), /no version/);
  });

  it('diff shows the changes between two versions in key order', async () => {
    const file = tmp.path('v.th');
    await run(['create', file]);
    await run(['put', file, '["a"]', '1']);
    await run(['put', file, '["b"]', '2']);
    await run(['snapshot', file, 'before']);
    await run(['put', file, '["a"]', '10']);
    await run(['del', file, '["b"]']);
    await run(['put', file, '["c"]', '3']);
    const result = await run(['diff', file, 'before', 'main']);
    expect(result.code, result.stderr).toBe(0);
    expect(lines(result.stdout)).toEqual(['~ "a"  1 → 10', '- "b"  2', '+ "c"  3']);
    const json = lines((await run(['diff', file, 'before', 'main', '--json'])).stdout).map((line) => JSON.parse(line) as unknown);
    expect(json).toEqual([
      { key: 'a', change: 'changed', before: 1, after: 10 },
      { key: 'b', change: 'removed', before: 2 },
      { key: 'c', change: 'added', after: 3 },
    ]);
    expect((await run(['diff', file, 'before', 'main', '--stat'])).stdout.trim()).toBe('3 changes: 1 added, 1 removed, 1 changed');
    expect(JSON.parse((await run(['diff', file, 'before', 'main', '--stat', '--json'])).stdout)).toEqual({ added: 1, removed: 1, changed: 1 });
    expect(lines((await run(['diff', file, 'before', 'main', '--prefix', '["a"]'])).stdout)).toHaveLength(1);
    expect((await run(['diff', file, 'main', 'main'])).stdout).toBe('');
    await run(['put', file, '["o"]', '{"total": 177, "status": "paid", "note": "x"}']);
    await run(['snapshot', file, 'o1']);
    await run(['put', file, '["o"]', '{"total": 159.3, "status": "paid", "gift": true}']);
    expect((await run(['diff', file, 'o1', 'main'])).stdout.trim()).toBe('~ "o"  {"total": 177 → 159.3, "note": "x" → ∅, "gift": ∅ → true}');
    expectUserError(await run(['diff', file, 'before', 'nosuch']), /no version, snapshot or branch named "nosuch"/);
  });

  it('compact keeps the data (more in compact.test.ts)', async () => {
    const file = tmp.path('v.th');
    await run(['create', file]);
    for (let i = 0; i < 20; i++) await run(['put', file, '["k"]', String(i)]);
    const result = await run(['compact', file, '--keep', '2']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/compacted .* → /);
    expect((await run(['get', file, '["k"]'])).stdout.trim()).toBe('19');
    expect((await run(['check', file])).code).toBe(0);
  });
});

describe('demo', () => {
  it('builds a store with several kinds of keys, references, large values and a history', async () => {
    const file = tmp.path('demo.th');
    const result = await run(['demo', file, '--records', '1000']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/created .*1,000 records/);

    const dump = lines((await run(['dump', file])).stdout).map((line) => JSON.parse(line) as { key: unknown[]; value: unknown });
    expect(dump).toHaveLength(1000);
    const kinds = new Set(dump.map((r) => r.key[0]));
    expect([...kinds].sort()).toEqual(['config', 'docs', 'events', 'orders', 'users']);
    const order = dump.find((r) => r.key[0] === 'orders');
    expect(order?.value).toMatchObject({ user: { $ref: ['users', expect.any(Number)] } });

    const info = JSON.parse((await run(['info', file, '--json'])).stdout) as { stats: { largeValues: { count: number } }; info: { versions: number } };
    expect(info.stats.largeValues.count).toBeGreaterThanOrEqual(3);
    expect(info.info.versions).toBeGreaterThanOrEqual(6);

    const log = (await run(['log', file])).stdout;
    expect(log).toMatch(/import \d+ users/);
    expect(log).toMatch(/expire the \d+ oldest events/);
    expect((await run(['snapshots', file])).stdout).toMatch(/imported[\s\S]*v2/);
    expect((await run(['branch', file])).stdout).toMatch(/experiment/);
    expect((await run(['scan', file, '--prefix', '["orders"]', '--limit', '1'])).stdout).toMatch(/→ \["users", \d+\]/);
    // The experiment branch reprices orders; v2 → main only adds the late users.
    expect((await run(['diff', file, 'v2', 'experiment', '--stat'])).stdout).toMatch(/changes: 0 added, 0 removed, \d+ changed/);
    expect(lines((await run(['diff', file, 'v2', 'main'])).stdout).every((line) => line.startsWith('+ ["users", '))).toBe(true);
    // The snapshot before the expiry still has the expired events.
    expect(lines((await run(['dump', file, '--at', 'imported'])).stdout).length).toBeGreaterThan(1000);
    expect((await run(['check', file])).code).toBe(0);
  });

  it('is deterministic for a seed', async () => {
    await run(['demo', tmp.path('a.th'), '--records', '300', '--seed', '7']);
    await run(['demo', tmp.path('b.th'), '--records', '300', '--seed', '7']);
    const a = (await run(['dump', tmp.path('a.th')])).stdout;
    expect(a).toBe((await run(['dump', tmp.path('b.th')])).stdout);
    expect(readFileSync(tmp.path('a.th')).length).toBeGreaterThan(64 * 1024);
  });
});
