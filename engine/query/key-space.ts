/**
 * Key-space analysis: where the records and the bytes are, by key prefix. Reads keys and value
 * lengths only (a large value's bytes are never read), so it costs one pass over the leaves.
 */
import { InvalidArgumentError } from '../errors';
import { compareTupleElements, encodeStringPrefix, encodeTuple, tryDecodeKey, type TupleElement } from '../records/tuple';
import type { Entry, RangeOptions } from '../index';
import type { ScanSource } from './find';

/** How keys are grouped: tuple elements (1 or 2 levels), or text split at a separator. */
export type PrefixGrouping = 1 | 2 | { readonly separator: string; readonly depth: number };

/** Options of {@link analyzeKeySpace}. */
export interface KeySpaceOptions {
  readonly byPrefix: PrefixGrouping;
  /** Keys to look at (`limit` and `reverse` are ignored). The whole store when absent. */
  readonly range?: RangeOptions;
  /** Prefixes kept per level and largest records kept (default 20); the rest are counted in `omitted`. */
  readonly top?: number;
  /** Called every few thousand records and at the end with the records done (`total` is not known in advance). */
  readonly onProgress?: (done: number, total?: number) => void;
  /** Aborting it stops the analysis: the call throws the signal's reason. */
  readonly signal?: AbortSignal;
}

/** Records and bytes of a set of keys. valueBytes counts every value; largeValueBytes the off-tree ones among them. */
export interface SpaceTotals {
  readonly records: number;
  readonly keyBytes: number;
  readonly valueBytes: number;
  readonly largeValueBytes: number;
}

/** One prefix and what lies under it. */
export interface PrefixUsage extends SpaceTotals {
  /** The decoded prefix: the tuple's first elements, or the text up to and including a separator. */
  readonly prefix: TupleElement[] | string;
  /** The key bytes every key under it starts with (a scan's `prefix`). */
  readonly keyPrefix: Buffer;
  /** The next level down, largest first (empty at the last level). */
  readonly children: PrefixUsage[];
  /** Children left out by `top`. */
  readonly omitted: number;
}

/** One of the largest records. */
export interface LargeRecord {
  readonly key: Buffer;
  readonly keyBytes: number;
  readonly valueBytes: number;
  /** keyBytes + valueBytes. */
  readonly bytes: number;
  readonly large: boolean;
}

/** The result of {@link analyzeKeySpace}. */
export interface KeySpaceReport {
  /** Top-level prefixes, by bytes (key + value), largest first. */
  readonly prefixes: PrefixUsage[];
  /** Top-level prefixes left out by `top`. */
  readonly omitted: number;
  /** Keys that have no prefix of this kind: not a tuple, or text with no separator. */
  readonly other: SpaceTotals;
  /** The largest records by key + value bytes, largest first. */
  readonly largest: LargeRecord[];
  readonly totals: SpaceTotals;
}

interface Group {
  prefix: TupleElement[] | string;
  keyPrefix: Buffer;
  records: number;
  keyBytes: number;
  valueBytes: number;
  largeValueBytes: number;
  children: Map<string, Group>;
}

interface Label {
  readonly id: string;
  readonly prefix: TupleElement[] | string;
  readonly keyPrefix: Buffer;
}

const DEFAULT_TOP = 20;
const PROGRESS_EVERY = 4096;

function checkOptions(opts: KeySpaceOptions): { top: number } {
  const by = opts.byPrefix;
  if (typeof by === 'number') {
    if (by !== 1 && by !== 2) throw new InvalidArgumentError(`byPrefix must be 1 or 2 tuple levels, or { separator, depth } (got ${by})`);
  } else if (typeof by !== 'object' || by === null || typeof by.separator !== 'string' || by.separator === '' || !Number.isInteger(by.depth) || by.depth < 1) {
    throw new InvalidArgumentError('byPrefix { separator, depth } needs a non-empty separator and a depth of at least 1');
  }
  const top = opts.top ?? DEFAULT_TOP;
  if (!Number.isInteger(top) || top < 0) throw new InvalidArgumentError(`top must be a non-negative integer (got ${top})`);
  return { top };
}

/**
 * The group labels of a key, outermost first; empty when the key has no such prefix. Keys come
 * in order, so a key usually has the previous key's prefixes: those labels (and their encoded
 * bytes) are reused rather than encoded again.
 */
function labelsOf(key: Buffer, by: PrefixGrouping, prev: readonly Label[]): Label[] {
  const decoded = tryDecodeKey(key);
  if (typeof by === 'number') {
    if (!decoded.ok) return [];
    // tryDecodeKey unwraps a 1-tuple of a non-array element only, so an array is the tuple itself.
    const tuple = Array.isArray(decoded.value) ? decoded.value : [decoded.value];
    const out: Label[] = [];
    let same = true;
    for (let n = 1; n <= Math.min(by, tuple.length); n++) {
      const before = prev[n - 1];
      same = same && before !== undefined && compareTupleElements(tuple[n - 1], (before.prefix as TupleElement[])[n - 1]) === 0;
      if (same) {
        out.push(before);
        continue;
      }
      const prefix = tuple.slice(0, n);
      const keyPrefix = encodeTuple(prefix);
      out.push({ id: keyPrefix.toString('latin1'), prefix, keyPrefix });
    }
    return out;
  }
  let text: string;
  let tupleText: boolean;
  if (decoded.ok) {
    const first = Array.isArray(decoded.value) ? decoded.value[0] : decoded.value;
    if (typeof first !== 'string') return [];
    text = first;
    tupleText = true;
  } else {
    const t = new TextDecoder('utf-8', { fatal: false }).decode(key);
    if (t.includes('\ufffd')) return [];
    text = t;
    tupleText = false;
  }
  const parts = text.split(by.separator);
  const out: Label[] = [];
  for (let n = 1; n <= Math.min(by.depth, parts.length - 1); n++) {
    const prefix = parts.slice(0, n).join(by.separator) + by.separator;
    const id = `${tupleText ? 't' : 'r'}${prefix}`;
    const before = prev[n - 1];
    if (before !== undefined && before.id === id) {
      out.push(before);
      continue;
    }
    const keyPrefix = tupleText ? encodeStringPrefix(prefix) : Buffer.from(prefix, 'utf8');
    out.push({ id, prefix, keyPrefix });
  }
  return out;
}

/** A running tally; `add` is called once per record. */
class Tally {
  readonly root = new Map<string, Group>();
  readonly other = { records: 0, keyBytes: 0, valueBytes: 0, largeValueBytes: 0 };
  readonly totals = { records: 0, keyBytes: 0, valueBytes: 0, largeValueBytes: 0 };
  /** The largest records so far, smallest first (a short sorted list: `top` is small). */
  readonly largest: LargeRecord[] = [];
  /** The previous key's labels (see labelsOf). */
  private prev: Label[] = [];

  constructor(private readonly by: PrefixGrouping, private readonly top: number) {}

  add(e: Entry): void {
    const keyBytes = e.key.length;
    const valueBytes = e.valueLength;
    const largeBytes = e.large ? valueBytes : 0;
    bump(this.totals, keyBytes, valueBytes, largeBytes);
    const labels = labelsOf(e.key, this.by, this.prev);
    this.prev = labels;
    if (labels.length === 0) bump(this.other, keyBytes, valueBytes, largeBytes);
    let level = this.root;
    for (const l of labels) {
      let g = level.get(l.id);
      if (!g) {
        g = { prefix: l.prefix, keyPrefix: l.keyPrefix, records: 0, keyBytes: 0, valueBytes: 0, largeValueBytes: 0, children: new Map() };
        level.set(l.id, g);
      }
      bump(g, keyBytes, valueBytes, largeBytes);
      level = g.children;
    }
    this.keepLargest(e, keyBytes, valueBytes);
  }

  private keepLargest(e: Entry, keyBytes: number, valueBytes: number): void {
    if (this.top === 0) return;
    const bytes = keyBytes + valueBytes;
    const list = this.largest;
    // Ties keep the first key seen (smallest in a forward scan): the list is stable to compare.
    if (list.length >= this.top && bytes <= list[0].bytes) return;
    const rec: LargeRecord = { key: Buffer.from(e.key), keyBytes, valueBytes, bytes, large: e.large };
    let i = 0;
    while (i < list.length && list[i].bytes < bytes) i++;
    list.splice(i, 0, rec);
    if (list.length > this.top) list.shift();
  }

  report(): KeySpaceReport {
    const [prefixes, omitted] = ranked(this.root, this.top);
    return { prefixes, omitted, other: { ...this.other }, largest: [...this.largest].reverse(), totals: { ...this.totals } };
  }
}

function bump(t: { records: number; keyBytes: number; valueBytes: number; largeValueBytes: number }, k: number, v: number, large: number): void {
  t.records++;
  t.keyBytes += k;
  t.valueBytes += v;
  t.largeValueBytes += large;
}

function ranked(level: Map<string, Group>, top: number): [PrefixUsage[], number] {
  const groups = [...level.values()].sort((a, b) => b.keyBytes + b.valueBytes - (a.keyBytes + a.valueBytes) || Buffer.compare(a.keyPrefix, b.keyPrefix));
  const kept = groups.slice(0, top).map((g): PrefixUsage => {
    const [children, omitted] = ranked(g.children, top);
    return { prefix: g.prefix, keyPrefix: g.keyPrefix, records: g.records, keyBytes: g.keyBytes, valueBytes: g.valueBytes, largeValueBytes: g.largeValueBytes, children, omitted };
  });
  return [kept, groups.length - kept.length];
}

function scanRange(opts: KeySpaceOptions): RangeOptions {
  const { limit: _l, reverse: _r, ...rest } = opts.range ?? {};
  return rest;
}

/**
 * Records, key bytes, value bytes and large-value bytes per key prefix (tuple levels 1 and 2, or
 * text up to a separator), and the largest records, of `view` (a head or any `store.at(v)`).
 * O(records × key length) time, reading every leaf once and no large value; O(prefixes) memory.
 * Throws the signal's reason when `signal` is aborted (checked between records).
 */
export function analyzeKeySpace(view: ScanSource, opts: KeySpaceOptions): KeySpaceReport {
  const { top } = checkOptions(opts);
  const tally = new Tally(opts.byPrefix, top);
  let done = 0;
  for (const e of view.scan(scanRange(opts))) {
    tally.add(e);
    if (++done % PROGRESS_EVERY === 0) {
      opts.signal?.throwIfAborted();
      opts.onProgress?.(done);
    }
  }
  opts.signal?.throwIfAborted();
  opts.onProgress?.(done);
  return tally.report();
}

/**
 * The same as {@link analyzeKeySpace}, yielding to the event loop between batches so a caller
 * (the inspector's service) stays responsive and can abort it from another task.
 */
export async function analyzeKeySpaceAsync(view: ScanSource, opts: KeySpaceOptions): Promise<KeySpaceReport> {
  const { top } = checkOptions(opts);
  const tally = new Tally(opts.byPrefix, top);
  let done = 0;
  for (const e of view.scan(scanRange(opts))) {
    tally.add(e);
    if (++done % PROGRESS_EVERY === 0) {
      opts.onProgress?.(done);
      await new Promise<void>((r) => setImmediate(r));
      opts.signal?.throwIfAborted();
    }
  }
  opts.signal?.throwIfAborted();
  opts.onProgress?.(done);
  return tally.report();
}
