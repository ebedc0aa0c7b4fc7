import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store, StoreLockedError } from '../index';
import { thrown } from '../testing/test-support';

/**
 * Several processes on one store file: one writer at a time (an OS lock on the file's inode,
 * plus a pid file that names the holder), the lock free the moment its holder dies, and
 * read-only openers that see the writer's new commits after refresh(). The child is
 * engine/testing/process-child.ts. Nothing here is timed: waits are for lines the child prints,
 * and polling loops are bounded by a count.
 */

const CHILD = fileURLToPath(new URL('../testing/process-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

class Child {
  readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private waiters: { test: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  private partial = '';
  private stderr = '';
  readonly exited: Promise<number | null>;

  constructor(mode: 'hold' | 'try-open', file: string) {
    this.proc = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, file], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (chunk: string) => {
      this.partial += chunk;
      const parts = this.partial.split('\n');
      this.partial = parts.pop() ?? '';
      for (const l of parts) {
        const w = this.waiters.find((x) => x.test(l));
        if (w) {
          this.waiters = this.waiters.filter((x) => x !== w);
          w.resolve(l);
        } else {
          this.lines.push(l);
        }
      }
    });
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (c: string) => {
      this.stderr += c;
    });
    this.exited = new Promise((resolve) => this.proc.on('close', (code) => {
      for (const w of this.waiters) w.resolve(`exited: ${this.stderr.slice(0, 400)}`);
      this.waiters = [];
      resolve(code);
    }));
  }

  /** The first line (already printed or still to come) that passes `test`. */
  line(test: (l: string) => boolean): Promise<string> {
    const seen = this.lines.find(test);
    if (seen !== undefined) {
      this.lines.splice(this.lines.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    if (this.proc.exitCode !== null) return Promise.resolve(`exited: ${this.stderr.slice(0, 400)}`);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  send(line: string): void {
    this.proc.stdin.write(`${line}\n`);
  }
}

let dir: string;
let n = 0;
const children: Child[] = [];

function spawnChild(mode: 'hold' | 'try-open', file: string): Child {
  const c = new Child(mode, file);
  children.push(c);
  return c;
}

function freshStore(): string {
  const file = path.join(dir, `p${n++}.th`);
  const s = Store.create(file, { nodeSize: 1024, fanout: 8, bufferSize: 1024, blobThreshold: 256 });
  s.put(Buffer.from('seed'), Buffer.from('1'));
  s.close();
  return file;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-procs-'));
});

afterAll(async () => {
  for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('one writer per file', () => {
  it('a second writer in another process gets StoreLockedError naming this pid', async () => {
    const file = freshStore();
    const store = Store.open(file);
    try {
      const c = spawnChild('try-open', file);
      const out = JSON.parse(await c.line((l) => l.startsWith('{'))) as { ok: boolean; name: string; code: string; pid: number; message: string };
      expect(out.ok).toBe(false);
      expect(out.name).toBe('StoreLockedError');
      expect(out.code).toBe('LOCKED');
      expect(out.pid).toBe(process.pid);
      expect(out.message).toContain(`process ${process.pid}`);
      expect(await c.exited).toBe(0);
    } finally {
      store.close();
    }
  });

  it('a store opened through a symlink and through its target has one writer lock', () => {
    const file = freshStore();
    const link = `${file}-link.th`;
    fs.symlinkSync(file, link);
    const writer = Store.open(link);
    try {
      expect(fs.existsSync(`${file}.lock`)).toBe(true);
      expect(() => Store.open(file)).toThrow(StoreLockedError);
    } finally {
      writer.close();
    }
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
    Store.open(file).close();
  });

  it('a writer here is refused while a child holds the store, with the child\'s pid; free again after it closes', async () => {
    const file = freshStore();
    const c = spawnChild('hold', file);
    const ready = await c.line((l) => l.startsWith('ready '));
    const pid = Number(ready.split(' ')[1]);
    expect(pid).toBe(c.proc.pid);
    let error: unknown = null;
    try {
      Store.open(file).close();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreLockedError);
    expect((error as StoreLockedError).pid).toBe(pid);
    expect((error as Error).message).toContain(String(pid));
    // Readers are never refused.
    const reader = Store.open(file, { readOnly: true });
    expect(reader.get(Buffer.from('seed'))?.toString()).toBe('1');
    expect(reader.info().writerPid).toBe(pid);
    reader.close();
    c.send('exit');
    await c.line((l) => l === 'closed');
    await c.exited;
    const again = Store.open(file);
    expect(again.info().writerPid).toBe(process.pid);
    again.close();
  });

  it('a stale lock left by a killed writer is recovered', async () => {
    const file = freshStore();
    const c = spawnChild('hold', file);
    const pid = Number((await c.line((l) => l.startsWith('ready '))).split(' ')[1]);
    c.send('put after-seed x');
    await c.line((l) => l.startsWith('committed '));
    c.proc.kill('SIGKILL');
    await c.exited;
    const lock = JSON.parse(fs.readFileSync(`${file}.lock`, 'utf8')) as { pid: number };
    expect(lock.pid).toBe(pid);
    const store = Store.open(file);
    try {
      expect(store.get(Buffer.from('after-seed'))?.toString()).toBe('x');
      expect(store.verify().ok).toBe(true);
      expect((JSON.parse(fs.readFileSync(`${file}.lock`, 'utf8')) as { pid: number }).pid).toBe(process.pid);
    } finally {
      store.close();
    }
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  });

  it('a half-written (unparseable) lock file is recovered', () => {
    const file = freshStore();
    fs.writeFileSync(`${file}.lock`, '{"pid":');
    const store = Store.open(file);
    store.close();
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  });

  it('a pid file naming another host blocks nobody when no process holds the OS lock', () => {
    const file = freshStore();
    fs.writeFileSync(`${file}.lock`, JSON.stringify({ pid: 4242, host: `not-${os.hostname()}`, started: 0, lock: 'os' }));
    const store = Store.open(file);
    try {
      expect((JSON.parse(fs.readFileSync(`${file}.lock`, 'utf8')) as { pid: number; host: string }).host).toBe(os.hostname());
    } finally {
      store.close();
    }
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  });

  it('a killed holder frees the lock at once, even when its pid file names a live, unrelated process (a reused pid)', async () => {
    const file = freshStore();
    const c = spawnChild('hold', file);
    const pid = Number((await c.line((l) => l.startsWith('ready '))).split(' ')[1]);
    c.proc.kill('SIGKILL');
    await c.exited;
    const lock = JSON.parse(fs.readFileSync(`${file}.lock`, 'utf8')) as { pid: number };
    expect(lock.pid).toBe(pid);
    // The kernel has reused the dead writer's pid for a live process that has nothing to do
    // with the store: here, the test runner's parent.
    const unrelated = process.ppid;
    expect(unrelated).not.toBe(process.pid);
    fs.writeFileSync(`${file}.lock`, JSON.stringify({ ...lock, pid: unrelated }));
    const store = Store.open(file);
    try {
      expect(store.info().writerPid).toBe(process.pid);
    } finally {
      store.close();
    }
  });

  it('removing the holder\'s pid file (what a racing stale-lock recovery did) does not free the lock', async () => {
    const file = freshStore();
    const c = spawnChild('hold', file);
    const pid = Number((await c.line((l) => l.startsWith('ready '))).split(' ')[1]);
    // The race: an opener read a stale owner, a new writer (the child) took the lock, and the
    // opener then unlinked the lock file. With an OS lock the file is only information.
    fs.rmSync(`${file}.lock`);
    const other = spawnChild('try-open', file);
    const out = JSON.parse(await other.line((l) => l.startsWith('{'))) as { ok: boolean; name: string };
    expect(out).toMatchObject({ ok: false, name: 'StoreLockedError' });
    expect(() => Store.open(file).close()).toThrow(StoreLockedError);
    // The child is still the only writer, and its commits land.
    c.send('put after-race 1');
    await c.line((l) => l.startsWith('committed '));
    c.send('exit');
    await c.line((l) => l === 'closed');
    await c.exited;
    const reader = Store.open(file, { readOnly: true });
    expect(reader.get(Buffer.from('after-race'))?.toString()).toBe('1');
    reader.close();
    expect(pid).toBe(c.proc.pid);
  });

  it('two hard-link names of one store exclude each other\'s writers, in this process and across processes', async () => {
    const file = freshStore();
    const other = `${file}-hardlink.th`;
    fs.linkSync(file, other);
    const writer = Store.open(file);
    try {
      const e = thrown(() => Store.open(other).close());
      expect(e).toBeInstanceOf(StoreLockedError);
      expect((e as Error).message).toContain(other);
      const c = spawnChild('try-open', other);
      const out = JSON.parse(await c.line((l) => l.startsWith('{'))) as { ok: boolean; name: string };
      expect(out).toMatchObject({ ok: false, name: 'StoreLockedError' });
    } finally {
      writer.close();
    }
    Store.open(other).close();
  });

  it('after a compaction replaces the file, the new inode is locked: another process still cannot write', async () => {
    const file = freshStore();
    const writer = Store.open(file);
    try {
      const before = fs.statSync(file).ino;
      for (let i = 0; i < 5; i++) writer.put(Buffer.from(`k${i}`), Buffer.from('v'));
      writer.compact({ keep: 1 });
      expect(fs.statSync(file).ino).not.toBe(before);
      const c = spawnChild('try-open', file);
      const out = JSON.parse(await c.line((l) => l.startsWith('{'))) as { ok: boolean; name: string; pid: number };
      expect(out).toMatchObject({ ok: false, name: 'StoreLockedError', pid: process.pid });
      writer.put(Buffer.from('after'), Buffer.from('1'));
    } finally {
      writer.close();
    }
    const again = Store.open(file);
    expect(again.get(Buffer.from('after'))?.toString()).toBe('1');
    again.close();
  });
});

describe('readers in another process than the writer', () => {
  it('a read-only opener here sees the child writer\'s new commit after refresh()', async () => {
    const file = freshStore();
    const c = spawnChild('hold', file);
    await c.line((l) => l.startsWith('ready '));
    const reader = Store.open(file, { readOnly: true });
    try {
      const before = reader.head().id;
      expect(reader.get(Buffer.from('fresh'))).toBeUndefined();
      c.send('put fresh value-1');
      const committed = Number((await c.line((l) => l.startsWith('committed '))).split(' ')[1]);
      expect(committed).toBe(before + 1);
      let seen = false;
      for (let i = 0; i < 100 && !seen; i++) {
        reader.refresh();
        seen = reader.get(Buffer.from('fresh')) !== undefined;
        if (!seen) await new Promise((r) => setImmediate(r));
      }
      expect(seen).toBe(true);
      expect(reader.get(Buffer.from('fresh'))?.toString()).toBe('value-1');
      expect(reader.head().id).toBe(committed);
      expect(reader.refresh()).toBe(false);
      expect(reader.verify().ok).toBe(true);
      // Many commits, past the writer's periodic checkpoint (every 256 commits).
      c.send('puts 300 many/');
      const last = Number((await c.line((l) => l.startsWith('committed '))).split(' ')[1]);
      let changed = false;
      for (let i = 0; i < 100 && reader.head().id !== last; i++) {
        changed = reader.refresh() || changed;
        if (reader.head().id !== last) await new Promise((r) => setImmediate(r));
      }
      expect(changed).toBe(true);
      expect(reader.head().id).toBe(last);
      expect(reader.count({ prefix: Buffer.from('many/') })).toBe(300);
      expect(reader.get(Buffer.from('many/000299'))?.toString()).toBe('v299');
      expect(reader.verify().ok).toBe(true);
      // The version the reader held before still reads as it was.
      expect(reader.at(before).get(Buffer.from('fresh'))).toBeUndefined();
    } finally {
      reader.close();
      c.send('exit');
      await c.line((l) => l === 'closed');
    }
  });

  it('a reader opened while the writer has uncheckpointed commits rolls forward through them', async () => {
    const file = freshStore();
    const c = spawnChild('hold', file);
    await c.line((l) => l.startsWith('ready '));
    c.send('puts 20 early/');
    const last = Number((await c.line((l) => l.startsWith('committed '))).split(' ')[1]);
    const reader = Store.open(file, { readOnly: true });
    try {
      expect(reader.head().id).toBe(last);
      expect(reader.count({ prefix: Buffer.from('early/') })).toBe(20);
    } finally {
      reader.close();
      c.send('exit');
      await c.line((l) => l === 'closed');
    }
  });
});
