/**
 * How records and facts look on the terminal.
 *
 * Two forms: `--json` prints exactly `{"key": <json>, "value": <json>}` per line (the JSON
 * mapping of the records layer, so `dump | load` round-trips), and the readable form aligns keys
 * in a column, shows values as compact JSON with references as `→ ["users", 7]`, and cuts lines
 * to the terminal's width when a person is watching.
 */
import type { Output } from './io';
import { decodeKeyForDisplay, decodeValueForDisplay, jsonText, keyToJsonValue, valueToJsonValue } from './records';
import { showValue, type ShowOptions } from './show';


/** One JSON line (no spaces: machines read it). */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * The `--json` form of a record: `{"key":…,"value":…}` on one line, integers beyond 2^53 and -0
 * written exactly (`12345678901234567890`, `-0`), so `load` reads back the very same bytes.
 */
export function recordJsonLine(key: Uint8Array, value: Uint8Array): string {
  return `{"key":${jsonText(keyToJsonValue(key))},"value":${jsonText(valueToJsonValue(value))}}`;
}

/** The readable form of a key: its tuple as compact JSON, or hex for raw byte keys. */
export function describeKey(key: Uint8Array): string {
  return showValue(decodeKeyForDisplay(key));
}

/** The readable form of a stored value. */
export function renderValue(value: Uint8Array, options: ShowOptions = {}): string {
  return showValue(decodeValueForDisplay(value), options);
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A changed value for `diff`: when both sides are objects, only the fields that differ
 * (`{"total": 177 → 159.3}`, `∅` for a missing field), because the whole record twice would
 * hide the change in a wide line; otherwise `before → after`.
 */
export function renderChange(before: Uint8Array, after: Uint8Array): string {
  const a = decodeValueForDisplay(before);
  const b = decodeValueForDisplay(after);
  if (!isPlainRecord(a) || !isPlainRecord(b)) return `${showValue(a)} → ${showValue(b)}`;
  const fields: string[] = [];
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const was = name in a ? showValue(a[name]) : '∅';
    const now = name in b ? showValue(b[name]) : '∅';
    if (was !== now) fields.push(`${JSON.stringify(name)}: ${was} → ${now}`);
  }
  // Same display, different bytes (e.g. key order or number encoding): say so rather than show nothing.
  return fields.length > 0 ? `{${fields.join(', ')}}` : `${showValue(b)} (same fields, different encoding)`;
}

/** Cuts `text` to `width` characters, marking the cut with `…`. */
export function truncate(text: string, width: number | undefined): string {
  if (width === undefined || text.length <= width) return text;
  if (width <= 1) return '…'.slice(0, width);
  return `${text.slice(0, width - 1)}…`;
}

/** Rows aligned within one batch: streaming stays O(batch) in memory, and columns still line up. */
const TABLE_BATCH = 256;

/**
 * The readable record listing: key column, two spaces, value. Keys are aligned within batches of
 * {@link TABLE_BATCH} rows, the key column is capped so one long key does not push every value
 * off the screen, and each line is cut to the terminal's width (only when stdout is one).
 */
export class RecordTable {
  private rows: { key: string; value: string }[] = [];

  constructor(private readonly out: Output) {}

  /** Adds a record (printed when its batch is full or at {@link finish}). */
  async add(key: Uint8Array, value: Uint8Array): Promise<void> {
    this.rows.push({ key: describeKey(key), value: renderValue(value) });
    if (this.rows.length >= TABLE_BATCH) await this.flushRows();
  }

  /** Prints what is left. */
  async finish(): Promise<void> {
    await this.flushRows();
  }

  private async flushRows(): Promise<void> {
    const width = this.out.width;
    const cap = width !== undefined ? Math.max(16, Math.floor(width * 0.45)) : 60;
    const column = Math.min(cap, Math.max(0, ...this.rows.map((row) => row.key.length)));
    for (const row of this.rows) {
      const key = row.key.length > column ? row.key : row.key.padEnd(column);
      await this.out.line(truncate(`${key}  ${row.value}`, width));
    }
    this.rows = [];
  }
}

/** `1.5 MiB`, `812 B`: sizes people can read. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** `42%` (or `0.4%` for small fractions, so "nearly empty" is not shown as 0%). */
export function formatPercent(fraction: number): string {
  const percent = fraction * 100;
  if (percent > 0 && percent < 1) return `${percent.toFixed(1)}%`;
  return `${Math.round(percent)}%`;
}

/** A version's time, local and to the second: `2025-01-31 14:05:09`. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
