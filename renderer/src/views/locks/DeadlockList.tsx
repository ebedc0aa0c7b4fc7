/** Recent deadlocks, newest first: the cycle and the victim; picking one draws it on the graph. */
import { memo } from 'react';
import type { DeadlockData } from '../../../../app/contract';
import { cycleText, formatAgo } from './labels';

/** Re-rendered only when a new frame or a pick changes it. */
export const DeadlockList = memo(function DeadlockList({ deadlocks, now, picked, onPick, total }: { deadlocks: readonly DeadlockData[]; now: number; picked: DeadlockData | null; onPick: (d: DeadlockData | null) => void; total: number }) {
  const same = (a: DeadlockData, b: DeadlockData) => a.at === b.at && a.victim === b.victim;
  // A picked deadlock stays listed (and drawn) after newer ones push it out of the recent list.
  const shown = picked && !deadlocks.some((d) => same(d, picked)) ? [picked, ...deadlocks] : deadlocks;
  if (shown.length === 0) return <div className="empty small dim">No deadlocks yet.</div>;
  return (
    <ul className="deadlock-list" aria-label="Recent deadlocks" data-testid="deadlock-list">
      {shown.map((d) => {
        const on = picked !== null && same(picked, d);
        return (
          <li key={`${d.at}-${d.victim}-${d.cycle.join(',')}`}>
            <button type="button" className={`deadlock-item${on ? ' selected' : ''}`} aria-pressed={on} onClick={() => onPick(on ? null : d)} title="Draw this cycle on the graph">
              <span className="deadlock-victim">
                victim <strong className="mono">tx {d.victim}</strong>
              </span>
              <span className="deadlock-when small dim">{formatAgo(d.at, now)}</span>
              <span className="deadlock-cycle mono small dim" title={cycleText(d.cycle)}>{cycleText(d.cycle)}</span>
            </button>
          </li>
        );
      })}
      {total > deadlocks.length && <li className="small dim pad">{`${total - deadlocks.length} older not listed`}</li>}
    </ul>
  );
});
