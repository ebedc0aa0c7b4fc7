/**
 * The stage panel: every staged change, oldest first, each with a button that drops it, and
 * the net counts. Staged additions are listed too (they are not in the store's list yet).
 */
import { IconX } from '../../components/Icons';
import { KeyText } from '../../components/KeyText';
import { formatCount, formatTime } from '../../lib/format';
import type { EditApi } from './useEdit';

/** The list of staged changes with their drop buttons. */
export function StagePanel({ edit }: { edit: EditApi }) {
  const state = edit.state;
  if (!state || state.changes.length === 0) {
    return (
      <div className="stage-panel stage-empty dim small" data-testid="stage-panel">
        Nothing staged. Insert, edit (Enter), rename or delete (Delete) records; they are written only when you commit.
      </div>
    );
  }
  const { added, changed, removed } = state.counts;
  return (
    <div className="stage-panel" data-testid="stage-panel" aria-label="Staged changes">
      <div className="stage-head small">
        <strong>{formatCount(state.changes.length)} staged change{state.changes.length === 1 ? '' : 's'}</strong>
        <span className="tag tag-added">+{formatCount(added)}</span>
        <span className="tag tag-changed">~{formatCount(changed)}</span>
        <span className="tag tag-removed">−{formatCount(removed)}</span>
        <span className="dim">against version #{state.baseVersion}</span>
      </div>
      <ul className="stage-list">
        {state.changes.map((c) => (
          <li key={c.id} className="stage-item" data-testid="stage-item">
            <span className={`tag tag-kind tag-${c.kind}`}>{c.kind}</span>
            <span className="mono ellipsis grow" title={c.summary}>
              {c.summary}
            </span>
            <span className="dim small">{formatTime(c.time)}</span>
            <button type="button" className="btn btn-ghost btn-icon btn-tiny" title="Drop this change from the stage" aria-label={`Drop ${c.summary}`} onClick={() => void edit.unstage(c.id)} data-testid="stage-drop">
              <IconX size={12} />
            </button>
          </li>
        ))}
      </ul>
      {edit.added.length > 0 && (
        <div className="stage-added small">
          <span className="dim">New keys (not in the list until committed):</span>
          {edit.added.slice(0, 12).map((r) => (
            <span key={r.key.hex} className="stage-added-key mono" data-testid="stage-added-key">
              <span className="tag tag-added">added</span>
              <KeyText k={r.key} />
            </span>
          ))}
          {edit.added.length > 12 && <span className="dim">and {formatCount(edit.added.length - 12)} more (see Review)</span>}
        </div>
      )}
    </div>
  );
}
