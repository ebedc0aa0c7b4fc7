/** A store's event listeners: subscribe, emit, and what happens when a listener throws. */
import type { StoreEvents } from './store-types';

/** The listeners of one store, by event. */
export type StoreListeners = Map<keyof StoreEvents, Set<(e: never) => void>>;

/** Subscribes `fn` to `event`; returns the unsubscribe function. O(1). */
export function onEvent<K extends keyof StoreEvents>(listeners: StoreListeners, event: K, fn: (e: StoreEvents[K]) => void): () => void {
  let set = listeners.get(event);
  if (!set) listeners.set(event, (set = new Set()));
  set.add(fn as (e: never) => void);
  return () => set?.delete(fn as (e: never) => void);
}

/** Calls every listener of `event` with `e`; one that throws is reported, not rethrown. O(listeners). */
export function emitEvent<K extends keyof StoreEvents>(listeners: StoreListeners, event: K, e: StoreEvents[K]): void {
  const set = listeners.get(event);
  if (!set) return;
  // A listener runs after the work is durable: its exception must not look like a failed
  // commit to the caller, nor keep the other listeners from running.
  for (const fn of [...set]) {
    try {
      (fn as (x: StoreEvents[K]) => void)(e);
    } catch (error) {
      listenerFailed(listeners, event, error);
    }
  }
}

/**
 * Reports a listener (or watcher) that threw: as a `listenerError` event when someone listens
 * for it, else as a process warning. O(listeners).
 */
export function listenerFailed(listeners: StoreListeners, event: string, error: unknown): void {
  const set = listeners.get('listenerError');
  if (event !== 'listenerError' && set && set.size > 0) emitEvent(listeners, 'listenerError', { event, error });
  else process.emitWarning(`a Thunderhead ${event} listener threw: ${error instanceof Error ? error.message : String(error)}`);
}
