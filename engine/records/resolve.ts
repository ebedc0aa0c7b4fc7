/**
 * Following a {@link Ref} to the record it names. The engine never follows references by itself;
 * this is the one place that knows how a reference's key, view and pinned version combine.
 */
import { VersionNotFoundError } from '../errors';
import type { Ref } from './ref';

/** A record a reference points at. */
export interface RefTarget {
  /** The target's full key in the tree (the view's bytes, then the key's bytes). */
  readonly key: Buffer;
  readonly value: Buffer;
}

/** A point reader at one version, and a way to reach any other version by id or name. */
export interface RefReader {
  /** The value under a full key in the version being read, or undefined. */
  get(key: Uint8Array): Buffer | undefined;
  /** A reader of another version; throws VersionNotFoundError when there is none. */
  at(version: number | string): { get(key: Uint8Array): Buffer | undefined };
}

/** Why a reference does not resolve, or its target. */
export type RefLookup =
  | { readonly found: true; readonly target: RefTarget }
  | { readonly found: false; readonly reason: 'missing-key' | 'missing-version' };

/**
 * Looks a reference up: in the version it pins when it pins one, else in `reader`'s version;
 * reports which part is missing when it does not resolve. O(height): one point read.
 */
export function lookupRef(reader: RefReader, ref: Ref): RefLookup {
  const key = ref.absoluteKey();
  let source: { get(key: Uint8Array): Buffer | undefined } = reader;
  if (ref.version !== undefined) {
    try {
      source = reader.at(ref.version);
    } catch (e) {
      if (e instanceof VersionNotFoundError) return { found: false, reason: 'missing-version' };
      throw e;
    }
  }
  const value = source.get(key);
  return value === undefined ? { found: false, reason: 'missing-key' } : { found: true, target: { key: Buffer.from(key), value } };
}

/**
 * The record a reference points at — read at the version it pins, or else at `reader`'s
 * version — or undefined when its key or pinned version is missing. O(height).
 */
export function resolveRef(reader: RefReader, ref: Ref): RefTarget | undefined {
  const r = lookupRef(reader, ref);
  return r.found ? r.target : undefined;
}

/**
 * A reader of version `at` of a store (or of anything that reads versions): its point reads at
 * that version, pinned versions through the same store. `resolveRef(refReaderAt(store, 12), ref)`
 * resolves as of version 12; `resolveRef(store, ref)` as of the default branch head.
 * O(1): resolves the version once.
 */
export function refReaderAt(store: Pick<RefReader, 'at'>, at: number | string): RefReader {
  const view = store.at(at);
  return { get: (k) => view.get(k), at: (v) => store.at(v) };
}
