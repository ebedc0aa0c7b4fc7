/**
 * `files.list`: the serve host's file picker. The browser cannot see the server's disk, so the
 * service lists the allowed places, then what is inside a folder the picker reached, each entry
 * as a handle. Entries whose real path leaves the allowed places (symlinks out) are not listed.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FileEntry, FileRef } from '../contract';
import type { FileGrants } from './file-grants';

/** Most entries one listing returns (`truncated` says when a folder holds more). */
export const LIST_MAX = 2000;

/**
 * Without `handle`: the allowed folders and named files. With a folder's handle: its entries,
 * folders first, then files, by name. O(entries · log entries).
 */
export function listFiles(files: FileGrants, handle: string | undefined): { dir: FileRef | null; entries: FileEntry[]; truncated: boolean } {
  if (handle === undefined) {
    const { files: named, dirs } = files.places;
    const entries: FileEntry[] = [
      ...dirs.map((d): FileEntry => ({ ref: files.grant(d, 'dir'), kind: 'dir' })),
      ...named.map((f): FileEntry => ({ ref: files.grant(f, 'open'), kind: 'file' })),
    ];
    return { dir: null, entries, truncated: false };
  }
  const dir = files.resolveHandle(handle, 'list');
  const entries: FileEntry[] = [];
  const names = readdirSync(dir).sort((a, b) => a.localeCompare(b));
  let truncated = false;
  for (const name of names) {
    if (entries.length >= LIST_MAX) {
      truncated = true;
      break;
    }
    const full = join(dir, name);
    const stat = lstatSync(full, { throwIfNoEntry: false });
    if (!stat) continue;
    // Where the entry really leads must still be inside the allowed places.
    let target: string;
    try {
      target = files.allowTyped(full, stat.isDirectory() ? 'list' : 'read');
    } catch {
      continue;
    }
    const real = stat.isSymbolicLink() ? lstatSync(target, { throwIfNoEntry: false }) : stat;
    if (!real) continue;
    if (real.isDirectory()) entries.push({ ref: files.grant(target, 'dir'), kind: 'dir' });
    else if (real.isFile()) entries.push({ ref: files.grant(target, 'open'), kind: 'file', size: real.size });
  }
  entries.sort((a, b) => (a.kind === b.kind ? a.ref.name.localeCompare(b.ref.name) : a.kind === 'dir' ? -1 : 1));
  return { dir: files.grant(dir, 'dir'), entries, truncated };
}
