/**
 * Lineage: the store's versions as a graph (d3 paths over one row per version, a lane per
 * branch), branch heads and snapshots labelled. Click a version for its details; "Browse as of"
 * (or Enter, or a double click) makes Records, Tree and Overview show that version. Shift- or
 * Ctrl-click a second version to diff the two. Keyboard: ↑/↓ (PgUp/PgDn, Home/End) move,
 * Enter browses, Esc clears the second selection. The rows are virtualized (only those on screen
 * are in the DOM, the graph beside them drawn for just those rows), so thousands of loaded
 * versions scroll smoothly. In edit mode the detail panel also snapshots, branches, reverts and
 * undoes (VersionActions). New commits appear at the top as they land (`store.changed`
 * refetches the lineage).
 */
import { useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { LineageVersion, SnapshotPolicyData } from '../../../../app/contract';
import { invalidateStore, useServiceEvent } from '../../api/hooks';
import { ErrorPanel } from '../../components/ErrorPanel';
import { Spinner } from '../../components/Progress';
import { formatBytes, formatCount, formatTime } from '../../lib/format';
import { useOpenStore, useSession, type TimeTravel } from '../../shell/session';
import { LineageGraph, GEOMETRY } from './LineageGraph';
import { layoutLineage, stepSelection } from './layout';
import { useLineage } from './useLineage';
import { VersionPanel } from './VersionPanel';
import './lineage.css';

/** Fetch the next older page when the viewport comes this close (rows) to the oldest loaded. */
const OLDER_PREFETCH_ROWS = 40;

/** The names a version goes by: its snapshots, then the branches whose head it is. */
export function versionNames(v: LineageVersion): string[] {
  return [...v.snapshots.map((s) => `snapshot ${s}`), ...v.heads.map((b) => `branch ${b}`)];
}

/** Time travel to `v`. */
export function travelTo(v: LineageVersion): TimeTravel {
  return { version: v.id, names: versionNames(v) };
}

export function LineageView() {
  const store = useOpenStore();
  const session = useSession();
  const client = useQueryClient();
  const lineage = useLineage(store.storeId);
  const { versions, latest } = lineage;
  const defaultBranch = latest?.defaultBranch ?? store.info.branch;
  const branchNames = useMemo(() => latest?.branches.map((b) => b.name) ?? [defaultBranch], [latest, defaultBranch]);
  const layout = useMemo(() => layoutLineage(versions, defaultBranch), [versions, defaultBranch]);
  const byId = useMemo(() => new Map(versions.map((v) => [v.id, v])), [versions]);
  // Snapshots the store's policy took (and may drop): drawn apart from the ones a person named.
  const automatic = useMemo(() => new Set(latest?.snapshots.filter((s) => s.automatic).map((s) => s.name) ?? []), [latest]);
  const policy = latest?.snapshotPolicy ?? null;
  const [selected, setSelected] = useState<number | null>(null);
  const [compare, setCompare] = useState<number | null>(null);
  const [hovered, setHovered] = useState<number | null>(null);
  const listRef = useRef<HTMLDivElement>(null);

  // Snapshots made here (or in another window of this service) redraw the labels.
  useServiceEvent('versions.changed', (e) => {
    if (e.storeId === store.storeId) void invalidateStore(client, e.storeId);
  });

  // Start on the version being browsed, else the head.
  const travelling = session.at?.version ?? null;
  useEffect(() => {
    if (selected === null && versions.length > 0) setSelected(travelling ?? latest?.head ?? versions[0]!.id);
  }, [selected, versions, travelling, latest]);

  const browse = (v: LineageVersion) => {
    session.travel(travelTo(v));
    session.navigate('records');
  };

  const select = (id: number, e?: MouseEvent) => {
    if (e && (e.shiftKey || e.ctrlKey || e.metaKey) && selected !== null && selected !== id) {
      setCompare(id);
      return;
    }
    setSelected(id);
    setCompare(null);
  };

  const virtualizer = useVirtualizer({
    count: layout.placed.length,
    getScrollElement: () => listRef.current,
    estimateSize: () => GEOMETRY.rowHeight,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  // Scrolling near the oldest row loaded fetches the next page by itself (the button stays, for
  // the keyboard and for saying how many are left).
  const { hasOlder, loadingOlder, olderFailed, refreshing, loadOlder } = lineage;
  useEffect(() => {
    if (hasOlder && !loadingOlder && !olderFailed && !refreshing && last >= 0 && last >= layout.placed.length - OLDER_PREFETCH_ROWS) loadOlder();
  }, [hasOlder, loadingOlder, olderFailed, refreshing, loadOlder, last, layout.placed.length]);

  // The row may not be rendered (virtualized): scroll by index, not by element.
  const scrollToRow = (id: number) => {
    const row = layout.rowOf.get(id);
    if (row !== undefined) virtualizer.scrollToIndex(row, { align: 'auto' });
  };

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const steps: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10, End: layout.placed.length, Home: -layout.placed.length };
    if (Object.hasOwn(steps, e.key)) {
      e.preventDefault();
      const next = stepSelection(layout.placed, selected, steps[e.key]!);
      if (next !== null) {
        setSelected(next);
        setCompare(null);
        scrollToRow(next);
      }
    } else if (e.key === 'Enter') {
      const v = selected === null ? undefined : byId.get(selected);
      if (v) {
        e.preventDefault();
        browse(v);
      }
    } else if (e.key === 'Escape') {
      setCompare(null);
    }
  };

  const shown = selected === null ? undefined : byId.get(selected);
  const other = compare === null ? undefined : byId.get(compare);
  const hover = hovered === null ? undefined : byId.get(hovered);

  return (
    <div className="lineage">
      <div className="view-head lineage-head">
        <h2>Lineage</h2>
        <span className="dim small" data-testid="lineage-summary">
          {latest
            ? `${formatCount(latest.total)} version${latest.total === 1 ? '' : 's'} · ${latest.branches.length} branch${latest.branches.length === 1 ? '' : 'es'} · ${latest.snapshots.length - automatic.size} snapshot${latest.snapshots.length - automatic.size === 1 ? '' : 's'}${automatic.size > 0 ? ` + ${automatic.size} automatic` : ''} · head #${formatCount(latest.head)} on ${latest.defaultBranch}`
            : ''}
        </span>
        {policy && (
          <span className="lineage-chip chip-snapshot chip-auto" title="The store's automatic-snapshot policy: commits take these snapshots in their own record, and retention removes old ones" data-testid="lineage-policy">
            ◇ {describePolicy(policy)}
          </span>
        )}
        <span className="grow" />
        <span className="dim small">Shift-click a second version to compare · ↑/↓ move · Enter browses</span>
      </div>
      {lineage.error && versions.length === 0 ? (
        <div className="pad">
          <ErrorPanel error={lineage.error} path={store.path} actions={<button type="button" className="btn btn-small" onClick={lineage.refetch}>Retry</button>} />
        </div>
      ) : lineage.loading ? (
        <Spinner label="Reading the catalog…" />
      ) : (
        <div className="lineage-body">
          <div className="lineage-list scroll" ref={listRef} tabIndex={0} role="listbox" aria-label="Versions" aria-activedescendant={selected === null ? undefined : `version-${selected}`} onKeyDown={onKey} onMouseLeave={() => setHovered(null)} data-testid="lineage-list">
            <div className="lineage-rows" style={{ height: `${virtualizer.getTotalSize()}px`, ['--graph-w' as string]: `${GEOMETRY.left * 2 + Math.max(0, layout.lanes.length - 1) * GEOMETRY.laneWidth}px` }}>
              <LineageGraph layout={layout} first={first} last={last} selected={selected} compare={compare} travelling={travelling} hovered={hovered} automatic={automatic} />
              {items.map((item) => {
                const { version: v, lane } = layout.placed[item.index]!;
                return (
                  <VersionRow
                    key={v.id}
                    v={v}
                    lane={lane}
                    top={item.start}
                    selected={v.id === selected}
                    compare={v.id === compare}
                    travelling={v.id === travelling}
                    automatic={automatic}
                    onClick={(e) => select(v.id, e)}
                    onDoubleClick={() => browse(v)}
                    onHover={() => setHovered(v.id)}
                  />
                );
              })}
            </div>
            {lineage.hasOlder && (
              <div className="lineage-more">
                <button type="button" className="btn btn-small" onClick={lineage.loadOlder} disabled={lineage.loadingOlder} data-testid="lineage-older">
                  {lineage.loadingOlder ? 'Loading…' : `Load older versions (${formatCount((latest?.total ?? 0) - versions.length)} more)`}
                </button>
                {olderFailed && lineage.error && (
                  <span className="danger small" data-testid="lineage-older-error">
                    {lineage.error.message}
                  </span>
                )}
              </div>
            )}
            {hover && <HoverCard v={hover} row={layout.rowOf.get(hover.id) ?? 0} />}
          </div>
          <aside className="lineage-detail scroll" aria-label="Version">
            {shown ? (
              <VersionPanel
                v={shown}
                other={other}
                travelling={travelling}
                isHead={shown.id === latest?.head}
                defaultBranch={defaultBranch}
                branches={branchNames}
                onBrowse={browse}
                onBack={() => session.travel(null)}
                onDiff={(a, b) => session.navigate('diff', { kind: 'diff.versions', a, b })}
                onSelect={(id) => {
                  setSelected(id);
                  setCompare(null);
                  scrollToRow(id);
                }}
              />
            ) : (
              <div className="empty small dim">Select a version to see its details.</div>
            )}
          </aside>
        </div>
      )}
    </div>
  );
}

/** The policy in a few words: "every 10 commits · keep 5, 24 hourly, 7 daily". */
function describePolicy(p: SnapshotPolicyData): string {
  const every = [p.everyCommits ? `every ${p.everyCommits} commit${p.everyCommits === 1 ? '' : 's'}` : '', p.everySeconds ? `every ${p.everySeconds} s` : ''].filter(Boolean).join(' or ');
  const keep = [p.keepLast ? `${p.keepLast}` : '', p.hourly ? `${p.hourly} hourly` : '', p.daily ? `${p.daily} daily` : ''].filter(Boolean).join(', ');
  return `auto ${every} · keep ${keep}`;
}

function VersionRow({ v, lane, top, selected, compare, travelling, automatic, onClick, onDoubleClick, onHover }: { v: LineageVersion; lane: number; top: number; selected: boolean; compare: boolean; travelling: boolean; automatic: ReadonlySet<string>; onClick: (e: MouseEvent) => void; onDoubleClick: () => void; onHover: () => void }) {
  return (
    <div
      id={`version-${v.id}`}
      className={`lineage-row${selected ? ' selected' : ''}${compare ? ' compare' : ''}${travelling ? ' travelling' : ''}`}
      role="option"
      aria-selected={selected}
      data-version={v.id}
      data-testid="lineage-version"
      style={{ height: `${GEOMETRY.rowHeight}px`, transform: `translateY(${top}px)` }}
      onClick={onClick}
      onDoubleClick={onDoubleClick}
      onMouseEnter={onHover}
    >
      <span className="lineage-gutter" />
      <span className="lineage-id mono">#{v.id}</span>
      <span className="lineage-labels">
        {v.heads.map((b) => (
          <span key={`b-${b}`} className={`lineage-chip chip-branch lane-${lane % 8}`} title={`Head of branch ${b}`}>
            {b}
          </span>
        ))}
        {v.snapshots.map((s) =>
          automatic.has(s) ? (
            <span key={`s-${s}`} className="lineage-chip chip-snapshot chip-auto" title={`Automatic snapshot ${s} (taken by the store's policy; retention may remove it)`} data-testid="lineage-auto-snapshot">
              ◇ {s}
            </span>
          ) : (
            <span key={`s-${s}`} className="lineage-chip chip-snapshot" title={`Snapshot ${s}`} data-testid="lineage-snapshot">
              ◆ {s}
            </span>
          ),
        )}
        {travelling && <span className="lineage-chip chip-travel">browsing</span>}
      </span>
      <span className="lineage-message ellipsis" title={v.message}>
        {v.message || <span className="dim">(no message)</span>}
      </span>
      <span className="lineage-stats mono small">
        {v.stats.puts ? <span className="stat-put">+{formatCount(v.stats.puts)}</span> : null}
        {v.stats.deletes ? <span className="stat-del">−{formatCount(v.stats.deletes)}</span> : null}
        {v.stats.rangeDeletes ? <span className="stat-del" title="range deletes">−{formatCount(v.stats.rangeDeletes)} range</span> : null}
      </span>
      <span className="lineage-time mono small dim">{formatTime(v.time)}</span>
    </div>
  );
}

/** Message, time and stats of the version under the mouse, beside its row. */
function HoverCard({ v, row }: { v: LineageVersion; row: number }) {
  return (
    <div className="lineage-hover" style={{ top: `${(row + 1) * GEOMETRY.rowHeight + 4}px` }} role="tooltip" data-testid="lineage-hover">
      <div className="strong">
        #{v.id} · {v.branch}
      </div>
      <div>{v.message || <span className="dim">(no message)</span>}</div>
      <div className="dim small">{formatTime(v.time)}</div>
      <div className="small mono">
        {formatCount(v.stats.puts)} puts · {formatCount(v.stats.deletes)} deletes · {formatCount(v.stats.rangeDeletes)} range deletes · {formatBytes(v.stats.bytesWritten)} written
      </div>
    </div>
  );
}
