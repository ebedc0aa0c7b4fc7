import { rdelCovers } from './buffer';
import { compareKeys } from './keys';
import { Op, type Msg, type Value } from './node';
import type { RawEntry } from './read';

/**
 * Streams `records` with newer messages laid over them: the merge of a sorted record stream
 * with `msgs[from..to)` (sorted by key) that every reader of a buffer does (a scan through an
 * internal node, a diff through its ancestors' buffers, a transaction's scan over its base).
 *
 * `records` comes in key order, or in reverse key order when `reverse` (then the messages are
 * taken from `to - 1` down to `from`). A message replaces the record with its key: a put yields
 * its value, a delete yields nothing. A record inside a range delete of `rdels` (sorted,
 * disjoint) is dropped; the messages are newer than those range deletes already, as a buffer's
 * and a transaction's are.
 *
 * O(records + messages) key comparisons plus O(log rdels) per record when `rdels` is not
 * empty; O(1) memory (no copy of the messages).
 */
export function* overlayMessages(
  records: Iterator<RawEntry>,
  msgs: readonly Msg[],
  from: number,
  to: number,
  rdels: readonly Msg[],
  reverse: boolean,
): Generator<RawEntry> {
  let cur = records.next();
  let j = reverse ? to - 1 : from;
  const sign = reverse ? -1 : 1;
  for (;;) {
    const haveMsg = reverse ? j >= from : j < to;
    if (cur.done && !haveMsg) return;
    const cmp = cur.done ? 1 : !haveMsg ? -1 : sign * compareKeys(cur.value[0], msgs[j].key);
    if (cmp < 0) {
      const entry = cur.value as RawEntry;
      if (rdels.length === 0 || !rdelCovers(rdels, entry[0])) yield entry;
      cur = records.next();
    } else {
      const m = msgs[j];
      if (m.op === Op.Put) yield [m.key, m.value as Value];
      j += sign;
      if (cmp === 0) cur = records.next();
    }
  }
}
