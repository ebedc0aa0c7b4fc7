/**
 * Details of the selected version: message, time, branch, parents, what the commit did, the
 * names pointing at it, and the actions — browse as of it, back to head, diff with a second
 * selected version — and, in edit mode, the writes (VersionActions).
 */
import type { LineageVersion } from '../../../../app/contract';
import { formatBytes, formatCount, formatOffset, formatTime } from '../../lib/format';
import { VersionActions } from './VersionActions';

/** The detail panel of the selected version (and the compared one, when there is one). */
export function VersionPanel({ v, other, travelling, isHead, defaultBranch, branches, onBrowse, onBack, onDiff, onSelect }: {
  v: LineageVersion;
  other: LineageVersion | undefined;
  travelling: number | null;
  isHead: boolean;
  defaultBranch: string;
  /** Every branch (a revert can land on any of them). */
  branches: readonly string[];
  onBrowse: (v: LineageVersion) => void;
  onBack: () => void;
  onDiff: (a: number, b: number) => void;
  onSelect: (id: number) => void;
}) {
  // Older on the left: a diff reads as "what happened from a to b".
  const pair = other ? (other.id < v.id ? [other, v] : [v, other]) : null;
  return (
    <div className="detail" data-testid="version-panel">
      <section className="detail-section">
        <div className="detail-head">
          <span className="detail-title">Version #{formatCount(v.id)}</span>
          {isHead && <span className="tag tag-ok">head</span>}
          {travelling === v.id && <span className="tag tag-warn">browsing</span>}
        </div>
        <div className="lineage-panel-message">{v.message || <span className="dim">(no message)</span>}</div>
        <div className="lineage-actions">
          {travelling === v.id ? (
            <button type="button" className="btn btn-small" onClick={onBack} data-testid="panel-back-to-head">
              Back to head
            </button>
          ) : (
            <button type="button" className="btn btn-small btn-primary" onClick={() => onBrowse(v)} data-testid="browse-version">
              Browse as of #{v.id}
            </button>
          )}
          {pair && (
            <button type="button" className="btn btn-small" onClick={() => onDiff(pair[0]!.id, pair[1]!.id)} data-testid="diff-these">
              Diff these (#{pair[0]!.id} → #{pair[1]!.id})
            </button>
          )}
        </div>
        {!pair && <div className="small dim">Shift-click another version to compare it with this one.</div>}
      </section>
      <VersionActions v={v} defaultBranch={defaultBranch} branches={branches} onDone={onSelect} />
      <section className="detail-section">
        <dl className="kv lineage-kv">
          <dt>Time</dt>
          <dd className="mono">{formatTime(v.time)}</dd>
          <dt>Branch</dt>
          <dd>{v.branch}</dd>
          <dt>Parents</dt>
          <dd>
            {v.parents.length === 0 ? (
              <span className="dim">none (the first version)</span>
            ) : (
              v.parents.map((p) => (
                <button key={p} type="button" className="btn btn-inline btn-ghost mono" onClick={() => onSelect(p)} title={`Select version #${p}`}>
                  #{p}
                </button>
              ))
            )}
          </dd>
          {v.heads.length > 0 && (
            <>
              <dt>Head of</dt>
              <dd>{v.heads.join(', ')}</dd>
            </>
          )}
          {v.snapshots.length > 0 && (
            <>
              <dt>Snapshots</dt>
              <dd>{v.snapshots.join(', ')}</dd>
            </>
          )}
          <dt>Puts</dt>
          <dd className="mono">{formatCount(v.stats.puts)}</dd>
          <dt>Deletes</dt>
          <dd className="mono">{formatCount(v.stats.deletes)}</dd>
          <dt>Range deletes</dt>
          <dd className="mono">{formatCount(v.stats.rangeDeletes)}</dd>
          <dt>Written</dt>
          <dd className="mono">{formatBytes(v.stats.bytesWritten)}</dd>
          <dt>Root</dt>
          <dd className="mono small">
            {v.root.kind} @ {formatOffset(v.root.offset)} · level {v.root.level}
          </dd>
        </dl>
      </section>
      {other && (
        <section className="detail-section">
          <div className="detail-title">Compared with #{formatCount(other.id)}</div>
          <div className="small">{other.message || <span className="dim">(no message)</span>}</div>
          <div className="small dim mono">{formatTime(other.time)} · {other.branch}</div>
        </section>
      )}
    </div>
  );
}
