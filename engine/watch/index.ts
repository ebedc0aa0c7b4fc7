/** Range watches: per-commit change events for a key range, above the core (see watch.ts). */
export { watch } from './watch';
export type { WatchEvent, WatchListener, WatchRange } from './watch-hub';
