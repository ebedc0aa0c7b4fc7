/** Progress of a job, with cancel. `total` -1 means unknown: an indeterminate bar and a count. */
import type { JobProgress } from '../api/hooks';
import { formatCount, formatPercent } from '../lib/format';

export function ProgressBar({ progress, label, unit = 'items', onCancel }: { progress: JobProgress | null; label: string; unit?: string; onCancel?: () => void }) {
  const known = progress !== null && progress.total > 0;
  const fraction = known ? Math.min(1, progress.done / progress.total) : 0;
  return (
    <div className="progress" role="status" aria-live="polite" data-testid="progress">
      <div className="progress-head">
        <span className="progress-label">{label}</span>
        <span className="progress-count mono">
          {progress === null
            ? 'starting…'
            : known
              ? `${formatCount(progress.done)} / ${formatCount(progress.total)} ${unit} · ${formatPercent(fraction, 0)}`
              : `${formatCount(progress.done)} ${unit}`}
          {progress?.phase ? ` · ${progress.phase}` : ''}
        </span>
        {onCancel && (
          <button type="button" className="btn btn-small" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      <div className={`progress-track${known ? '' : ' indeterminate'}`}>
        <div className="progress-value" style={known ? { width: `${fraction * 100}%` } : undefined} />
      </div>
    </div>
  );
}

export function Spinner({ label }: { label?: string }) {
  return (
    <span className="spinner-wrap" role="status">
      <span className="spinner" aria-hidden="true" />
      {label && <span className="spinner-label">{label}</span>}
    </span>
  );
}
