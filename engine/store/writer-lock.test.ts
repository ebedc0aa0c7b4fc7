import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileStateError, Store, StoreLockedError } from '../index';
import { acquireWriterLock, availableLockMechanism, type LockMechanism } from './writer-lock';
import { thrown } from '../testing/test-support';

/**
 * The writer lock in one process: both mechanisms (the OS lock, and the pid-file fallback for
 * where the addon cannot load), how they meet, and a full disk. Processes that hold and die are
 * in processes.test.ts.
 */

let dir: string;
let n = 0;

function fresh(): string {
  const file = path.join(dir, `l${n++}.th`);
  fs.writeFileSync(file, 'not a store: the lock does not read it');
  return file;
}

function leftovers(d: string): string[] {
  return fs.readdirSync(d).filter((f) => f.endsWith('.tmp'));
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-wlock-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the OS lock', () => {
  it('loads here: a clean `npm install` brings the addon, so writers use the OS lock', () => {
    expect(availableLockMechanism()).toBe('os');
    const file = fresh();
    const lock = acquireWriterLock(file);
    expect(lock.mechanism).toBe('os');
    lock.release();
  });

  it('a second acquisition in the same process is refused while the first holds, and succeeds after release', () => {
    const file = fresh();
    const first = acquireWriterLock(file);
    try {
      const e = thrown(() => acquireWriterLock(file));
      expect(e).toBeInstanceOf(StoreLockedError);
      expect((e as StoreLockedError).pid).toBe(process.pid);
      expect(JSON.parse(fs.readFileSync(`${file}.lock`, 'utf8'))).toMatchObject({ pid: process.pid, host: os.hostname(), lock: 'os' });
    } finally {
      first.release();
    }
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
    acquireWriterLock(file).release();
  });

  it('holds with no pid file at all, and a hard link\'s opener is refused naming no made-up pid', () => {
    const file = fresh();
    const link = `${file}-link`;
    fs.linkSync(file, link);
    const lock = acquireWriterLock(file);
    try {
      fs.rmSync(`${file}.lock`);
      const e = thrown(() => acquireWriterLock(file));
      expect(e).toBeInstanceOf(StoreLockedError);
      const viaLink = thrown(() => acquireWriterLock(link));
      expect(viaLink).toBeInstanceOf(StoreLockedError);
      expect((viaLink as StoreLockedError).pid).toBe(0);
      expect((viaLink as Error).message).toContain('another name of the same file');
    } finally {
      lock.release();
    }
  });

  it('a live writer using the pid-file fallback on this host is honoured by an OS-lock opener', () => {
    const file = fresh();
    // What a fallback writer in another live process (here: our parent's pid) leaves: it cannot
    // take the OS lock, so the OS opener must read its pid file by the fallback's rules.
    fs.writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.ppid, host: os.hostname(), started: 0, lock: 'pid-file' }));
    try {
      const e = thrown(() => acquireWriterLock(file));
      expect(e).toBeInstanceOf(StoreLockedError);
      expect((e as StoreLockedError).pid).toBe(process.ppid);
    } finally {
      fs.rmSync(`${file}.lock`, { force: true });
    }
    // An OS-lock pid file naming the same live pid (a crashed OS-lock writer's, pid reused) blocks nothing.
    fs.writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.ppid, host: os.hostname(), started: 0, lock: 'os' }));
    acquireWriterLock(file).release();
  });
});

describe('the pid-file fallback', () => {
  it('excludes a second writer, recovers a dead holder\'s file, and cleans up', () => {
    const file = fresh();
    const lock = acquireWriterLock(file, { mechanism: 'pid-file' });
    expect(lock.mechanism).toBe('pid-file');
    expect(thrown(() => acquireWriterLock(file, { mechanism: 'pid-file' }))).toBeInstanceOf(StoreLockedError);
    lock.release();
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
    // A pid that cannot be alive (above every Linux pid_max).
    fs.writeFileSync(`${file}.lock`, JSON.stringify({ pid: 2 ** 22 + 1, host: os.hostname(), started: 0, lock: 'pid-file' }));
    const again = acquireWriterLock(file, { mechanism: 'pid-file' });
    again.release();
    expect(leftovers(dir)).toEqual([]);
  });
});

/**
 * A real full disk: a small tmpfs filled to the last byte. Needs root (mount); CI and this
 * machine run as root.
 */
function mountSmallTmpfs(): string | null {
  const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'th-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mnt], { stdio: 'ignore' });
    return mnt;
  } catch {
    fs.rmdirSync(mnt);
    return null;
  }
}

function fillUp(d: string): void {
  const fd = fs.openSync(path.join(d, 'filler'), 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  }
  // tmpfs can still take a few bytes into a partly used page: use those up too.
  try {
    for (;;) fs.writeSync(fd, Buffer.alloc(1));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    fs.closeSync(fd);
  }
}

const mnt = process.getuid?.() === 0 ? mountSmallTmpfs() : null;

describe.skipIf(mnt === null)('on a full disk', () => {
  afterAll(() => {
    if (!mnt) return;
    execFileSync('umount', [mnt]);
    fs.rmdirSync(mnt);
  });

  it.each<LockMechanism>(['os', 'pid-file'])('a failed %s lock leaves no temp file behind and names the lock file', (mechanism) => {
    const d = fs.mkdtempSync(path.join(mnt as string, `${mechanism}-`));
    const file = path.join(d, 'x.th');
    fs.writeFileSync(file, 'x');
    fillUp(d);
    try {
      const e = thrown(() => acquireWriterLock(file, { mechanism }));
      expect(e).toBeInstanceOf(FileStateError);
      expect((e as Error).message).toContain(`${file}.lock`);
      expect((e as Error).message).toContain('ENOSPC');
      expect(leftovers(d)).toEqual([]);
      expect(fs.existsSync(`${file}.lock`)).toBe(false);
    } finally {
      fs.rmSync(path.join(d, 'filler'));
    }
    // With space again, the same lock is taken (the failed attempt held nothing).
    acquireWriterLock(file, { mechanism }).release();
    fs.rmSync(d, { recursive: true });
  });

  it('Store.open for writing on a full disk says which file it could not write, and leaves nothing behind', () => {
    const d = fs.mkdtempSync(path.join(mnt as string, 'store-'));
    const file = path.join(d, 's.th');
    const s = Store.create(file, { nodeSize: 1024, fanout: 8, bufferSize: 1024, blobThreshold: 256 });
    s.put(Buffer.from('k'), Buffer.from('v'));
    s.close();
    fillUp(d);
    try {
      const e = thrown(() => Store.open(file));
      expect(e).toBeInstanceOf(FileStateError);
      expect((e as Error).message).toContain(`${file}.lock`);
      expect(fs.readdirSync(d).sort()).toEqual(['filler', 's.th']);
      // Readers take no lock and write nothing: they still open.
      const r = Store.open(file, { readOnly: true });
      expect(r.get(Buffer.from('k'))?.toString()).toBe('v');
      r.close();
    } finally {
      fs.rmSync(path.join(d, 'filler'));
    }
    fs.rmSync(d, { recursive: true });
  });
});

describe('readers', () => {
  it('never load the lock addon: a read-only open in a fresh process leaves it unloaded', () => {
    const file = path.join(dir, `r${n++}.th`);
    Store.create(file, { nodeSize: 1024, fanout: 8, bufferSize: 1024, blobThreshold: 256 }).close();
    const script = [
      "import { createRequire } from 'node:module';",
      "import { Store } from './engine/index.ts';",
      `const s = Store.open(${JSON.stringify(file)}, { readOnly: true }); s.get(Buffer.from('k')); s.close();`,
      "const loaded = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('fs-native-extensions'));",
      `const w = Store.open(${JSON.stringify(file)}); w.close();`,
      "const after = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('fs-native-extensions'));",
      'console.log(JSON.stringify({ loaded, after }));',
    ].join('\n');
    const root = path.resolve(import.meta.dirname, '../..');
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop() as string)).toEqual({ loaded: false, after: true });
  });
});
