/**
 * The lock table, grouped by key range: one row per interval with its holders (modes, tx ids)
 * and its waiters (tx ids, how long each has waited). Virtualized: only the rows on screen
 * exist, and the page of groups under them is what the stream asks the monitor for, so 50k
 * locks never cross the wire or the DOM at once.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import type { LockGroupData } from '../../../../app/contract';
import { formatCount } from '../../lib/format';
import { formatDuration, rangeLabel } from './labels';
import { groupAt, type GroupPage, type TableWindow } from './useLockStream';
import { windowFor } from './window';

const ROW_H = 30;
/** Chips shown per cell before "+N". */
const CHIPS = 4;

/** Re-rendered when a new page arrives or the user scrolls, not on every event batch. */
export const LockTable = memo(function LockTable({ page, onWindow, pageIsLive }: { page: GroupPage | null; onWindow: (w: TableWindow) => void; pageIsLive: boolean }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const total = page?.total ?? 0;
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: 8 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    onWindow(windowFor(first, last));
  }, [first, last, onWindow]);

  return (
    <div className="table locks-table">
      <div className="table-head lock-grid" role="row">
        <span role="columnheader">Key range</span>
        <span role="columnheader">Held by</span>
        <span role="columnheader">Waiting</span>
        <span role="columnheader" className="num">
          Max wait
        </span>
      </div>
      {page && total === 0 ? (
        <div className="empty small dim">No locks are held or waited for right now.</div>
      ) : (
        <div className="table-scroll" ref={scrollRef} tabIndex={0} role="grid" aria-label="Lock table" aria-rowcount={total} data-testid="lock-table">
          <div className="table-inner" style={{ height: `${virtualizer.getTotalSize()}px` }}>
            {items.map((vi) => {
              const g = groupAt(page, vi.index);
              return (
                <div key={vi.key} className="table-row-pos" style={{ transform: `translateY(${vi.start}px)` }}>
                  {g ? <GroupRow g={g} /> : <div className="lock-grid table-row loading-row small">{pageIsLive ? 'not captured at the pause; resume to load' : 'loading…'}</div>}
                </div>
              );
            })}
          </div>
        </div>
      )}
    </div>
  );
});

const GroupRow = memo(function GroupRow({ g }: { g: LockGroupData }) {
  const label = rangeLabel(g.from, g.to, g.shape);
  const held = g.holders.map((h) => `tx ${h.tx} ${h.mode} (${formatDuration(h.heldMs)})`).join('\n');
  const waiting = g.waiters.map((w) => `tx ${w.tx} ${w.mode} waited ${formatDuration(w.waitedMs)} for ${w.waitingFor.map((t) => `tx ${t}`).join(', ')}`).join('\n');
  return (
    <div className={`lock-grid table-row${g.waitingCount > 0 ? ' lock-contended' : ''}`} role="row" data-testid="lock-row">
      <span className="ellipsis mono" title={label}>
        <span className={`tag lock-shape lock-shape-${g.shape}`}>{g.shape}</span> {label}
      </span>
      <span className="lock-chips" title={held}>
        {g.heldMode && <span className={`tag lock-mode lock-mode-${g.heldMode}`}>{g.heldMode === 'exclusive' ? 'X' : 'S'}</span>}
        <span className="lock-chip-list">
          {g.holders.slice(0, CHIPS).map((h) => (
            <span key={h.lockId} className="lock-chip mono" data-testid="lock-chip">
              tx {h.tx}
            </span>
          ))}
        </span>
        {g.heldCount > CHIPS && <span className="dim small">+{formatCount(g.heldCount - CHIPS)}</span>}
        {g.heldCount === 0 && <span className="dim small">—</span>}
      </span>
      <span className="lock-chips" title={waiting}>
        <span className="lock-chip-list">
          {g.waiters.slice(0, CHIPS).map((w) => (
            <span key={w.lockId} className={`lock-chip lock-chip-wait mono lock-mode-${w.mode}`} data-testid="lock-chip">
              <span>tx {w.tx}</span>
              <span className="dim">
                {w.mode === 'exclusive' ? 'X' : 'S'} · {formatDuration(w.waitedMs)}
              </span>
            </span>
          ))}
        </span>
        {g.waitingCount > CHIPS && <span className="dim small">+{formatCount(g.waitingCount - CHIPS)}</span>}
        {g.waitingCount === 0 && <span className="dim small">—</span>}
      </span>
      <span className={`num mono${g.maxWaitedMs > 1000 ? ' warn' : ' dim'}`}>{g.waitingCount > 0 ? formatDuration(g.maxWaitedMs) : ''}</span>
    </div>
  );
});
