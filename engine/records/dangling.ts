/**
 * The scan for dangling references: records whose values hold a {@link Ref} that does not
 * resolve. Used by `thunderhead check` and the inspector; works on any store-like host.
 */
import { isRef, type Ref } from './ref';
import { lookupRef, type RefReader } from './resolve';
import { tryDecodeValue } from './value';

/** A reference whose target is missing. */
export interface DanglingRef {
  /** Key of the record holding the reference. */
  readonly key: Buffer;
  /** The reference itself. */
  readonly ref: Ref;
  /** The branch whose head was scanned. */
  readonly branch: string;
  /** Where the target was looked for: `branch NAME`, or `version V` for a pinned reference. */
  readonly at: string;
  /** What is missing: the target key, or the whole pinned version. */
  readonly reason: 'missing-key' | 'missing-version';
}

/** Options of {@link findDanglingRefs}. */
export interface DanglingRefOptions {
  /** Called every 4096 records scanned and once at the end, with the records and references seen so far. */
  readonly onProgress?: (progress: { records: number; refs: number; branch: string }) => void;
  /** Stop after this many dangling references (default: no limit). */
  readonly limit?: number;
}

/** A reader of one version: point reads and a full scan in key order. */
export interface VersionReader {
  get(key: Uint8Array): Buffer | undefined;
  scan(): Iterable<{ readonly key: Buffer; readonly value: Buffer }>;
}

/** What the scan needs: the branches, and a reader per version (VersionNotFoundError when there is none). */
export interface DanglingRefHost {
  branches(): readonly { readonly name: string; readonly head: number }[];
  at(version: number | string): VersionReader;
}

/** msgpack marks an extension with one of these bytes; a value without any cannot hold a Ref. */
const EXT_MARKERS = [0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xc7, 0xc8, 0xc9];

function mayHoldRef(bytes: Uint8Array): boolean {
  return EXT_MARKERS.some((marker) => bytes.includes(marker));
}

function collectRefs(value: unknown, out: Ref[], depth = 0): void {
  if (depth > 256 || value === null || typeof value !== 'object') return;
  if (isRef(value)) {
    out.push(value);
    return;
  }
  if (value instanceof Uint8Array || value instanceof Date) return;
  for (const item of Array.isArray(value) ? value : Object.values(value)) collectRefs(item, out, depth + 1);
}

/** Every reference a value holds, in document order. O(size of the value). */
export function refsIn(bytes: Uint8Array): Ref[] {
  if (!mayHoldRef(bytes)) return [];
  const decoded = tryDecodeValue(bytes);
  if (!decoded.ok) return [];
  const refs: Ref[] = [];
  collectRefs(decoded.value, refs);
  return refs;
}

/**
 * Every reference, in the head of every branch (a head shared by several branches is scanned
 * once), whose target key is missing — in the version the reference pins when it pins one —
 * or whose pinned version does not exist. Values that are not Thunderhead values are skipped.
 * O(records) reads plus one O(height) point read per reference.
 */
export function findDanglingRefs(host: DanglingRefHost, opts: DanglingRefOptions = {}): DanglingRef[] {
  const dangling: DanglingRef[] = [];
  const limit = opts.limit ?? Infinity;
  const heads = new Set<number>();
  let records = 0;
  let refCount = 0;
  let branch = '';
  for (const b of host.branches()) {
    if (heads.has(b.head)) continue;
    heads.add(b.head);
    branch = b.name;
    const view = host.at(b.name);
    const reader: RefReader = { get: (k) => view.get(k), at: (v) => host.at(v) };
    for (const entry of view.scan()) {
      if (++records % 4096 === 0) opts.onProgress?.({ records, refs: refCount, branch });
      for (const ref of refsIn(entry.value)) {
        refCount++;
        const r = lookupRef(reader, ref);
        if (r.found) continue;
        const at = ref.version === undefined ? `branch ${b.name}` : `version ${ref.version}`;
        dangling.push({ key: Buffer.from(entry.key), ref, branch: b.name, at, reason: r.reason });
        if (dangling.length >= limit) {
          opts.onProgress?.({ records, refs: refCount, branch });
          return dangling;
        }
      }
    }
  }
  opts.onProgress?.({ records, refs: refCount, branch });
  return dangling;
}
