/**
 * Range watches: per commit, the changes that commit made inside a key range, computed with the
 * diff between the version's parent and the version (so a commit costs its watchers
 * O(changes · height) node reads, whatever the store's size).
 */
import { InvalidArgumentError } from '../errors';
import type { DiffChange, DiffOptions } from '../store/store-types';

/** The keys a watch covers: the intersection of `prefix` and [from, to); all keys when empty. */
export interface WatchRange {
  readonly from?: Uint8Array;
  readonly to?: Uint8Array;
  readonly prefix?: Uint8Array;
  /** Only commits to this branch; every branch when omitted. */
  readonly branch?: string;
}

/** What a watcher receives for one commit that changed keys in its range. */
export interface WatchEvent {
  /** The new version. */
  readonly version: number;
  /** The version it was compared with: the branch head the commit was applied to (its first parent), 0 for none. */
  readonly parent: number;
  /** The branch the commit went to. */
  readonly branch: string;
  /**
   * The changes inside the range, in key order (never empty). Values are read from the file on
   * access: read them during the call, or copy them, if the store may be compacted meanwhile.
   */
  readonly changes: readonly DiffChange[];
}

/** A watcher's callback. An exception it throws is reported, and other watchers still run. */
export type WatchListener = (event: WatchEvent) => void;

/** What the hub needs from the store: the newest version id, a version's parents and branch, and diffs. */
export interface WatchHost {
  /** The highest version id the catalog has assigned. O(1). */
  latestVersion(): number;
  /** A version's first parent (0 when it has none) and branch, or undefined when the catalog no longer holds it. */
  versionOf(id: number): { parent: number; branch: string } | undefined;
  /** The store's diff. */
  diff(a: number, b: number, opts: DiffOptions): Iterable<DiffChange>;
  /** Called with an exception a listener threw. */
  reportListenerError(error: unknown): void;
}

interface Watcher {
  readonly range: DiffOptions;
  readonly branch: string | undefined;
  readonly listener: WatchListener;
}

/**
 * The watchers of one store. {@link watch} calls {@link WatchHub.catchUp} on the store's
 * `commit` events (its own commits) and `refresh` events (a `refresh()` that found commits of
 * another process); the hub then delivers, in id
 * order, every version it has not seen yet (a refresh may reveal several).
 */
export class WatchHub {
  private readonly watchers = new Set<Watcher>();
  private seen: number;

  constructor(private readonly host: WatchHost) {
    this.seen = host.latestVersion();
  }

  /** True while at least one watcher is subscribed. O(1). */
  get active(): boolean {
    return this.watchers.size > 0;
  }

  /**
   * Subscribes `listener` to commits after now that change keys in `range`; returns the
   * unsubscribe function. O(1).
   */
  add(range: WatchRange, listener: WatchListener): () => void {
    if (typeof listener !== 'function') throw new InvalidArgumentError('watch listener must be a function');
    if (range === null || typeof range !== 'object') throw new InvalidArgumentError('watch range must be an object { from?, to?, prefix?, branch? }');
    if (range.branch !== undefined && typeof range.branch !== 'string') throw new InvalidArgumentError('watch branch must be a string');
    for (const f of ['from', 'to', 'prefix'] as const) {
      if (range[f] !== undefined && !(range[f] instanceof Uint8Array)) throw new InvalidArgumentError(`watch ${f} must be a Uint8Array`);
    }
    // Only versions after the subscription: a new first watcher must not replay old commits.
    if (this.watchers.size === 0) this.seen = this.host.latestVersion();
    // Copies: a caller reusing its buffers after subscribing must not move the watched range.
    const copy = (b: Uint8Array | undefined): Buffer | undefined => (b === undefined ? undefined : Buffer.from(b));
    const w: Watcher = { range: { from: copy(range.from), to: copy(range.to), prefix: copy(range.prefix) }, branch: range.branch, listener };
    this.watchers.add(w);
    return () => {
      this.watchers.delete(w);
    };
  }

  /**
   * Delivers every version newer than the last one delivered. O(new versions + Σ changes in
   * each watcher's range · height) node reads.
   */
  catchUp(): void {
    const latest = this.host.latestVersion();
    if (this.watchers.size === 0) {
      this.seen = latest;
      return;
    }
    while (this.seen < latest) {
      const id = ++this.seen;
      // Ids are never reused, but compaction may drop versions: nothing to deliver for those.
      const v = this.host.versionOf(id);
      if (!v) continue;
      for (const w of [...this.watchers]) {
        if (!this.watchers.has(w) || (w.branch !== undefined && w.branch !== v.branch)) continue;
        try {
          const changes = v.parent > 0 ? [...this.host.diff(v.parent, id, w.range)] : [];
          if (changes.length > 0) w.listener({ version: id, parent: v.parent, branch: v.branch, changes });
        } catch (e) {
          this.host.reportListenerError(e);
        }
      }
    }
  }
}
