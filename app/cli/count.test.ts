/**
 * `thunderhead count FILE [--prefix P | --from A --to B] [--at V] [--json]`: the exact number
 * of records of a range, at the head or at a version, with the same range syntax as scan.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lines, run, tempDir } from './testing';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => {
  tmp.remove();
});

async function storeWith(records: Record<string, string>): Promise<string> {
  const file = tmp.path('s.th');
  expect((await run(['create', file])).code).toBe(0);
  const jsonl = Object.entries(records).map(([key, value]) => `{"key":${key},"value":${value}}`).join('\n');
  const loaded = await run(['load', file], { stdin: `${jsonl}\n` });
  expect(loaded.code, loaded.stderr).toBe(0);
  return file;
}

describe('count', () => {
  it('counts a prefix, a range and everything, at the head and at a snapshot, as text or JSON', async () => {
    const file = await storeWith({
      '["orders", 1, 10]': '{"total": 5}',
      '["orders", 1, 11]': '{"total": 7}',
      '["orders", 2, 12]': '{"total": 9}',
      '["users", 1]': '{"name": "Ada"}',
      '["users", 2]': '{"name": "Grace"}',
      '["users", 10]': '{"name": "Alan"}',
    });
    const count = async (...args: string[]): Promise<string> => {
      const result = await run(['count', file, ...args]);
      expect(result.code, result.stderr).toBe(0);
      return result.stdout.trim();
    };
    expect(await count()).toBe('6');
    expect(await count('--prefix', '["users"]')).toBe('3');
    expect(await count('--prefix', 'orders')).toBe('3');
    expect(await count('--prefix', '["orders", 1]')).toBe('2');
    expect(await count('--from', '["orders", 2]', '--to', '["users", 10]')).toBe('3');
    expect(await count('--prefix', '["nothing"]')).toBe('0');
    expect((await run(['snapshot', file, 'before'])).code).toBe(0);
    expect((await run(['del', file, '["users", 1]'])).code).toBe(0);
    expect(await count('--prefix', '["users"]')).toBe('2');
    expect(await count('--prefix', '["users"]', '--at', 'before')).toBe('3');
    const json = JSON.parse(await count('--json', '--at', 'before')) as { count: number; version: number };
    expect(json.count).toBe(6);
    expect(Number.isInteger(json.version)).toBe(true);
  });

  it('reports a missing version or file in one line, and a bad option as a usage error', async () => {
    const file = await storeWith({ '["a"]': '1' });
    const missing = await run(['count', file, '--at', 'nope']);
    expect(missing.code).toBe(1);
    expect(lines(missing.stderr)).toHaveLength(1);
    expect(missing.stderr).toMatch(/^thunderhead: .*nope/);
    const absent = await run(['count', tmp.path('absent.th')]);
    expect(absent.code).toBe(1);
    expect(lines(absent.stderr)).toHaveLength(1);
    const bad = await run(['count', file, '--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown option '--bogus'.*thunderhead count --help/);
    expect((await run(['count', '--help'])).stdout).toMatch(/--prefix/);
  });
});
