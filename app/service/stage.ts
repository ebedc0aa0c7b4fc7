/**
 * The stage: changes a person has made but not committed, held in memory per open store.
 *
 * Every change, whatever the user did (put, delete a selection, delete a range, rename, import),
 * is kept as the list of point writes it amounts to — `key → value` or `key → deleted` — so the
 * stage's net effect is simply those writes applied in order. Dropping a change replays the
 * others; committing writes the net effect as one transaction. Pure: no I/O, no engine calls.
 */
import type { StagedChangeData, StagedChangeKind } from '../contract';

/** One point write of a change: a value, or null for a delete. */
export interface PointWrite {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

/** A staged change: what the user did and the point writes it amounts to. */
export interface StagedChange {
  readonly id: number;
  readonly kind: StagedChangeKind;
  readonly summary: string;
  readonly writes: readonly PointWrite[];
  readonly time: number;
}

/** A key's final state in the stage and the change that decided it. */
export interface NetWrite extends PointWrite {
  readonly changeId: number;
}

/** Changes staged against one store. */
export class Stage {
  #changes: StagedChange[] = [];
  #nextId = 1;
  #net: Map<string, NetWrite> | null = null;
  #sorted: NetWrite[] | null = null;
  /** The version the stage's "before" values come from; set by the first change. */
  base: number | null = null;
  /** Bumped by every add, remove and clear (callers cache what they derive from the stage). */
  generation = 0;

  /** Staged changes, oldest first. */
  get changes(): readonly StagedChange[] {
    return this.#changes;
  }

  /** True when nothing is staged. */
  get empty(): boolean {
    return this.#changes.length === 0;
  }

  /** Adds a change built on `version` (the base, if this is the first). O(writes). */
  add(kind: StagedChangeKind, summary: string, writes: readonly PointWrite[], version: number, time = Date.now()): StagedChange {
    if (this.#changes.length === 0) this.base = version;
    const change: StagedChange = { id: this.#nextId++, kind, summary, writes, time };
    this.#changes.push(change);
    if (this.#net) for (const w of writes) this.#net.set(w.key.toString('hex'), { ...w, changeId: change.id });
    this.#sorted = null;
    this.generation++;
    return change;
  }

  /** Drops one change; false when no change has that id. O(staged writes): the rest is replayed. */
  remove(id: number): boolean {
    const i = this.#changes.findIndex((c) => c.id === id);
    if (i < 0) return false;
    this.#changes.splice(i, 1);
    this.#net = null;
    this.#sorted = null;
    if (this.#changes.length === 0) this.base = null;
    this.generation++;
    return true;
  }

  /** Drops everything. */
  clear(): void {
    this.#changes = [];
    this.#net = null;
    this.#sorted = null;
    this.base = null;
    this.generation++;
  }

  #netMap(): Map<string, NetWrite> {
    if (this.#net) return this.#net;
    const net = new Map<string, NetWrite>();
    for (const c of this.#changes) for (const w of c.writes) net.set(w.key.toString('hex'), { ...w, changeId: c.id });
    this.#net = net;
    return net;
  }

  /** The staged state of a key: a value, null (staged delete), or undefined (not staged). O(1). */
  get(key: Uint8Array): Buffer | null | undefined {
    return this.#netMap().get(Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex'))?.value;
  }

  /** Distinct keys the stage touches. */
  get size(): number {
    return this.#netMap().size;
  }

  /** Every staged key's final state, in unsigned byte order of keys. O(n log n) once per change. */
  net(): readonly NetWrite[] {
    if (this.#sorted) return this.#sorted;
    this.#sorted = [...this.#netMap().values()].sort((a, b) => Buffer.compare(a.key, b.key));
    return this.#sorted;
  }

  /** The listed form of a change. */
  static data(c: StagedChange): StagedChangeData {
    return { id: c.id, kind: c.kind, summary: c.summary, keys: c.writes.length, time: c.time };
  }
}

/** Index of the first net write whose key is greater than `after` (binary search). */
export function firstAfter(net: readonly NetWrite[], after: Uint8Array): number {
  let lo = 0;
  let hi = net.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Buffer.compare(net[mid]!.key, after) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
