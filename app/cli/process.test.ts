/**
 * The real `thunderhead` executable (node bin/thunderhead.mjs) in child processes: exit codes,
 * one-line stderr without a stack trace, stdin for load, and the writer lock between processes.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../engine/index';
import { lines, REPO_ROOT, runProcess, tempDir } from './testing';

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => {
  tmp.remove();
});

function expectOneLineError(result: { stderr: string }): void {
  expect(lines(result.stderr)).toHaveLength(1);
  expect(result.stderr).toMatch(/^thunderhead: /);
  expect(result.stderr).not.toMatch(/\bat .*\.(ts|js|mjs):\d+/);
}

describe('thunderhead as a process', () => {
  it('exits 0 on success, with output on stdout', () => {
    const file = tmp.path('p.th');
    expect(runProcess(['create', file]).code).toBe(0);
    const load = runProcess(['load', file], { input: '{"key": ["a", 1], "value": {"x": 1}}\n{"key": ["a", 2], "value": "two"}\n' });
    expect(load.code, load.stderr).toBe(0);
    const scan = runProcess(['scan', file, '--json']);
    expect(scan.code).toBe(0);
    expect(lines(scan.stdout)).toEqual(['{"key":["a",1],"value":{"x":1}}', '{"key":["a",2],"value":"two"}']);
    expect(scan.stderr).toBe('');
  });

  it('exits 1 with one line for user errors', () => {
    const missing = runProcess(['get', tmp.path('missing.th'), 'k']);
    expect(missing.code).toBe(1);
    expectOneLineError(missing);

    const foreign = tmp.path('foreign.bin');
    writeFileSync(foreign, Buffer.alloc(8192, 7));
    const notStore = runProcess(['info', foreign]);
    expect(notStore.code).toBe(1);
    expectOneLineError(notStore);
    expect(notStore.stderr).toMatch(/not a Thunderhead store/);
  });

  it('exits 2 with one line for usage errors', () => {
    const result = runProcess(['scan', '--limit', '0']);
    expect(result.code).toBe(2);
    expectOneLineError(result);
    const unknown = runProcess(['nonsense']);
    expect(unknown.code).toBe(2);
    expectOneLineError(unknown);
  });

  it('stops quietly when the reader of its output goes away (dump | head)', () => {
    const file = tmp.path('pipe.th');
    const jsonl = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ key: ['k', i], value: 'v'.repeat(50) })).join('\n');
    expect(runProcess(['load', file, '--create'], { input: jsonl }).code).toBe(0);
    const bin = join(REPO_ROOT, 'bin', 'thunderhead.mjs');
    const result = spawnSync('bash', ['-c', `"${process.execPath}" "${bin}" dump "${file}" | head -n 1; exit \${PIPESTATUS[0]}`], { encoding: 'utf8' });
    expect(result.stdout).toBe('{"key":["k",0],"value":"vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"}\n');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('refuses a second writer, naming the process that holds the store', () => {
    const file = tmp.path('locked.th');
    const store = Store.create(file);
    try {
      const result = runProcess(['put', file, 'k', 'v']);
      expect(result.code).toBe(1);
      expectOneLineError(result);
      expect(result.stderr).toMatch(new RegExp(`process ${process.pid}`));
      // Readers are welcome while the writer works.
      expect(runProcess(['scan', file]).code).toBe(0);
    } finally {
      store.close();
    }
  });
});
