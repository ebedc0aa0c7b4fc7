import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../index';
import { buildStore, digestOfModel, modelCompact } from '../testing/compact-child';

/**
 * A reader in another process (engine/testing/compact-child.ts `read`) reads the head in a loop
 * while this process compacts the store. It never sees an error, keeps its old file until it
 * refreshes, then switches to the compacted file (fewer versions, same head) and follows the
 * commits made after it. Waits are for lines the child prints; nothing is timed.
 */

const CHILD = fileURLToPath(new URL('../testing/compact-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-compact-reader-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Seen {
  reads: number;
  errors: string[];
  switches: number;
  digest: string;
  versions: number[];
}

class Reader {
  readonly proc: ChildProcessWithoutNullStreams;
  private partial = '';
  private stderr = '';
  private waiters: ((line: string) => void)[] = [];
  private lines: string[] = [];

  constructor(file: string) {
    this.proc = spawn(process.execPath, ['--import', 'tsx', CHILD, 'read', file], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (chunk: string) => {
      this.partial += chunk;
      const parts = this.partial.split('\n');
      this.partial = parts.pop() ?? '';
      for (const l of parts) {
        const w = this.waiters.shift();
        if (w) w(l);
        else this.lines.push(l);
      }
    });
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (c: string) => {
      this.stderr += c;
    });
    this.proc.on('close', () => {
      for (const w of this.waiters) w(`exited: ${this.stderr.slice(0, 400)}`);
      this.waiters = [];
    });
  }

  next(): Promise<string> {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async report(): Promise<Seen> {
    this.proc.stdin.write('report\n');
    const line = await this.next();
    try {
      return JSON.parse(line) as Seen;
    } catch {
      throw new Error(`reader said: ${line}`);
    }
  }

  /** Reports until the reader has done `more` further reads (it reads in a loop on its own). */
  async after(more: number): Promise<Seen> {
    const start = (await this.report()).reads;
    for (let i = 0; i < 10_000; i++) {
      const s = await this.report();
      if (s.reads >= start + more) return s;
    }
    throw new Error('the reader stopped reading');
  }
}

describe('a reader in another process during compaction', () => {
  it('keeps reading without errors and switches to the compacted file at its next refresh', async () => {
    const file = path.join(dir, 'r.th');
    const m = buildStore(file);
    const headDigest = digestOfModel(m.records.get(m.branches.get('main') as number) as Map<string, string>);
    const allVersions = [...m.records.keys()].sort((a, b) => a - b);
    const reader = new Reader(file);
    try {
      expect(await reader.next()).toBe('ready');
      const before = await reader.after(2);
      expect(before.errors).toEqual([]);
      expect(before.digest).toBe(headDigest);
      expect(before.versions.sort((a, b) => a - b)).toEqual(allVersions);

      const writer = Store.open(file);
      const kept = modelCompact(m, 1);
      const result = writer.compact({ keep: 1 });
      expect(result.versionsKept).toBe(kept.size);

      const after = await reader.after(2);
      expect(after.errors).toEqual([]);
      expect(after.switches).toBe(1);
      expect(after.digest).toBe(headDigest);
      expect(after.versions.sort((a, b) => a - b)).toEqual([...kept].sort((a, b) => a - b));

      // Commits after the compaction reach the reader through the new file.
      writer.put(Buffer.from('zz/after'), Buffer.from('compaction'));
      const head = writer.head().id;
      writer.close();
      let latest = await reader.after(1);
      for (let i = 0; i < 1000 && !latest.versions.includes(head); i++) latest = await reader.after(1);
      expect(latest.errors).toEqual([]);
      expect(latest.versions).toContain(head);
      expect(latest.digest).not.toBe(headDigest);
    } finally {
      reader.proc.stdin.write('exit\n');
      await new Promise((resolve) => reader.proc.on('close', resolve));
    }
  }, 120_000);
});
