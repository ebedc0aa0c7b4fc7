import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiskFullError, FileStateError, NotAStoreError, Store } from '../index';
import { fileCalls } from './file';
import { thrown } from '../testing/test-support';

/**
 * What the file system can refuse, and how it reaches the user: a full disk is a DiskFullError
 * naming the path (and a store fits on a small volume: preallocation takes what fits); a path
 * that is too long or loops says so instead of "does not exist"; a FIFO or a device at the path
 * is refused at once, without blocking on open.
 */

const original = { ...fileCalls };
afterEach(() => {
  Object.assign(fileCalls, original);
});

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-file-errors-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Makes every file the store writes behave as if on a volume with `capacity` bytes for it (ENOSPC past that). */
function smallVolume(capacity: number): void {
  const used = new Map<number, number>();
  fileCalls.writeSync = ((fd: number, buf: NodeJS.ArrayBufferView, off?: number, len?: number, pos?: number) => {
    const end = (pos ?? 0) + (len ?? buf.byteLength);
    const size = Math.max(used.get(fd) ?? fs.fstatSync(fd).size, 0);
    if (end > size && end > capacity) {
      const fits = Math.max(0, capacity - (pos ?? 0));
      if (fits > 0) {
        // A short write of what fits, as the kernel does; the next call then fails.
        const n = original.writeSync(fd, buf, off, Math.min(len ?? buf.byteLength, fits), pos);
        used.set(fd, Math.max(size, (pos ?? 0) + n));
        return n;
      }
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    }
    used.set(fd, Math.max(size, end));
    return original.writeSync(fd, buf, off, len, pos);
  }) as typeof fs.writeSync;
}

const big = (n: number): Buffer => Buffer.alloc(n, 'full disk; ');

describe('a full disk', () => {
  it('a 2 MiB volume takes a small store (preallocation takes what fits); a commit that does not fit is a DiskFullError naming the path, and nothing committed is lost', () => {
    const file = path.join(dir, 'small-volume.th');
    smallVolume(2 * 1024 * 1024);
    const store = Store.create(file);
    store.put(Buffer.from('a'), Buffer.from('1'));
    store.put(Buffer.from('b'), big(100_000));
    const error = thrown(() => store.put(Buffer.from('c'), big(3 * 1024 * 1024)));
    expect(error).toBeInstanceOf(DiskFullError);
    expect((error as DiskFullError).code).toBe('DISK_FULL');
    expect((error as Error).message).toContain(file);
    expect((error as Error).message.split('\n')).toHaveLength(1);
    // The store goes on: small commits still fit, and everything acknowledged survives a reopen.
    store.put(Buffer.from('d'), Buffer.from('4'));
    store.close();
    Object.assign(fileCalls, original);
    for (const readOnly of [true, false]) {
      const again = Store.open(file, { readOnly });
      try {
        expect(again.verify().problems).toEqual([]);
        expect(again.get(Buffer.from('a'))?.toString()).toBe('1');
        expect(again.get(Buffer.from('b'))?.equals(big(100_000))).toBe(true);
        expect(again.get(Buffer.from('c'))).toBeUndefined();
        expect(again.get(Buffer.from('d'))?.toString()).toBe('4');
      } finally {
        again.close();
      }
    }
    fs.rmSync(file);
  });

  it('create on a volume too small for even the header is a DiskFullError, and leaves no file', () => {
    const file = path.join(dir, 'tiny-volume.th');
    smallVolume(1000);
    const error = thrown(() => Store.create(file));
    expect(error).toBeInstanceOf(DiskFullError);
    // Named by the store's path, not the temp name it is built under.
    expect((error as Error).message).toContain(`${file} (`);
    Object.assign(fileCalls, original);
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('tiny-volume'))).toEqual([]);
  });

  // A real 2 MiB tmpfs where this process may mount one (root on Linux); elsewhere the injected volume above covers it.
  it.skipIf(process.getuid?.() !== 0 || process.platform !== 'linux')('on a real 2 MiB tmpfs: create and small commits work, a large one is a DiskFullError', (ctx) => {
    const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'th-tmpfs-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint], { stdio: 'ignore' });
    } catch {
      fs.rmSync(mountPoint, { recursive: true, force: true });
      ctx.skip();
      return;
    }
    try {
      const file = path.join(mountPoint, 's.th');
      const store = Store.create(file);
      for (let i = 0; i < 50; i++) store.put(Buffer.from(`k${i}`), Buffer.from(`v${i}`));
      expect(thrown(() => store.put(Buffer.from('huge'), big(4 * 1024 * 1024)))).toBeInstanceOf(DiskFullError);
      store.close();
      const again = Store.open(file, { readOnly: true });
      expect(again.count()).toBe(50);
      expect(again.verify().ok).toBe(true);
      again.close();
    } finally {
      execFileSync('umount', [mountPoint], { stdio: 'ignore' });
      fs.rmSync(mountPoint, { recursive: true, force: true });
    }
  });
});

describe('paths that are not stores', () => {
  it('a path too long for the file system says so (open, create)', () => {
    const file = path.join(dir, `${'x'.repeat(300)}.th`);
    for (const attempt of [() => Store.open(file), () => Store.open(file, { readOnly: true }), () => Store.create(file)]) {
      const error = thrown(attempt);
      expect(error).toBeInstanceOf(FileStateError);
      expect((error as Error).message).toContain('too long');
      expect((error as Error).message).toContain(file);
      expect((error as Error).message).not.toContain('.tmp');
    }
  });

  it('a symlink loop says so', () => {
    const a = path.join(dir, 'loop-a.th');
    const b = path.join(dir, 'loop-b.th');
    fs.symlinkSync(b, a);
    fs.symlinkSync(a, b);
    for (const attempt of [() => Store.open(a), () => Store.create(a)]) {
      const error = thrown(attempt);
      expect(error).toBeInstanceOf(FileStateError);
      expect((error as Error).message).toContain('link loop');
    }
    fs.rmSync(a);
    fs.rmSync(b);
  });

  it('a symlink to a store is a store', () => {
    const real = path.join(dir, 'real.th');
    const link = path.join(dir, 'link.th');
    Store.create(real).close();
    fs.symlinkSync(real, link);
    const s = Store.open(link, { readOnly: true });
    expect(s.head().id).toBe(1);
    s.close();
    fs.rmSync(link);
    fs.rmSync(real);
  });

  it.skipIf(process.platform === 'win32')('a FIFO at the path is refused at once, without blocking (checked in a child with a time limit)', () => {
    const fifo = path.join(dir, 'pipe.th');
    execFileSync('mkfifo', [fifo]);
    const store = fileURLToPath(new URL('../index.ts', import.meta.url));
    const script = `import { Store } from ${JSON.stringify(store)};
for (const readOnly of [true, false]) {
  try { Store.open(${JSON.stringify(fifo)}, { readOnly }); console.log('opened'); } catch (e) { console.log(e.constructor.name + ': ' + e.message); }
}`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000, cwd: fileURLToPath(new URL('../..', import.meta.url)) });
    expect(child.signal, 'the open blocked').toBeNull();
    const lines = child.stdout.trim().split('\n');
    expect(lines, child.stderr).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatch(new RegExp(`^${NotAStoreError.name}: .*named pipe`));
    }
    fs.rmSync(fifo);
  });

  it('a directory is not a store', () => {
    for (const readOnly of [true, false]) expect(thrown(() => Store.open(dir, { readOnly }))).toBeInstanceOf(NotAStoreError);
  });
});
