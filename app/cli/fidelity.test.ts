/**
 * The CLI never distorts data (issue 14.1, 14.13–14.16): numbers exact through put/load/get/
 * dump/scan, malformed input refused with one line naming it, string prefixes as text prefixes,
 * `dump --json`, `serve` in the help, and hints that run as printed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeValue, Store } from '../../engine/index';
import { InvalidUtf8Line, readLines } from './commands/load';
import { keyArgument } from './records';
import { cliCommand, runnableHints } from './invocation';
import { lines, REPO_ROOT, run, tempDir } from './testing';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => {
  tmp.remove();
});

async function created(): Promise<string> {
  const file = tmp.path('s.th');
  expect((await run(['create', file])).code).toBe(0);
  return file;
}

function expectOneLineError(result: { code: number; stderr: string }, pattern: RegExp): void {
  expect(result.code).toBe(1);
  expect(lines(result.stderr)).toHaveLength(1);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

function storedValue(file: string, key: string): unknown {
  const store = Store.open(file, { readOnly: true });
  try {
    const bytes = store.get(keyArgument(key));
    return bytes === undefined ? undefined : decodeValue(bytes);
  } finally {
    store.close();
  }
}

describe('numbers are exact on the command line', () => {
  it('put and get keep integers beyond 2^53 and -0; 1e400 is refused before anything is written', async () => {
    const file = await created();
    const refused = await run(['put', file, 'k', '{"big": 1e400, "int": 12345678901234567890}']);
    expectOneLineError(refused, /bad value .*1e400 is too large for a 64-bit float/);
    expect(storedValue(file, 'k')).toBeUndefined();

    expect((await run(['put', file, 'k', '{"int": 12345678901234567890, "neg": -0, "f": 1152921504606846976.0}'])).code).toBe(0);
    const value = storedValue(file, 'k') as Record<string, unknown>;
    expect(value.int).toBe(12345678901234567890n);
    expect(Object.is(value.neg, -0)).toBe(true);
    expect(value.f).toBe(2 ** 60);
    expect((await run(['get', file, 'k', '--json'])).stdout).toBe('{"key":"k","value":{"int":12345678901234567890,"neg":-0,"f":1152921504606846976.0}}\n');
    expect((await run(['get', file, 'k'])).stdout).toBe('{"int": 12345678901234567890, "neg": -0, "f": 1152921504606846976.0}\n');
  });

  it('load, dump and scan keep big integer keys and values exactly, and dump | load round-trips', async () => {
    const file = await created();
    const input = '{"key":12345678901234567890,"value":{"n":18446744073709551615,"m":-9223372036854775808}}\n{"key":["id",9007199254740993],"value":-0}\n';
    const loaded = await run(['load', file], { stdin: input });
    expect(loaded.code, loaded.stderr).toBe(0);
    const dumped = (await run(['dump', file])).stdout;
    expect(dumped).toBe('{"key":12345678901234567890,"value":{"n":18446744073709551615,"m":-9223372036854775808}}\n{"key":["id",9007199254740993],"value":-0}\n');
    expect((await run(['scan', file, '--json'])).stdout).toBe(dumped);
    expect((await run(['get', file, '12345678901234567890'])).stdout).toMatch(/18446744073709551615/);
    const copy = tmp.path('copy.th');
    expect((await run(['load', copy, '--create'], { stdin: dumped })).code).toBe(0);
    expect((await run(['dump', copy])).stdout).toBe(dumped);
  });

  it('load refuses 1e400 and invalid UTF-8, naming the line, and commits nothing', async () => {
    const file = await created();
    expectOneLineError(await run(['load', file], { stdin: '{"key":"a","value":1}\n{"key":"b","value":1e400}\n' }), /stdin: line 2: 1e400 is too large/);
    const bad = tmp.path('bad.jsonl');
    writeFileSync(bad, Buffer.concat([Buffer.from('{"key":"a","value":"ok"}\n{"key":"b","value":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]));
    expectOneLineError(await run(['load', file, bad]), /bad\.jsonl: line 2: not valid UTF-8 \(at byte 23 of the line\)/);
    expect((await run(['dump', file])).stdout).toBe('');
  });

  it('refuses a key beyond what it can keep instead of rounding it', async () => {
    const file = await created();
    expectOneLineError(await run(['put', file, '1.2345678901234567890e19', 'x']), /bad key .*more digits than a 64-bit float keeps/);
    expect((await run(['put', file, '12345678901234567890', 'x'])).code).toBe(0);
    expect((await run(['scan', file, '--json'])).stdout).toBe('{"key":12345678901234567890,"value":"x"}\n');
  });
});

describe('readLines', () => {
  async function collect(chunks: Uint8Array[]): Promise<(string | number)[]> {
    const out: (string | number)[] = [];
    for await (const line of readLines((async function* () { yield* chunks; })())) out.push(line instanceof InvalidUtf8Line ? -line.byteOffset - 1 : line);
    return out;
  }
  it('joins lines and characters split across chunks, and marks a line that is not UTF-8 with its offset', async () => {
    const text = Buffer.from('a\ncafé ☕\n', 'utf8');
    // Every split point, including inside the two- and three-byte characters.
    for (let i = 0; i <= text.length; i++) expect(await collect([text.subarray(0, i), text.subarray(i)])).toEqual(['a', 'café ☕']);
    expect(await collect([Buffer.from('ok\nab'), Buffer.from([0xc3]), Buffer.from('\nlast')])).toEqual(['ok', -3, 'last']);
    const long = 'x'.repeat(200_000);
    expect(await collect(Array.from({ length: 200 }, (_, i) => Buffer.from(long.slice(i * 1000, (i + 1) * 1000))))).toEqual([long]);
  });
});

describe('scan --prefix', () => {
  it('takes a string as a text prefix and an array as a tuple prefix', async () => {
    const file = await created();
    const input = ['"user:0123"', '"user:0199"', '["user:01x",5]', '"user:02"', '["user:01",1]', '"use"']
      .map((key) => `{"key":${key},"value":1}`).join('\n');
    expect((await run(['load', file], { stdin: input })).code).toBe(0);
    const keys = async (...args: string[]) => lines((await run(['scan', file, '--json', ...args])).stdout).map((l) => JSON.stringify((JSON.parse(l) as { key: unknown }).key));
    expect(await keys('--prefix', 'user:01')).toEqual(['["user:01",1]', '"user:0123"', '"user:0199"', '["user:01x",5]']);
    expect(await keys('--prefix', '"user:01"')).toEqual(await keys('--prefix', 'user:01'));
    expect(await keys('--prefix', '["user:01"]')).toEqual(['["user:01",1]']);
    expect(await keys('--prefix', 'nobody')).toEqual([]);
  });

  it('documents the rule in --help', async () => {
    const help = (await run(['scan', '--help'])).stdout;
    expect(help).toMatch(/text prefix/);
    expect(help).toMatch(/tuple prefix/);
  });
});

describe('help and hints', () => {
  it('accepts dump --json', async () => {
    const file = await created();
    expect((await run(['put', file, 'a', '1'])).code).toBe(0);
    const dumped = await run(['dump', file, '--json']);
    expect(dumped.code, dumped.stderr).toBe(0);
    expect(dumped.stdout).toBe('{"key":"a","value":1}\n');
  });

  it('lists serve in thunderhead --help, and help serve shows its options', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^\s+serve \[file\.\.\.\]\s+serve the inspector/m);
    expect((await run(['help', 'serve'])).stdout).toMatch(/--port N/);
  });

  it('prints commands in a form that runs from where the person is', () => {
    const empty = { PATH: '' };
    expect(cliCommand(empty, REPO_ROOT)).toBe('npx thunderhead');
    expect(cliCommand(empty, join(REPO_ROOT, 'app', 'cli'))).toBe('npx thunderhead');
    const elsewhere = tmp.path('elsewhere');
    mkdirSync(elsewhere);
    expect(cliCommand(empty, elsewhere)).toBe(`node ${join(REPO_ROOT, 'bin', 'thunderhead.mjs')}`);
    expect(runnableHints('x.th is damaged: run `thunderhead check x.th`', 'npx thunderhead')).toBe('x.th is damaged: run `npx thunderhead check x.th`');
  });

  it('a missing store names a create command that runs', async () => {
    const result = await run(['info', tmp.path('none.th')]);
    expectOneLineError(result, new RegExp(`create one with \`${cliCommand().replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} create `));
    expect(cliCommand()).not.toBe('thunderhead');
  });
});
