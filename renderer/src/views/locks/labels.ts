/** Text for the Locks view: durations, key ranges, deadlock cycles. */
import type { KeyView } from '../../../../app/contract';
import { keyText } from '../../lib/keys';

/** A duration: `0 ms`, `850 ms`, `2.4 s`, `1 m 05 s`, `2 h 03 m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`;
}

/** How long before `now` something happened: `just now`, `12 s ago`, `3 m 10 s ago`. */
export function formatAgo(at: number, now: number): string {
  const d = now - at;
  if (d < 1000) return 'just now';
  return `${formatDuration(d)} ago`;
}

/** A lock's interval as it reads: one key, a prefix (`"users", …`), or `[from, to)`. */
export function rangeLabel(from: KeyView, to: KeyView | null, shape: 'key' | 'prefix' | 'range'): string {
  if (shape === 'key') return keyText(from);
  if (shape === 'prefix') return from.length === 0 ? 'everything' : `${keyText(from)} …`;
  return `[${from.length === 0 ? '−∞' : keyText(from)}, ${to === null ? '+∞' : keyText(to)})`;
}

/** A deadlock cycle as text, each waiting for the next, back to the first: `tx 9 → tx 4 → tx 9`. */
export function cycleText(cycle: readonly number[]): string {
  if (cycle.length === 0) return '';
  // A no-break space inside "tx 123": a long cycle wraps between transactions, never mid-name.
  return [...cycle, cycle[0]].map((t) => `tx\u00a0${t}`).join(' → ');
}
