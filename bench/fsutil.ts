/** File helpers shared by the harness and the peer adapters. */
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, fsyncSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Sum of the apparent sizes of every file under `path` (a file or a directory); 0 if missing. */
export function pathSize(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    total += entry.isDirectory() ? pathSize(child) : statSync(child).size;
  }
  return total;
}

/** Every regular file under `path`. */
export function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  const out: string[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(child));
    else if (entry.isFile()) out.push(child);
  }
  return out;
}

/** Copies a closed store (file or directory). */
export function copyPath(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
  // Written back before the workload starts: otherwise the copy's dirty pages (the whole store)
  // go to disk during the first timed fsync or in the background while later runs are timed.
  for (const file of filesUnder(to)) {
    const fd = openSync(file, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

/** Removes a file or directory tree; missing is fine. */
export function removePath(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

/**
 * Drops the page cache of every file under `path`, so the next read comes from the device. Uses
 * GNU dd's `iflag=nocache count=0`, which calls posix_fadvise(POSIX_FADV_DONTNEED) on the whole
 * file and needs no privileges; only clean pages can be dropped, so the
 * files are fsync'd first (`sync FILE…`). Returns false when dd is missing or refuses.
 */
export function evictPageCache(path: string): boolean {
  const files = filesUnder(path);
  if (files.length === 0) return true;
  // fsync first (coreutils `sync FILE…`): dirty pages cannot be dropped.
  let ok = spawnSync('sync', files, { stdio: 'ignore' }).status === 0;
  for (const file of files) {
    const r = spawnSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none'], { stdio: 'ignore' });
    if (r.status !== 0) ok = false;
  }
  return ok;
}
