import { compareKeys, lowerBound } from './keys';
import { BlobRef, msgBytes, Op, entryBytes, type InternalNode, type LeafNode, type Msg, type Value } from './node';

/**
 * The hitchhiker buffer's rules, shared by internal nodes, leaves and transactions:
 * messages arriving at a node are newer than everything already below it, so a batch is
 * applied as "range deletes first (they drop older point messages and entries they cover),
 * then point messages (they replace same-key older ones)".
 */

/** Index of the point message for `key`, or -1. O(log n). */
export function findMsg(msgs: readonly Msg[], key: Uint8Array): number {
  let lo = 0;
  let hi = msgs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareKeys(msgs[mid].key, key);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

/** Index of the first message with key >= `key`. O(log n). */
export function msgLowerBound(msgs: readonly Msg[], key: Uint8Array): number {
  let lo = 0;
  let hi = msgs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(msgs[mid].key, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when a range delete in the sorted disjoint list covers `key`. O(log n). */
export function rdelCovers(rdels: readonly Msg[], key: Uint8Array): boolean {
  if (rdels.length === 0) return false;
  // Last interval starting at or before key.
  let lo = 0;
  let hi = rdels.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(rdels[mid].key, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return false;
  const r = rdels[lo - 1];
  return r.end === null || compareKeys(key, r.end) < 0;
}

/** A monotone cursor over sorted disjoint range deletes: `covers(k)` for non-decreasing k. O(1) amortised. */
export class RdelCursor {
  private i = 0;
  constructor(private readonly rdels: readonly Msg[]) {}
  covers(key: Uint8Array): boolean {
    const r = this.rdels;
    while (this.i < r.length && r[this.i].end !== null && compareKeys(r[this.i].end as Buffer, key) <= 0) this.i++;
    return this.i < r.length && compareKeys(r[this.i].key, key) <= 0;
  }
}

/** Union of two sorted disjoint interval lists (adjacent or overlapping intervals merge; the newer seq is kept). O(n + m). */
export function unionRdels(a: readonly Msg[], b: readonly Msg[]): Msg[] {
  if (a.length === 0) return b.slice();
  if (b.length === 0) return a.slice();
  const all = [...a, ...b].sort((x, y) => compareKeys(x.key, y.key));
  const out: Msg[] = [];
  for (const r of all) {
    const last = out[out.length - 1];
    if (last && (last.end === null || compareKeys(r.key, last.end) <= 0)) {
      const end = last.end === null || r.end === null ? null : compareKeys(last.end, r.end) >= 0 ? last.end : r.end;
      out[out.length - 1] = { op: Op.DeleteRange, key: last.key, end, value: null, seq: Math.max(last.seq, r.seq) };
    } else {
      out.push(r);
    }
  }
  return out;
}

/** Clips range deletes to [lo, hi). O(n). */
export function clipRdels(rdels: readonly Msg[], lo: Buffer | null, hi: Buffer | null): Msg[] {
  const out: Msg[] = [];
  for (const r of rdels) {
    const key = lo !== null && compareKeys(r.key, lo) < 0 ? lo : r.key;
    const end = hi === null ? r.end : r.end === null || compareKeys(r.end, hi) > 0 ? hi : r.end;
    if (end !== null && compareKeys(key, end) >= 0) continue;
    out.push(key === r.key && end === r.end ? r : { ...r, key, end });
  }
  return out;
}

/** Removes [lo, hi) from every range delete (the part that was handed to a child). O(n). */
export function subtractRange(rdels: readonly Msg[], lo: Buffer | null, hi: Buffer | null): Msg[] {
  const out: Msg[] = [];
  for (const r of rdels) {
    // Left remainder: [r.key, lo)
    if (lo !== null && compareKeys(r.key, lo) < 0) {
      const end = r.end !== null && compareKeys(r.end, lo) < 0 ? r.end : lo;
      out.push(end === r.end ? r : { ...r, end });
    }
    // Right remainder: [hi, r.end)
    if (hi !== null && (r.end === null || compareKeys(r.end, hi) > 0)) {
      const key = compareKeys(r.key, hi) > 0 ? r.key : hi;
      out.push(key === r.key ? r : { ...r, key });
    }
  }
  return out;
}

/**
 * Applies newer messages to a leaf's entries: range deletes, then point messages. Returns
 * fresh arrays. O(n + m).
 */
export function applyToLeaf(leaf: LeafNode, rdels: readonly Msg[], points: readonly Msg[]): void {
  const keys = leaf.keys;
  const vals = leaf.vals;
  // Fast path: one point message into a leaf (single-key flushes are common).
  if (rdels.length === 0 && points.length === 1) {
    const p = points[0];
    const i = lowerBound(keys, p.key);
    const hit = i < keys.length && compareKeys(keys[i], p.key) === 0;
    if (p.op === Op.Put) {
      if (hit) {
        leaf.bytes += entryBytes(p.key, p.value as Value) - entryBytes(keys[i], vals[i]);
        vals[i] = p.value as Value;
      } else {
        keys.splice(i, 0, p.key);
        vals.splice(i, 0, p.value as Value);
        leaf.bytes += entryBytes(p.key, p.value as Value);
      }
    } else if (hit) {
      leaf.bytes -= entryBytes(keys[i], vals[i]);
      keys.splice(i, 1);
      vals.splice(i, 1);
    }
    return;
  }
  const outK: Buffer[] = [];
  const outV: Value[] = [];
  let bytes = 0;
  const cover = new RdelCursor(rdels);
  let i = 0;
  let j = 0;
  while (i < keys.length || j < points.length) {
    const c = i >= keys.length ? 1 : j >= points.length ? -1 : compareKeys(keys[i], points[j].key);
    if (c < 0) {
      if (!cover.covers(keys[i])) {
        outK.push(keys[i]);
        outV.push(vals[i]);
        bytes += entryBytes(keys[i], vals[i]);
      }
      i++;
    } else {
      const p = points[j];
      if (p.op === Op.Put) {
        outK.push(p.key);
        outV.push(p.value as Value);
        bytes += entryBytes(p.key, p.value as Value);
      }
      j++;
      if (c === 0) i++;
    }
  }
  leaf.keys = outK;
  leaf.vals = outV;
  leaf.bytes = bytes;
}

/**
 * Adds newer messages to an internal node's buffer, keeping its invariants (one point message
 * per key; disjoint range deletes; a point message here is newer than a range delete here that
 * covers it). Records them as pending journal messages. O(n + m), O(log n) for one message.
 */
export function applyToBuffer(node: InternalNode, rdels: readonly Msg[], points: readonly Msg[]): void {
  if (rdels.length > 0) {
    const cover = new RdelCursor(rdels);
    const kept: Msg[] = [];
    let bytes = 0;
    for (const m of node.msgs) {
      if (!cover.covers(m.key)) {
        kept.push(m);
        bytes += msgBytes(m);
      }
    }
    node.msgs = kept;
    node.rdels = unionRdels(node.rdels, rdels);
    for (const r of node.rdels) bytes += msgBytes(r);
    node.bufBytes = bytes;
  }
  if (points.length === 1) {
    const p = points[0];
    const i = msgLowerBound(node.msgs, p.key);
    if (i < node.msgs.length && compareKeys(node.msgs[i].key, p.key) === 0) {
      node.bufBytes += msgBytes(p) - msgBytes(node.msgs[i]);
      node.msgs[i] = p;
    } else {
      node.msgs.splice(i, 0, p);
      node.bufBytes += msgBytes(p);
    }
  } else if (points.length > 1) {
    const a = node.msgs;
    const out: Msg[] = [];
    let i = 0;
    let j = 0;
    let bytes = node.bufBytes;
    while (i < a.length || j < points.length) {
      const c = i >= a.length ? 1 : j >= points.length ? -1 : compareKeys(a[i].key, points[j].key);
      if (c < 0) out.push(a[i++]);
      else {
        if (c === 0) bytes -= msgBytes(a[i++]);
        bytes += msgBytes(points[j]);
        out.push(points[j++]);
      }
    }
    node.msgs = out;
    node.bufBytes = bytes;
  }
  if (node.journal) {
    for (const r of rdels) node.pending.push(r);
    for (const p of points) node.pending.push(p);
  }
}

/** Replays journal messages (in arrival order) onto a buffer copy: each message is newer than the ones before. */
export function replayMessages(node: InternalNode, messages: readonly Msg[]): void {
  for (const m of messages) {
    if (m.op === Op.DeleteRange) applyToBuffer(node, [m], []);
    else applyToBuffer(node, [], [m]);
  }
}

/** Splits a sorted message list by bound: messages with lo <= key < hi. O(log n). */
export function msgSliceBounds(msgs: readonly Msg[], lo: Buffer | null, hi: Buffer | null): [number, number] {
  const a = lo === null ? 0 : msgLowerBound(msgs, lo);
  const b = hi === null ? msgs.length : msgLowerBound(msgs, hi);
  return [a, b];
}

/** True for values stored off-tree. */
export function isBlob(v: Value | null): v is BlobRef {
  return v instanceof BlobRef;
}
