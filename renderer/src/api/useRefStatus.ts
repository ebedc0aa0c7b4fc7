/**
 * Whether the references in one shown value resolve: one `refs.resolve` call per value (the
 * references it holds, batched), cached by react-query like any read and refetched when
 * commits land. The JSON tree asks the returned function about each reference it draws.
 */
import { useCallback, useMemo } from 'react';
import type { Json, RefResolution } from '../../../app/contract';
import { collectRefs, refId } from '../lib/refs';
import { useCall } from './hooks';

/** The contract's REFS_PER_CALL_MAX (the renderer imports only types from app/). */
const BATCH = 256;

/** Looks up a reference's resolution; undefined while loading (or past the batch limit). */
export type RefStatus = (ref: Json) => RefResolution | undefined;

/**
 * Resolves the references in `value` (null: nothing shown) as of `at` (undefined: the head).
 * Returns a lookup for the JSON tree.
 */
export function useRefStatus(storeId: string, value: Json | null, at: number | undefined): RefStatus {
  const refs = useMemo(() => (value === null ? [] : collectRefs(value, BATCH)), [value]);
  const params = refs.length === 0 ? null : { storeId, refs: refs as never, ...(at !== undefined ? { at } : {}) };
  const q = useCall('refs.resolve', params);
  const byId = useMemo(() => {
    const m = new Map<string, RefResolution>();
    const results = q.data?.results ?? [];
    refs.forEach((r, i) => {
      const res = results[i];
      if (res) m.set(refId(r), res);
    });
    return m;
  }, [q.data, refs]);
  return useCallback((ref: Json) => byId.get(refId(ref)), [byId]);
}
