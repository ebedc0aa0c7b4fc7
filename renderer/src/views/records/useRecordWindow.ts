/**
 * The records list's rows beyond the pages read forward: the exact total (`records.count`: one
 * O(log n) engine count; under a query a streamed count that marks every block of matches),
 * the blocks reached as the user scrolls or jumps (by position with `records.pageAt`, or after
 * the count's marks under a query), and the last page read backward for End while the total is
 * still unknown. Everything is keyed by the query and the store generation: a new filter or a
 * new commit starts over (positions would shift).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CountResult, RangeInput, RecordRow } from '../../../../app/contract';
import { useJob, useTransport } from '../../api/hooks';
import { ApiError } from '../../api/transport';
import { listLength, slotAt, type ListShape } from './window';

/** What the list reads: the page query's fields. */
export interface PageQuery {
  readonly storeId: string;
  readonly limit: number;
  readonly range?: RangeInput;
  /** A query: only matching records (their positions are found by the count's marks). */
  readonly where?: string;
  readonly at?: string | number;
}

/** Rows per block read by position (`records.pageAt`): about two screenfuls. */
const POSITION_BLOCK = 50;
/** Block requests in flight at once (two blocks cover a screenful). */
const IN_FLIGHT_MAX = 2;
/** Blocks kept in memory at once; scrolling far drops the farthest. */
const BLOCKS_KEPT = 80;

/** What {@link useRecordWindow} gives the list. */
export interface RecordWindow {
  readonly shape: ListShape;
  readonly length: number;
  /** The row at a list position, when loaded. */
  rowAt(i: number): RecordRow | undefined;
  /** Every loaded row (for selections). */
  readonly loaded: readonly RecordRow[];
  /** The list shows positions `first..last`: load what they need. */
  onRange(first: number, last: number): void;
  /** Loads the last page (End before the count is known); resolves when it is in. */
  loadTail(): Promise<void>;
  /** A running count's progress, while it runs. */
  readonly counting: { readonly done: number } | null;
  readonly error: ApiError | null;
  /** Records of the range before the list's first row (after a jump to a key). */
  readonly base: number;
}

/**
 * The list window over `query`: `head` are the rows read forward so far (`headDone` when that
 * reached the end; `fetchHead` reads the next page). O(1) per lookup; one page request per
 * block reached.
 */
export function useRecordWindow(query: PageQuery | null, generation: number, head: readonly RecordRow[], headDone: boolean, fetchHead: () => void, base = 0): RecordWindow {
  const transport = useTransport();
  const key = query ? JSON.stringify([query, generation]) : '';
  // Positional blocks are small (a request by position is cheap, and a jump draws sooner when
  // its block holds little more than a screenful); a query's blocks follow its count's marks.
  const every = query && query.where === undefined ? POSITION_BLOCK : (query?.limit ?? 200);
  const count = useJob('records.count');
  const [counted, setCounted] = useState<{ readonly key: string; readonly result: CountResult } | null>(null);
  const [blocks, setBlocks] = useState<{ readonly key: string; readonly map: ReadonlyMap<number, readonly RecordRow[]> }>({ key: '', map: new Map() });
  const [tail, setTail] = useState<{ readonly key: string; readonly rows: readonly RecordRow[] } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const pending = useRef(new Set<string>());

  // Count in the background whenever the query or the store changes.
  const { run, cancel } = count;
  useEffect(() => {
    if (!query) return;
    cancel();
    const k = key;
    const { storeId, range, at, where } = query;
    void run({ storeId, every, ...(range ? { range } : {}), ...(where !== undefined ? { where } : {}), ...(at !== undefined ? { at } : {}) }).then((r) => {
      if (r) setCounted({ key: k, result: r });
    });
    // `key` stands for the query and the generation: only a change of either recounts.
  }, [key]);

  const marks = counted?.key === key ? counted.result : null;
  const liveTail = tail?.key === key ? tail.rows : [];
  const liveBlocks = useMemo(() => (blocks.key === key ? blocks.map : new Map<number, readonly RecordRow[]>()), [blocks, key]);
  const shape: ListShape = { head: head.length, headDone, counted: marks?.count ?? null, tail: liveTail.length, every };

  const fetchBlock = useCallback(
    (j: number) => {
      if (!query || !marks) return;
      const id = `${key}#${j}`;
      if (pending.current.has(id)) return;
      pending.current.add(id);
      readBlock(j)
        .then((rows) => {
          setBlocks((b) => {
            const map = new Map(b.key === key ? b.map : []);
            map.set(j, rows);
            // Keep memory flat on a long scroll: drop the blocks farthest from this one.
            if (map.size > BLOCKS_KEPT) {
              const far = [...map.keys()].sort((a, c) => Math.abs(c - j) - Math.abs(a - j)).slice(0, map.size - BLOCKS_KEPT);
              for (const f of far) map.delete(f);
            }
            return { key, map };
          });
          setError(null);
        })
        .catch((e: unknown) => setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e), 'records.page')))
        .finally(() => pending.current.delete(id));

      /**
       * Block j: without a query, one request by position (the engine finds the j·every-th
       * record in O(log n)); with one, the page after the count's mark, read on until the block
       * is full (a filtered page may stop early to answer promptly).
       */
      async function readBlock(block: number): Promise<readonly RecordRow[]> {
        if (!query || !marks) return [];
        const { where, ...plain } = query;
        if (where === undefined) return (await transport.call('records.pageAt', { ...plain, index: block * every, limit: every })).rows;
        let after = block === 0 ? undefined : marks.marks[block - 1];
        if (block > 0 && after === undefined) return [];
        const rows: RecordRow[] = [];
        for (;;) {
          const page = await transport.call('records.page', { ...query, ...(after !== undefined ? { after } : {}) });
          rows.push(...page.rows);
          if (rows.length >= every || page.nextAfter === null) return rows.slice(0, every);
          after = page.nextAfter;
        }
      }
    },
    [query, marks, key, transport, every],
  );

  const onRange = useCallback(
    (first: number, last: number) => {
      for (let j = Math.floor(first / every); j <= Math.floor(last / every); j++) {
        const slot = slotAt(shape, j * every < first ? first : j * every);
        if (slot.kind === 'gap') fetchHead();
        else if (slot.kind === 'block' && !liveBlocks.has(slot.block)) {
          // The rows on screen first: blocks beyond them wait until the first ones are in (a
          // landed block runs this again), so a jump's own rows never queue behind prefetches.
          if (pending.current.size >= IN_FLIGHT_MAX) break;
          fetchBlock(slot.block);
        }
      }
      if (knownGap(shape, first, last)) fetchHead();
    },
    // `shape` is rebuilt every render from these.
    [every, head.length, headDone, marks, liveTail.length, liveBlocks, fetchBlock, fetchHead],
  );

  const loadTail = useCallback(async () => {
    if (!query || liveTail.length > 0) return;
    const reverse = !(query.range?.reverse ?? false);
    try {
      const page = await transport.call('records.page', { ...query, range: { ...(query.range ?? {}), reverse } });
      setTail({ key, rows: [...page.rows].reverse() });
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e), 'records.page'));
    }
  }, [query, key, transport, liveTail.length]);

  const rowAt = (i: number): RecordRow | undefined => {
    const slot = slotAt(shape, i);
    if (slot.kind === 'head') return head[slot.index];
    if (slot.kind === 'tail') return liveTail[slot.index];
    if (slot.kind === 'block') {
      const rows = liveBlocks.get(slot.block);
      return rows?.[slot.offset];
    }
    return undefined;
  };

  const loaded = useMemo(() => [...head, ...[...liveBlocks.values()].flat(), ...liveTail], [head, liveBlocks, liveTail]);
  return {
    shape,
    length: listLength(shape),
    rowAt,
    loaded,
    onRange,
    loadTail,
    counting: count.running ? { done: count.progress?.done ?? 0 } : null,
    error,
    base,
  };
}

/** True when positions first..last include the gap row (the unloaded middle while the total is unknown). */
function knownGap(shape: ListShape, first: number, last: number): boolean {
  return first <= shape.head && shape.head <= last && slotAt(shape, shape.head).kind === 'gap';
}
