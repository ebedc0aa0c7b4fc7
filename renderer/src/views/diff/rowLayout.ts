/**
 * What one diff row shows, line by line, in split or unified mode, and how tall it is. Heights
 * are computed, not measured: every line is one fixed-height text line, so the virtualized
 * list knows each row's size before rendering it (no layout thrash while scrolling). Pure.
 */
import type { DiffRow, Json, ValueView } from '../../../../app/contract';
import { previewLine } from '../../lib/jsonTree';
import { fieldDiff, type FieldDiff } from './fieldDiff';

/** Side by side (before | after) or one column with -/+ lines. */
export type DiffMode = 'split' | 'unified';

/** One text line of a row. In unified mode a changed field becomes a removed and an added line. */
export interface DisplayLine {
  readonly kind: 'same' | 'changed' | 'added' | 'removed' | 'note';
  /** Field path ('' for the whole value). */
  readonly path: string;
  /** Text of the value before (split: left column; unified: the line's text for same/removed). */
  readonly before?: string;
  /** Text of the value after. */
  readonly after?: string;
  /** For notes: what to say. */
  readonly note?: string;
}

/** A row laid out. */
export interface RowLayout {
  readonly lines: readonly DisplayLine[];
  /** Unchanged lines hidden by "hide unchanged" (0 when shown). */
  readonly hidden: number;
  readonly height: number;
}

/** Pixel sizes the CSS in diff.css uses (kept in one place so heights match the drawing). */
export const ROW_SIZES = { header: 28, line: 20, pad: 8 } as const;

const VALUE_CHARS = 240;

function text(v: Json | undefined): string | undefined {
  return v === undefined ? undefined : previewLine(v, VALUE_CHARS);
}

/** A side's value for comparing: the decoded JSON, raw bytes as a bytes tag, undefined when absent. */
function sideJson(v: ValueView | null): Json | undefined {
  if (v === null) return undefined;
  return v.decoded ? v.json : { $bytes: v.hex };
}

function sizeNote(v: ValueView | null): string {
  return v === null ? 'absent' : `${v.length.toLocaleString('en-US')} B`;
}

/** The field diff of a row, or null when a side was not loaded (large values). Cached per row object. */
const diffs = new WeakMap<DiffRow, FieldDiff | null>();
export function rowFieldDiff(row: DiffRow): FieldDiff | null {
  if (diffs.has(row)) return diffs.get(row)!;
  const unloaded = (row.before !== null && !row.before.loaded) || (row.after !== null && !row.after.loaded);
  const d = unloaded ? null : fieldDiff(sideJson(row.before), sideJson(row.after));
  diffs.set(row, d);
  return d;
}

/**
 * The lines of `row`. `showSame` false hides unchanged fields (their count goes to `hidden`).
 */
export function layoutRow(row: DiffRow, mode: DiffMode, showSame: boolean): RowLayout {
  const d = rowFieldDiff(row);
  const lines: DisplayLine[] = [];
  let hidden = 0;
  if (d === null) {
    lines.push({ kind: 'note', path: '', note: `large value, not loaded here: ${sizeNote(row.before)} → ${sizeNote(row.after)}` });
  } else {
    for (const l of d.lines) {
      if (l.status === 'same' && !showSame) {
        hidden += 1;
        continue;
      }
      if (mode === 'unified' && l.status === 'changed') {
        lines.push({ kind: 'removed', path: l.path, before: text(l.before) });
        lines.push({ kind: 'added', path: l.path, after: text(l.after) });
      } else {
        lines.push({ kind: l.status, path: l.path, ...(l.before !== undefined ? { before: text(l.before) } : {}), ...(l.after !== undefined ? { after: text(l.after) } : {}) });
      }
    }
    if (d.truncated) lines.push({ kind: 'note', path: '', note: 'more fields not shown' });
    if (row.before?.jsonTruncated || row.after?.jsonTruncated) lines.push({ kind: 'note', path: '', note: 'values are previews: long strings and lists are cut' });
  }
  return { lines, hidden, height: ROW_SIZES.header + lines.length * ROW_SIZES.line + ROW_SIZES.pad };
}
