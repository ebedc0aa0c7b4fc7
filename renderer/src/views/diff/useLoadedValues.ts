/**
 * Large values in a diff, loaded on request. `diff.page` does not read values stored off-tree
 * (they can be megabytes), so such a row says "large value, not loaded". Asking for it reads
 * each unread side with `records.value` as of its version (A for before, B for after) and
 * replaces the row by one with both values, which DiffRows then compares field by field.
 */
import { useCallback, useMemo, useState } from 'react';
import type { DiffRow, ValueView } from '../../../../app/contract';
import { useTransport } from '../../api/hooks';

/** The versions the two sides are read at, once the first page has resolved them. */
export interface DiffSides {
  readonly a: number;
  readonly b: number;
}

/** What {@link useLoadedValues} gives the view. */
export interface LoadedValues {
  /** `rows` with every loaded row replaced by its full-valued copy. */
  readonly rows: readonly DiffRow[];
  readonly load: (row: DiffRow) => void;
  readonly loading: ReadonlySet<string>;
  readonly errors: ReadonlyMap<string, string>;
}

/** `row` with its sides replaced by full values (sides already read stay as they are). Pure. */
export function withValues(row: DiffRow, before: ValueView | null, after: ValueView | null): DiffRow {
  return { ...row, before, after };
}

/**
 * Whether a side holds less than what the diff compares: not read, or a cut preview (the JSON
 * for a decoded value, the hex for raw bytes). Pure.
 */
export function isPartial(v: ValueView): boolean {
  return !v.loaded || (v.decoded ? v.jsonTruncated : v.hexTruncated);
}

/** Rows with loaded copies swapped in, in the same order. O(rows). Pure. */
export function mergeLoaded(rows: readonly DiffRow[], loaded: ReadonlyMap<string, DiffRow>): readonly DiffRow[] {
  return loaded.size === 0 ? rows : rows.map((r) => loaded.get(r.key.hex) ?? r);
}

interface State {
  readonly key: string;
  readonly loaded: ReadonlyMap<string, DiffRow>;
  readonly loading: ReadonlySet<string>;
  readonly errors: ReadonlyMap<string, string>;
}

const fresh = (key: string): State => ({ key, loaded: new Map(), loading: new Set(), errors: new Map() });

function dropKey<V>(m: ReadonlyMap<string, V>, k: string): Map<string, V> {
  const n = new Map(m);
  n.delete(k);
  return n;
}

function dropMember(s: ReadonlySet<string>, k: string): Set<string> {
  const n = new Set(s);
  n.delete(k);
  return n;
}

/**
 * Loaded rows for one comparison; `resetKey` changes when the comparison does (values loaded for
 * another pair of versions must not show).
 */
export function useLoadedValues(storeId: string, rows: readonly DiffRow[], sides: DiffSides | undefined, resetKey: string): LoadedValues {
  const transport = useTransport();
  const [stored, setState] = useState<State>(() => fresh(resetKey));
  const state = useMemo(() => (stored.key === resetKey ? stored : fresh(resetKey)), [stored, resetKey]);

  const load = useCallback(
    (row: DiffRow) => {
      if (!sides) return;
      const hex = row.key.hex;
      setState((s) => {
        const cur = s.key === resetKey ? s : fresh(resetKey);
        return { ...cur, loading: new Set(cur.loading).add(hex), errors: dropKey(cur.errors, hex) };
      });
      // The answer lands only while the state is still this comparison's (the key names the
      // version ids, so a late answer for it is still right); otherwise it is dropped.
      const answer = (f: (s: State) => State): void => setState((s) => (s.key === resetKey ? f(s) : s));
      // Both sides in full: a small side's preview (long strings and lists cut) compared with a
      // full large side would show differences that are not there.
      const side = async (v: ValueView | null, at: number): Promise<ValueView | null> => (v === null || !isPartial(v) ? v : (await transport.call('records.value', { storeId, key: { hex }, at })).value);
      Promise.all([side(row.before, sides.a), side(row.after, sides.b)]).then(
        ([before, after]) => answer((s) => ({ ...s, loaded: new Map(s.loaded).set(hex, withValues(row, before, after)), loading: dropMember(s.loading, hex) })),
        (error: unknown) => answer((s) => ({ ...s, loading: dropMember(s.loading, hex), errors: new Map(s.errors).set(hex, error instanceof Error ? error.message : String(error)) })),
      );
    },
    [transport, storeId, sides, resetKey],
  );

  const merged = useMemo(() => mergeLoaded(rows, state.loaded), [rows, state.loaded]);
  return { rows: merged, load, loading: state.loading, errors: state.errors };
}
