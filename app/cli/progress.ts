/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal: in a pipe or a log
 * file the carriage-return redraws would be noise, so the bar is silent there.
 */
import type { TextSink } from './io';

/** Redraws at most this often, so the bar costs nothing next to the work it reports. */
const REDRAW_MS = 100;

/** Reports work done; `total` may be unknown (a spinner-like count is shown then). */
export interface Progress {
  update(done: number, total?: number, detail?: string): void;
  /** Clears the line. */
  done(): void;
}

const silent: Progress = { update() {}, done() {} };

/** A progress bar for `label` on `sink`, or a no-op when the sink is not a terminal. */
export function progressBar(sink: TextSink, label: string): Progress {
  if (sink.isTTY !== true) return silent;
  let last = 0;
  let drawn = false;
  const width = (): number => Math.max(20, Math.min(sink.columns ?? 80, 120) - 1);
  return {
    update(done, total, detail) {
      const now = Date.now();
      if (now - last < REDRAW_MS) return;
      last = now;
      const suffix = detail ? ` ${detail}` : '';
      let text: string;
      if (total !== undefined && total > 0) {
        const fraction = Math.min(1, done / total);
        const percent = `${(fraction * 100).toFixed(0).padStart(3)}%`;
        const barWidth = Math.max(10, width() - label.length - percent.length - suffix.length - 4);
        const filled = Math.round(fraction * barWidth);
        text = `${label} [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${percent}${suffix}`;
      } else {
        text = `${label} ${done.toLocaleString('en-US')}${suffix}`;
      }
      drawn = true;
      void sink.write(`\r${text.slice(0, width())}\x1b[K`);
    },
    done() {
      if (drawn) void sink.write('\r\x1b[K');
      drawn = false;
    },
  };
}
