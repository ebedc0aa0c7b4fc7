/**
 * Handlers of the diff methods in `app/contracts/diff.ts`, on the engine's `diff` and
 * `structuralDiff`. Pages stream through the engine's diff iterator and stop after `limit`
 * rows, so no call ever holds a whole diff; summary and density are cooperative jobs.
 */
import { VALUE_PREVIEW_BYTES } from '../contract';
import type { DiffRow, DiffStructureResult, KeyInput, StructureNode, VersionRef, diffMethods } from '../contract';
import type { HandlersOf, ServiceContext } from './context';
import { filterDiff } from './engine';
import type { DiffChange, Store } from './engine';
import { FILTER_SCAN_BUDGET, compileWhere } from './query';
import { countSlices, keyBounds, sliceStarts } from './diff-slices';
import { keyBytes, successor } from './keys';
import { PREVIEW_LIMITS, addressData, fromHex, keyView, toHex, valueView } from './views';

/** Slices the summary's progress bar counts (a handful of extra node reads buys a real bar). */
const SUMMARY_SLICES = 32;
/** Structural diffs kept per service: paging through one must not recompute it per slice. */
const STRUCTURE_CACHE = 4;

/** The engine's diff options for a request's prefix/from/to. */
function diffOptions(request: { prefix?: KeyInput; from?: KeyInput; to?: KeyInput }): { prefix?: Buffer; from?: Buffer; to?: Buffer } {
  return {
    ...(request.prefix ? { prefix: keyBytes(request.prefix) } : {}),
    ...(request.from ? { from: keyBytes(request.from) } : {}),
    ...(request.to ? { to: keyBytes(request.to) } : {}),
  };
}

/** Passes changes through, counting them and keeping the last key, until the filter budget is spent. */
function* counted(changes: Iterable<DiffChange>, read: { changes: number; last: Buffer | null }): Generator<DiffChange> {
  for (const change of changes) {
    read.changes += 1;
    read.last = change.key;
    yield change;
    if (read.changes >= FILTER_SCAN_BUDGET) return;
  }
}

/** The version id a ref names (throws the engine's VERSION_NOT_FOUND with the ref in it). */
function versionId(store: Store, ref: VersionRef): number {
  return store.at(ref).version;
}

/** The handlers, given the service's context. */
export function diffHandlers(context: ServiceContext): HandlersOf<keyof typeof diffMethods> {
  const structures = new Map<string, { nodes: StructureNode[]; counts: DiffStructureResult['counts'] }>();

  return {
    'diff.page': (request) => {
      const { store } = context.get(request.storeId);
      const a = versionId(store, request.a);
      const b = versionId(store, request.b);
      const opts = diffOptions(request);
      if (request.after !== undefined) {
        // Continue strictly after the cursor, within whatever `from` the caller gave.
        const next = successor(fromHex(request.after));
        if (opts.from === undefined || Buffer.compare(next, opts.from) > 0) opts.from = next;
      }
      const blobThreshold = store.info().params.blobThreshold;
      // Large values live off-tree: a page shows their length and leaves the bytes on disk.
      const preview = (value: () => Buffer | null, length: number | null) => {
        if (length === null) return null;
        const large = length > blobThreshold;
        return valueView(large ? undefined : (value() ?? undefined), length, large, VALUE_PREVIEW_BYTES, PREVIEW_LIMITS);
      };
      const rows: DiffRow[] = [];
      let more = false;
      // With a query, a page reads a bounded number of changes and says where it stopped, so a
      // query that matches few of many changes still answers promptly.
      const read = { changes: 0, last: null as Buffer | null };
      const changes = request.where === undefined ? store.diff(a, b, opts) : filterDiff(counted(store.diff(a, b, opts), read), compileWhere(request.where, 'diff'));
      for (const change of changes) {
        // One row more than asked says whether another page exists without a second walk.
        if (rows.length === request.limit) {
          more = true;
          break;
        }
        rows.push({
          key: keyView(change.key),
          type: change.type,
          before: preview(() => change.before, change.beforeLength),
          after: preview(() => change.after, change.afterLength),
        });
      }
      if (request.where !== undefined && !more && read.changes >= FILTER_SCAN_BUDGET && read.last !== null) {
        // Stopped by the budget, not by the end of the diff: go on after the last change read.
        return { rows, nextAfter: toHex(read.last), a, b };
      }
      return { rows, nextAfter: more ? rows[rows.length - 1]!.key.hex : null, a, b };
    },

    'diff.summary': (request) =>
      context.jobs.run('diff.summary', request.jobId, async (job) => {
        const { store } = context.get(request.storeId);
        const a = versionId(store, request.a);
        const b = versionId(store, request.b);
        const opts = diffOptions(request);
        const starts = sliceStarts(store, a, b, keyBounds(opts), SUMMARY_SLICES);
        const slices = await countSlices(store, a, b, opts, starts, job);
        const total = { added: 0, removed: 0, changed: 0 };
        for (const s of slices) {
          total.added += s.added;
          total.removed += s.removed;
          total.changed += s.changed;
        }
        return { ...total, a, b };
      }),

    'diff.density': (request) =>
      context.jobs.run('diff.density', request.jobId, async (job) => {
        const { store } = context.get(request.storeId);
        const a = versionId(store, request.a);
        const b = versionId(store, request.b);
        const opts = diffOptions(request);
        const bounds = keyBounds(opts);
        const starts = sliceStarts(store, a, b, bounds, request.buckets);
        const slices = await countSlices(store, a, b, opts, starts, job);
        const counts = { added: 0, removed: 0, changed: 0 };
        const buckets = slices.map((s, i) => {
          counts.added += s.added;
          counts.removed += s.removed;
          counts.changed += s.changed;
          return {
            // The first slice starts at the range's own start, which the caller already knows.
            from: i === 0 ? null : keyView(s.start),
            firstKey: s.firstKey === null ? null : keyView(s.firstKey),
            added: s.added,
            removed: s.removed,
            changed: s.changed,
          };
        });
        return { buckets, counts, a, b };
      }),

    'diff.structure': (request) => {
      const { store } = context.get(request.storeId);
      const a = versionId(store, request.a);
      const b = versionId(store, request.b);
      // Versions are immutable: a structural diff of two ids never goes stale.
      const cacheKey = `${request.storeId}:${a}:${b}`;
      let entry = structures.get(cacheKey);
      if (!entry) {
        const nodes = store.structuralDiff(a, b).map((n) => ({ address: addressData(n.address), side: n.side }));
        const counts = { shared: 0, left: 0, right: 0 };
        for (const n of nodes) counts[n.side] += 1;
        entry = { nodes, counts };
        structures.set(cacheKey, entry);
        if (structures.size > STRUCTURE_CACHE) structures.delete(structures.keys().next().value!);
      }
      const end = request.offset + request.limit;
      return {
        nodes: entry.nodes.slice(request.offset, end),
        counts: entry.counts,
        nextOffset: end < entry.nodes.length ? end : null,
        a,
        b,
      };
    },
  };
}
