/**
 * References from one record to another in the same tree. A value may hold Refs anywhere (they
 * are a msgpack extension, see value.ts); the engine never follows them by itself, the inspector
 * and callers do.
 */

import { InvalidArgumentError } from '../errors';
import { encodeKey, encodeTuple, type Tuple, type TupleElement } from './tuple';

/** Where a {@link Ref} points besides its key. */
export interface RefOptions {
  /** Key prefix tuple of the subtree the key is relative to; the target's full key is the view's bytes followed by the key's bytes. */
  readonly view?: Tuple;
  /** Pin the target to a version id or a snapshot name instead of the reader's version. */
  readonly version?: number | string;
}

const LONE_SURROGATE = /\p{Surrogate}/u;

function prefixed(what: string, e: unknown): never {
  if (e instanceof InvalidArgumentError) throw new InvalidArgumentError(`${what}: ${e.message}`);
  throw e;
}

/**
 * A reference to the record at `key` (a tuple or a single element), optionally inside the
 * subtree `options.view` and optionally pinned to `options.version`. Validated at construction;
 * the key and view are encoded once then, so later changes to arrays passed in are not seen.
 */
export class Ref {
  /** Encoded key, as `encodeKey(key)`. */
  readonly keyBytes: Buffer;
  /** Encoded view prefix, as `encodeTuple(view)`, or undefined without a view. */
  readonly viewBytes: Buffer | undefined;

  /** O(size of key and view). Throws InvalidArgumentError for an invalid key, view or version. */
  constructor(
    readonly key: Tuple | TupleElement,
    readonly options?: RefOptions,
  ) {
    try {
      this.keyBytes = encodeKey(key);
    } catch (e) {
      prefixed('ref key', e);
    }
    const view = options?.view;
    let viewBytes: Buffer | undefined;
    if (view !== undefined) {
      if (!Array.isArray(view)) throw new InvalidArgumentError('ref view must be a tuple (an array of key elements)');
      try {
        viewBytes = encodeTuple(view);
      } catch (e) {
        prefixed('ref view', e);
      }
    }
    this.viewBytes = viewBytes;
    const version = options?.version;
    if (version !== undefined) {
      if (typeof version === 'number') {
        if (!Number.isSafeInteger(version) || version < 0) {
          throw new InvalidArgumentError(`ref version ${version} must be a non-negative integer version id or a snapshot name`);
        }
      } else if (typeof version !== 'string' || version === '' || LONE_SURROGATE.test(version)) {
        throw new InvalidArgumentError('ref version must be a non-negative integer version id or a non-empty snapshot name');
      }
    }
  }

  /** The view prefix, if any. O(1). */
  get view(): Tuple | undefined {
    return this.options?.view;
  }

  /** The pinned version id or snapshot name, if any. O(1). */
  get version(): number | string | undefined {
    return this.options?.version;
  }

  /** The target's full key in the tree: view bytes then key bytes. O(key length). */
  absoluteKey(): Buffer {
    return this.viewBytes ? Buffer.concat([this.viewBytes, this.keyBytes]) : this.keyBytes;
  }

  /** True when both point at the same key, view and version. O(key length). */
  equals(other: Ref): boolean {
    return (
      this.keyBytes.equals(other.keyBytes) &&
      (this.viewBytes === undefined ? other.viewBytes === undefined : other.viewBytes !== undefined && this.viewBytes.equals(other.viewBytes)) &&
      this.version === other.version
    );
  }
}

/** Narrows to {@link Ref}. O(1). */
export function isRef(v: unknown): v is Ref {
  return v instanceof Ref;
}
