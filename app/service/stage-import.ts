/**
 * Reads a JSONL or CSV file, as `records.export` and `thunderhead dump` write them, into point
 * writes for the stage. Every line is checked (key and value encode with the records layer);
 * the first bad one stops the import with its line number, and nothing is staged.
 */
import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { IMPORT_FILE_MAX_BYTES, STAGE_CHANGE_MAX_KEYS } from '../contract';
import { MAX_KEY_BYTES, keyFromJson, valueFromJson } from '../../engine/index';
import { cliCommand } from '../cli/invocation';
import { JsonTextError, parseJsonText } from '../contract/json-text';
import { firstInvalidUtf8, lineOf } from '../contract/utf8';
import { ServiceError } from './errors';
import { regularFileSize } from './input-file';
import type { JobContext } from './jobs';
import type { PointWrite } from './stage';
import { oneLine } from './contract-data';

/** Which format a path holds, by its extension (JSONL unless it ends in .csv). */
export function importFormat(path: string, given?: 'jsonl' | 'csv'): 'jsonl' | 'csv' {
  return given ?? (/\.csv$/i.test(path) ? 'csv' : 'jsonl');
}

/** Key bytes from their JSON form, with the engine's key size limit checked up front. */
export function keyOfJson(json: unknown): Buffer {
  const key = keyFromJson(json);
  if (key.length > MAX_KEY_BYTES) throw new ServiceError('KEY_TOO_LARGE', `key is ${key.length} bytes; the maximum is ${MAX_KEY_BYTES} bytes`);
  return key;
}

/**
 * Splits CSV text into rows of cells (RFC 4180: quoted cells may hold commas, quotes doubled,
 * line breaks). Yields each row with the line number it starts on and the offset after it.
 */
export function* csvRows(text: string): Generator<{ cells: string[]; line: number; end: number }> {
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const start = line;
    const cells: string[] = [];
    for (;;) {
      let cell = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw new ServiceError('INVALID_ARGUMENT', `line ${start}: a quoted cell is not closed`);
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          cell += c;
          i++;
        }
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') cell += text[i++];
      }
      cells.push(cell);
      if (text[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') {
      i++;
      line++;
    } else if (i < text.length) {
      throw new ServiceError('INVALID_ARGUMENT', `line ${start}: unexpected character after a quoted cell`);
    }
    if (cells.length === 1 && cells[0] === '') continue;
    yield { cells, line: start, end: i };
  }
}

function parseJsonCell(text: string, what: string, line: number): unknown {
  try {
    // Exact numbers: integers beyond 2^53 stay exact, -0 stays -0, 1e400 is refused.
    return parseJsonText(text);
  } catch (error) {
    if (error instanceof JsonTextError && error.kind === 'number') throw new ServiceError('INVALID_ARGUMENT', `line ${line}: the ${what} holds ${error.message}`);
    // Quoted, so control bytes of a binary file (a store picked by mistake) show as escapes.
    throw new ServiceError('INVALID_ARGUMENT', `line ${line}: the ${what} is not JSON: ${JSON.stringify(text.slice(0, 40))}`);
  }
}

function record(keyJson: unknown, valueJson: unknown, line: number): PointWrite {
  try {
    return { key: keyOfJson(keyJson), value: valueFromJson(valueJson) };
  } catch (error) {
    throw new ServiceError(error instanceof ServiceError ? error.code : 'INVALID_ARGUMENT', `line ${line}: ${oneLine(error)}`);
  }
}

/** Parses import text into point writes (puts). Throws a one-line ServiceError naming the bad line. */
export async function parseImport(text: string, format: 'jsonl' | 'csv', job: JobContext): Promise<PointWrite[]> {
  const out: PointWrite[] = [];
  const push = (w: PointWrite): void => {
    if (out.length >= STAGE_CHANGE_MAX_KEYS) throw new ServiceError('INVALID_ARGUMENT', `the file holds more than ${STAGE_CHANGE_MAX_KEYS} records; import it in parts or with \`${cliCommand()} load\``);
    out.push(w);
  };
  const total = text.length;
  if (format === 'jsonl') {
    let pos = 0;
    let line = 0;
    while (pos < text.length) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      line++;
      const raw = text.slice(pos, end).trim();
      pos = end + 1;
      if (raw === '') continue;
      const obj = parseJsonCell(raw, 'line', line);
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj) || !('key' in obj) || !('value' in obj)) {
        throw new ServiceError('INVALID_ARGUMENT', `line ${line}: expected an object {"key": …, "value": …}`);
      }
      push(record((obj as { key: unknown }).key, (obj as { value: unknown }).value, line));
      if (line % 256 === 0) {
        job.progress(pos, total, 'reading');
        await job.checkpoint();
      }
    }
  } else {
    let header: string[] | null = null;
    let keyCol = 0;
    let valueCol = 1;
    let n = 0;
    for (const { cells, line, end } of csvRows(text)) {
      if (!header) {
        header = cells.map((c) => c.trim().toLowerCase());
        keyCol = header.indexOf('key');
        valueCol = header.indexOf('value');
        if (keyCol < 0 || valueCol < 0) throw new ServiceError('INVALID_ARGUMENT', 'line 1: the CSV header must name a "key" and a "value" column');
        continue;
      }
      const k = cells[keyCol];
      const v = cells[valueCol];
      if (k === undefined || v === undefined) throw new ServiceError('INVALID_ARGUMENT', `line ${line}: expected ${header.length} cells, found ${cells.length}`);
      push(record(parseJsonCell(k, 'key', line), parseJsonCell(v, 'value', line), line));
      if (++n % 256 === 0) {
        job.progress(end, total, 'reading');
        await job.checkpoint();
      }
    }
    if (!header) throw new ServiceError('INVALID_ARGUMENT', 'the CSV file is empty');
  }
  job.progress(total, total, 'done');
  return out;
}

/** Reads an import file (size-checked) as UTF-8 text. */
export async function readImportFile(path: string, job: JobContext): Promise<string> {
  const size = regularFileSize(path, IMPORT_FILE_MAX_BYTES, `imports are limited to ${IMPORT_FILE_MAX_BYTES} bytes (use \`${cliCommand()} load\`)`);
  const handle = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let done = 0;
    // Up to the size checked: a file growing meanwhile cannot take the read past the limit.
    while (done < size) {
      const chunk = Buffer.alloc(Math.min(4 << 20, size - done));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, done);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      done += bytesRead;
      job.progress(done, size, 'loading');
      await job.checkpoint();
    }
    const bytes = Buffer.concat(chunks);
    // Decoding would replace bad bytes with U+FFFD and stage data that was never in the file.
    if (!isUtf8(bytes)) {
      const at = lineOf(bytes, firstInvalidUtf8(bytes));
      throw new ServiceError('INVALID_ARGUMENT', `line ${at.line}: not valid UTF-8 (at byte ${at.byte} of the line); nothing was staged`);
    }
    return bytes.toString('utf8');
  } finally {
    await handle.close();
  }
}
