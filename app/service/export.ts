/**
 * Exports a key range to JSONL or CSV. Streams through a cursor (constant memory), writes to
 * a temporary file beside the target and renames it at the end, so a cancelled or failed
 * export never leaves a half-written file or clobbers an existing one.
 *
 * The file is created with mode 0600, whatever the umask: an export holds the store's data and
 * is the user's alone until they share it. Only the chosen target is ever replaced, and only
 * with `overwrite`: without it the finished file is linked into place, which fails if a file
 * appeared there meanwhile, so nothing that was not chosen can be clobbered.
 */
import { chmodSync, createWriteStream, existsSync, linkSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ExportResult } from '../contract';
import { exactJson } from './engine';
import type { Entry, RangeOptions, Store } from './engine';
import { ServiceError } from './errors';
import type { JobContext } from './jobs';
import { toHex } from './contract-data';

/** Options of {@link exportRange}. */
export interface ExportOptions {
  readonly format: 'jsonl' | 'csv';
  readonly path: string;
  readonly overwrite: boolean;
}

/** One CSV cell per RFC 4180: quoted when it holds a comma, quote or line break. */
export function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The line for one record: `{"key", "value"}` as `thunderhead dump` writes, or a CSV row. */
export function exportLine(entry: Entry, format: 'jsonl' | 'csv'): string {
  // The exact JSON forms: `thunderhead load` reads a JSONL export back byte for byte.
  const { key, value } = exactJson(entry.key, entry.value);
  if (format === 'jsonl') return `${JSON.stringify({ key, value })}\n`;
  return `${[JSON.stringify(key), JSON.stringify(value), toHex(entry.key), String(entry.valueLength)].map(csvCell).join(',')}\r\n`;
}

/** Writes every record of `range` to `options.path`. */
export async function exportRange(store: Store, range: RangeOptions, options: ExportOptions, job: JobContext): Promise<ExportResult> {
  if (!options.overwrite && existsSync(options.path)) {
    throw new ServiceError('FILE_STATE', `${options.path} already exists; choose another name or allow overwriting`);
  }
  const tmp = join(dirname(options.path), `.${basename(options.path)}.${process.pid}.partial`);
  const out = createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await Promise.race([new Promise<void>((resolve) => out.once('drain', () => resolve())), failed]);
  };
  let rows = 0;
  try {
    await Promise.race([new Promise<void>((resolve) => out.once('open', () => resolve())), failed]);
    if (options.format === 'csv') await write('key,value,key_hex,value_length\r\n');
    for (const entry of store.scan(range)) {
      await write(exportLine(entry, options.format));
      rows += 1;
      job.progress(rows, -1, 'writing');
      await job.checkpoint();
    }
    await Promise.race([new Promise<void>((resolve) => out.end(() => resolve())), failed]);
    const bytes = out.bytesWritten;
    // `mode` passes through the umask, which can only clear bits; say 0600 exactly.
    chmodSync(tmp, 0o600);
    if (options.overwrite) renameSync(tmp, options.path);
    else {
      try {
        linkSync(tmp, options.path);
        rmSync(tmp, { force: true });
      } catch (error) {
        // Filesystems without hard links (FAT, some network mounts): check, then rename.
        const code = (error as { code?: unknown }).code;
        if ((code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') || existsSync(options.path)) throw error;
        renameSync(tmp, options.path);
      }
    }
    job.progress(rows, rows, 'done');
    return { path: options.path, rows, bytes };
  } catch (error) {
    out.destroy();
    rmSync(tmp, { force: true });
    throw error;
  }
}
