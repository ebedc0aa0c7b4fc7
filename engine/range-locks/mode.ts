/** Lock modes and their compatibility matrix: shared/shared is the only compatible pair. */

import type { LockMode } from '../store/lock-table';

/** `shared` (readers, compatible with each other) or `exclusive` (one writer, compatible with nothing); declared by the core. */
export type { LockMode } from '../store/lock-table';

/** True when two locks of these modes held by different transactions may overlap. O(1). */
export function compatible(a: LockMode, b: LockMode): boolean {
  return a === 'shared' && b === 'shared';
}

/** True when holding `held` already grants what `wanted` asks for (X implies S). O(1). */
export function implies(held: LockMode, wanted: LockMode): boolean {
  return held === 'exclusive' || wanted === 'shared';
}

/** True when `mode` is a {@link LockMode}; guards calls from code that is not type-checked. O(1). */
export function isLockMode(mode: unknown): mode is LockMode {
  return mode === 'shared' || mode === 'exclusive';
}
