/**
 * Versions this window wrote (commit, revert, undo) per open store, so the Records status can
 * say where the head came from: "committed v#N" rather than "live (v#N)", which means another
 * process wrote the file. The service emits the same `store.changed` for both, and it arrives
 * before the call's answer, so the window remembers its own writes here. Module state is right
 * for this: one renderer is one window.
 */
import { useSyncExternalStore } from 'react';
import { formatCount } from '../../lib/format';

/** How this window moved a store's head. */
export type OwnWriteKind = 'commit' | 'revert' | 'undo';

/** The last head this window made, per store. */
export interface OwnWrite {
  readonly version: number;
  readonly kind: OwnWriteKind;
}

const writes = new Map<string, OwnWrite>();
const listeners = new Set<() => void>();

/** Remembers that this window moved `storeId`'s head to `version`. */
export function recordOwnWrite(storeId: string, write: OwnWrite): void {
  writes.set(storeId, write);
  for (const l of listeners) l();
}

/** The last write this window made to `storeId`, if any. */
export function ownWrite(storeId: string): OwnWrite | undefined {
  return writes.get(storeId);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** {@link ownWrite}, re-rendering when it changes. */
export function useOwnWrite(storeId: string): OwnWrite | undefined {
  return useSyncExternalStore(subscribe, () => writes.get(storeId));
}

/**
 * The status note for a head that changed since the store was opened: this window's own write
 * when it made exactly that head, else "live" (another process, or another window, committed).
 * Null before any change.
 */
export function headNote(head: number, generation: number, own: OwnWrite | undefined): string | null {
  if (own && own.version === head) {
    const v = `v#${formatCount(head)}`;
    return own.kind === 'commit' ? `committed ${v}` : own.kind === 'revert' ? `reverted as ${v}` : `undone back to ${v}`;
  }
  return generation > 0 ? `live (v#${formatCount(head)})` : null;
}
