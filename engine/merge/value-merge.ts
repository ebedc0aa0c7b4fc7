import { Ref } from '../records/ref';
import { decodeValue, encodeValue, type Value } from '../records/value';
import type { MergeChoice, MergeConflictKind } from '../store/merge-types';

/** A slot of a value: a Value, or undefined where the field (or the whole record) is absent. */
type Slot = Value | undefined;

/** A conflict found inside one value, before it is tied to its key. */
export interface FieldConflict {
  readonly path: readonly string[];
  readonly kind: MergeConflictKind;
  readonly base?: Buffer;
  readonly ours?: Buffer;
  readonly theirs?: Buffer;
}

/** The field-level three-way merge of one value. */
export interface ValueMergeOutcome {
  /** The merged value; undefined when it is deleted. Meaningless while `conflicts` is not empty. */
  readonly value: Slot;
  /** Conflicts the resolver left unsettled. */
  readonly conflicts: readonly FieldConflict[];
  /** Field paths whose value came from their side or from a resolution. */
  readonly fields: readonly (readonly string[])[];
}

/** True for a decoded MessagePack map (a plain object), the only values merged field by field. O(1). */
export function isMap(v: Slot): v is { [key: string]: Value } {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array || v instanceof Date || v instanceof Ref) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Deep equality of decoded values: maps compare by their fields whatever their order, arrays
 * element by element, bytes by content, numbers with Object.is (NaN equals NaN; -0 is not 0,
 * as the encoding keeps them apart). O(size of the values).
 */
export function sameValue(a: Slot, b: Slot): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameValue(x, b[i]));
  }
  if (isMap(a) || isMap(b)) {
    if (!isMap(a) || !isMap(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameValue(a[k], b[k]));
  }
  // Bytes, dates and references: equal when they encode to the same bytes.
  return encodeValue(a).equals(encodeValue(b));
}

/** Decodes a value's bytes, or null when they are not a Thunderhead value (then it merges as opaque bytes). O(bytes). */
export function decodeOrNull(bytes: Buffer | undefined): { v: Slot } | null {
  if (bytes === undefined) return { v: undefined };
  try {
    return { v: decodeValue(bytes) };
  } catch {
    return null;
  }
}

/** The kind of a conflict between three slots that all differ (absent = undefined). O(1). */
export function conflictKind(base: unknown, ours: unknown, theirs: unknown): MergeConflictKind {
  if (base === undefined) return 'both-added';
  if (ours === undefined) return 'delete-modify';
  if (theirs === undefined) return 'modify-delete';
  return 'both-modified';
}

/** A resolver for conflicts inside one value (merge.ts ties them to their key). */
export type FieldResolver = (c: FieldConflict) => MergeChoice | undefined;

/**
 * Three-way merge of decoded values, field by field for maps, recursively: a field changed on
 * one side only takes that side's change; the same change on both sides is taken once; maps
 * changed differently on both sides merge their fields (a map added on both sides merges
 * against an empty map); anything else changed differently on both sides — scalars, arrays,
 * a map against a non-map, a change against a deletion — is a conflict on that field, which
 * `settle` may resolve. Field order: ours, then fields only theirs has. O(size of the values).
 */
export function mergeValues(base: Slot, ours: Slot, theirs: Slot, settle: FieldResolver): ValueMergeOutcome {
  const conflicts: FieldConflict[] = [];
  const fields: string[][] = [];
  const enc = (v: Slot): Buffer | undefined => (v === undefined ? undefined : encodeValue(v));
  const slot = (b: Slot, o: Slot, t: Slot, path: string[]): Slot => {
    if (sameValue(o, t)) return o;
    if (sameValue(b, o)) {
      fields.push(path);
      return t;
    }
    if (sameValue(b, t)) return o;
    if (isMap(o) && isMap(t) && (b === undefined || isMap(b))) return maps(b ?? {}, o, t, path);
    const c: FieldConflict = { path, kind: conflictKind(b, o, t), base: enc(b), ours: enc(o), theirs: enc(t) };
    const choice = settle(c);
    if (choice === undefined) {
      conflicts.push(c);
      return o;
    }
    fields.push(path);
    return chosen(choice, o, t);
  };
  const maps = (b: { [key: string]: Value }, o: { [key: string]: Value }, t: { [key: string]: Value }, path: string[]): Slot => {
    const out: { [key: string]: Value } = {};
    const own = (m: object, k: string): boolean => Object.prototype.hasOwnProperty.call(m, k);
    const names = [...Object.keys(o), ...Object.keys(t).filter((k) => !own(o, k)), ...Object.keys(b).filter((k) => !own(o, k) && !own(t, k))];
    for (const k of names) {
      const v = slot(own(b, k) ? b[k] : undefined, own(o, k) ? o[k] : undefined, own(t, k) ? t[k] : undefined, [...path, k]);
      if (v !== undefined) out[k] = v;
    }
    return out;
  };
  const value = slot(base, ours, theirs, []);
  return { value, conflicts, fields };
}

/** The value a choice settles a conflict with (a given value is decoded: InvalidArgumentError when it is not one). O(value). */
export function chosen(choice: MergeChoice, ours: Slot, theirs: Slot): Slot {
  if ('take' in choice) return choice.take === 'ours' ? ours : theirs;
  if ('delete' in choice) return undefined;
  return decodeValue(choice.value);
}
