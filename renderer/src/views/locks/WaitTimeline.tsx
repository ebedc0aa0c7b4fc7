/**
 * The wait timeline: one lane per transaction (the ones that waited longest in the window),
 * a bar per wait, coloured by how it ended. HTML bars positioned in percent: cheap to redraw.
 */
import { memo } from 'react';
import { formatCount } from '../../lib/format';
import { formatDuration } from './labels';
import type { WaitLanes } from './timeline';

const OUTCOME: Record<string, string> = { waiting: 'still waiting', granted: 'granted', timeout: 'timed out', deadlock: 'deadlock victim', cancelled: 'cancelled', ended: 'ended (outcome not seen)' };

/** Re-rendered only when a new frame brings new lanes. */
export const WaitTimeline = memo(function WaitTimeline({ lanes }: { lanes: WaitLanes }) {
  const span = lanes.windowEnd - lanes.windowStart;
  const ticks = [1, 0.75, 0.5, 0.25, 0];
  return (
    <div className="wait-timeline" data-testid="wait-timeline">
      {lanes.lanes.length === 0 ? (
        <div className="empty small dim">No waits in the last {formatDuration(span)}.</div>
      ) : (
        <>
          <div className="wt-lanes" role="list" aria-label="Waits per transaction">
            {lanes.lanes.map((l) => (
              <div key={l.tx} className="wt-lane" role="listitem" data-total-ms={l.totalMs}>
                <span className="wt-tx mono" title={`tx ${l.tx} waited ${formatDuration(l.totalMs)} in this window`}>
                  tx {l.tx}
                </span>
                <span className="wt-track">
                  {l.bars.map((b, i) => (
                    <span
                      key={i}
                      className={`wt-bar wt-${b.outcome}`}
                      style={{ left: `${b.x0 * 100}%`, width: `${Math.max(0, b.x1 - b.x0) * 100}%` }}
                      title={`${formatDuration(b.ms)} · ${OUTCOME[b.outcome] ?? b.outcome}`}
                    />
                  ))}
                </span>
              </div>
            ))}
          </div>
          <div className="wt-axis small dim">
            <span className="wt-tx" />
            <span className="wt-ticks">
              {ticks.map((t) => (
                <span key={t} style={{ left: `${(1 - t) * 100}%` }}>
                  {t === 0 ? 'now' : `−${formatDuration(span * t)}`}
                </span>
              ))}
            </span>
          </div>
          <div className="wt-legend small dim">
            {lanes.transactions > lanes.lanes.length && <span>{`${formatCount(lanes.lanes.length)} of ${formatCount(lanes.transactions)} transactions (longest waits)`}</span>}
            <span className="grow" />
            <span className="wt-key wt-granted" /> granted
            <span className="wt-key wt-waiting" /> waiting
            <span className="wt-key wt-timeout" /> timed out
            <span className="wt-key wt-deadlock" /> deadlock
          </div>
        </>
      )}
    </div>
  );
});
