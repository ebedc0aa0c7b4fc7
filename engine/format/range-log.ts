import { ByteReader, ByteWriter, FormatError } from './bytes';

/** A key range [from, to) a commit deleted; `to` null: to the end of the key space. */
export interface DeletedRange {
  readonly from: Buffer;
  readonly to: Buffer | null;
}

/**
 * The range deletes of one version, as recorded in its catalog record (format 3, FORMAT.md
 * §7.6.1). `complete` false says the commit deleted more ranges than a record keeps (or, after
 * compaction, that a dropped version's ranges could not be folded in): `ranges` is then a true
 * but partial list, and a merge cannot know every range that side deleted.
 */
export interface RangeDeleteLog {
  readonly ranges: readonly DeletedRange[];
  readonly complete: boolean;
}

/**
 * At most this many ranges are recorded per version. A transaction's range deletes are merged
 * into disjoint ranges before they are counted, so only a commit with many separate ranges
 * (a bulk prune by prefix, say) reaches it. Bounds a record's size, and the catalog walk at open.
 */
export const MAX_RECORDED_RANGES = 32;

/** At most this many bytes of range bounds are recorded per version (keys may be long). */
export const MAX_RECORDED_RANGE_BYTES = 4096;

/** The first format version whose writers record range deletes (older files: not recorded). */
export const RANGE_LOG_FORMAT_VERSION = 3;

/** Extension byte of the range-delete extension in a catalog record (§7.6.1). */
export const RANGES_EXTENSION = 2;

/**
 * The log of a commit's range deletes, bounded: the first ranges that fit both limits, and
 * `complete` false when any did not. `ranges` must be disjoint and sorted (a transaction's
 * write set keeps them so). O(ranges).
 */
export function boundedRangeLog(ranges: readonly DeletedRange[], complete = true): RangeDeleteLog {
  const kept: DeletedRange[] = [];
  let bytes = 0;
  for (const r of ranges) {
    bytes += r.from.length + (r.to?.length ?? 0);
    if (kept.length >= MAX_RECORDED_RANGES || bytes > MAX_RECORDED_RANGE_BYTES) return { ranges: kept, complete: false };
    kept.push({ from: Buffer.from(r.from), to: r.to === null ? null : Buffer.from(r.to) });
  }
  return { ranges: kept, complete };
}

/**
 * Writes the extension (without its leading extension byte): u8 flags (bit 0: incomplete),
 * varint count, then per range: lenBytes from, u8 hasTo, [lenBytes to]. O(bytes).
 */
export function writeRangeLog(w: ByteWriter, log: RangeDeleteLog): void {
  w.u8(log.complete ? 0 : 1);
  w.varint(log.ranges.length);
  for (const r of log.ranges) {
    w.lenBytes(r.from);
    w.u8(r.to === null ? 0 : 1);
    if (r.to !== null) w.lenBytes(r.to);
  }
}

/**
 * Reads what {@link writeRangeLog} wrote. FormatError on damage: flags or hasTo outside 0..1,
 * a count above {@link MAX_RECORDED_RANGES} or overrunning the payload, bounds that run out.
 * O(bytes).
 */
export function readRangeLog(r: ByteReader): RangeDeleteLog {
  const flags = r.u8();
  if (flags > 1) throw new FormatError(`range-delete flags ${flags} outside 0..1`);
  const n = r.varint();
  // A range: from length, hasTo; two bytes at least.
  if (n > MAX_RECORDED_RANGES || n * 2 > r.end - r.pos) throw new FormatError(`range-delete count ${n} overruns the record (at most ${MAX_RECORDED_RANGES})`);
  const ranges: DeletedRange[] = [];
  for (let i = 0; i < n; i++) {
    const from = Buffer.from(r.lenBytes());
    const hasTo = r.u8();
    if (hasTo > 1) throw new FormatError(`range-delete hasTo ${hasTo} outside 0..1`);
    ranges.push({ from, to: hasTo === 1 ? Buffer.from(r.lenBytes()) : null });
  }
  return { ranges, complete: flags === 0 };
}
