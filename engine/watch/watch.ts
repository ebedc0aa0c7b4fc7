/**
 * `watch(store, range, listener)`: per-commit change events for a key range, built above the
 * core on the store's public API (its `commit` and `refresh` events, `version`, `diff`): the
 * core never calls into watches.
 */
import { VersionNotFoundError } from '../errors';
import type { Store } from '../store/store';
import { WatchHub, type WatchListener, type WatchRange } from './watch-hub';

/** One hub per store, made by its first watch and kept as long as the store. */
const hubs = new WeakMap<Store, WatchHub>();

function hubOf(store: Store): WatchHub {
  const known = hubs.get(store);
  if (known) return known;
  const hub = new WatchHub({
    latestVersion: () => store.lastVersionId(),
    versionOf: (id) => {
      try {
        const v = store.version(id);
        return { parent: v.parents[0] ?? 0, branch: v.branch };
      } catch (e) {
        // Compaction dropped it: nothing to deliver.
        if (e instanceof VersionNotFoundError) return undefined;
        throw e;
      }
    },
    diff: (a, b, opts) => store.diff(a, b, opts),
    reportListenerError: (error) => store.reportListenerError('watch', error),
  });
  store.on('commit', () => hub.catchUp());
  store.on('refresh', () => hub.catchUp());
  hubs.set(store, hub);
  return hub;
}

/**
 * Calls `listener` once per commit that changes keys inside `range` (prefix ∩ [from, to),
 * optionally one branch) with those changes — for commits through `store` and, on a
 * read-only store, for each commit of another process that `refresh()` finds. Each commit
 * costs its watchers one diff between the version's parent and the version:
 * O(changes · height) node reads, not O(store). A watcher that throws is reported as a
 * `listenerError` event (`event: 'watch'`) and the others still run. Returns the unsubscribe
 * function. O(1) to subscribe.
 */
export function watch(store: Store, range: WatchRange, listener: WatchListener): () => void {
  // ClosedError on a closed store, before anything is subscribed.
  store.lastVersionId();
  return hubOf(store).add(range, listener);
}
