/** Record browser filters → the contract's range input. Pure, so it is unit-tested. */
import type { KeyInput, RangeInput } from '../../../../app/contract';
import { parseKeyText, type KeyMode } from '../../lib/keys';

/** What the user typed in the filter bar. */
export interface FilterText {
  readonly mode: KeyMode;
  readonly prefix: string;
  readonly from: string;
  readonly to: string;
  readonly reverse: boolean;
}

export const EMPTY_FILTER: FilterText = { mode: 'tuple', prefix: '', from: '', to: '', reverse: false };

/** A key the browser jumped to (resolved to bytes by the service first). */
export interface Jump {
  readonly hex: string;
  readonly label: string;
  readonly found: boolean;
}

export type BuiltRange = { readonly ok: true; readonly range: RangeInput | undefined } | { readonly ok: false; readonly field: 'prefix' | 'from' | 'to'; readonly error: string };

/**
 * A prefix typed as one bare or quoted string (`user:01`, `"user:01"`) is a text prefix — keys
 * whose first element starts with that text, as in the CLI's `scan --prefix` — sent as a JSON
 * string; a bracketed or multi-element tuple (`("users")`, `users, 7`) stays a tuple prefix.
 */
export function textPrefix(text: string, key: KeyInput): KeyInput {
  if (/^\s*[([]/.test(text) || !('json' in key) || !Array.isArray(key.json)) return key;
  const items = key.json as readonly unknown[];
  return items.length === 1 && typeof items[0] === 'string' ? { json: items[0] } : key;
}

/**
 * The range for `records.page`. Empty fields are left out; a jump starts the scan at the key
 * (forward: from = key; reverse: to = key + 0x00, so the key itself is the first row).
 */
export function buildRange(f: FilterText, jump: Jump | null): BuiltRange {
  const range: { from?: KeyInput; to?: KeyInput; prefix?: KeyInput; reverse?: boolean } = {};
  for (const field of ['prefix', 'from', 'to'] as const) {
    const text = f[field];
    if (text.trim() === '' && f.mode !== 'text') continue;
    if (text === '') continue;
    const parsed = parseKeyText(text, f.mode);
    if (!parsed.ok) return { ok: false, field, error: parsed.error };
    range[field] = field === 'prefix' && f.mode === 'tuple' ? textPrefix(text, parsed.key) : parsed.key;
  }
  if (jump) {
    if (f.reverse) range.to = { hex: `${jump.hex}00` };
    else range.from = { hex: jump.hex };
  }
  if (f.reverse) range.reverse = true;
  return { ok: true, range: Object.keys(range).length === 0 ? undefined : range };
}

/** A short description of the active filter for the status line and the export dialog. */
export function describeFilter(f: FilterText, jump: Jump | null, where?: string): string {
  const parts: string[] = [];
  if (where !== undefined) parts.push(`where ${where}`);
  if (f.prefix) parts.push(`prefix ${f.prefix}`);
  if (f.from) parts.push(`from ${f.from}`);
  if (f.to) parts.push(`to ${f.to}`);
  if (jump) parts.push(`starting at ${jump.label}`);
  if (f.reverse) parts.push('reversed');
  return parts.length ? parts.join(' · ') : 'all records';
}

/** Default export file: beside the store, named after it. */
export function defaultExportPath(storePath: string, format: 'jsonl' | 'csv'): string {
  const sep = storePath.includes('\\') && !storePath.includes('/') ? '\\' : '/';
  const i = storePath.lastIndexOf(sep);
  const dir = i >= 0 ? storePath.slice(0, i) : '.';
  const base = (i >= 0 ? storePath.slice(i + 1) : storePath).replace(/\.[^.]*$/, '') || 'export';
  return `${dir}${sep}${base}-export.${format}`;
}
