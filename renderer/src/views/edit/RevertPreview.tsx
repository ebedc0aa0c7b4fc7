/**
 * What a revert will write, shown before it is confirmed (`versions.revertPreview`): how many
 * keys it adds, changes and removes, the first rows with their value now → after, and the
 * conflicts that would make it refuse. The revert then passes the previewed `head`, so a commit
 * landing in between fails instead of writing something nobody saw.
 */
import type { RevertPreview as RevertPreviewData, RevertPreviewRow, ValueView } from '../../../../app/contract';
import { useCall } from '../../api/hooks';
import { ErrorPanel } from '../../components/ErrorPanel';
import { KeyText } from '../../components/KeyText';
import { Spinner } from '../../components/Progress';
import { formatCount } from '../../lib/format';
import { previewLine } from '../../lib/jsonTree';

/** The preview query for a revert of `version` on `branch`; `data` is what the dialog confirms. */
export function useRevertPreview(storeId: string, version: number | null, branch?: string) {
  return useCall('versions.revertPreview', version === null ? null : { storeId, version, ...(branch !== undefined ? { branch } : {}) }, { staleTime: 0 });
}

function valueText(v: ValueView | null): string {
  if (v === null) return '∅';
  if (!v.loaded) return `(${formatCount(v.length)} bytes, not loaded)`;
  return v.decoded ? previewLine(v.json, 80) : `0x${v.hex.slice(0, 40)}${v.hexTruncated || v.hex.length > 40 ? '…' : ''}`;
}

const VERB: Record<RevertPreviewRow['type'], string> = { added: 'restore', removed: 'delete', changed: 'change' };

/** The counts, conflicts and first rows of a revert, or its loading state and error. */
export function RevertPreview({ query }: { query: ReturnType<typeof useRevertPreview> }) {
  if (query.error) return <ErrorPanel error={query.error} compact />;
  const p: RevertPreviewData | undefined = query.data;
  if (!p) return <Spinner label="Working out what the revert would change…" />;
  const { added, changed, removed } = p.counts;
  const parts = [removed && `${formatCount(removed)} deleted`, changed && `${formatCount(changed)} changed back`, added && `${formatCount(added)} restored`].filter(Boolean);
  return (
    <div className="revert-preview" data-testid="revert-preview">
      <div className={`revert-counts${removed > 0 ? ' revert-deletes' : ''}`} data-testid="revert-counts">
        Reverting #{formatCount(p.version)} on {p.branch} writes <strong>{formatCount(p.keys)} record{p.keys === 1 ? '' : 's'}</strong>
        {parts.length > 0 && <>: {parts.join(', ')}</>}.
      </div>
      {p.conflicts > 0 && (
        <div className="inline-error small" role="alert" data-testid="revert-conflicts">
          {formatCount(p.conflicts)} key{p.conflicts === 1 ? ' it changed holds' : 's it changed hold'} other values on {p.branch} now, so it cannot be reverted there:{' '}
          {p.conflictKeys.map((k, i) => (
            <span key={k.hex}>
              {i > 0 && ', '}
              <KeyText k={k} />
            </span>
          ))}
          {p.conflicts > p.conflictKeys.length && ', …'}
        </div>
      )}
      {p.rows.length > 0 && (
        <div className="revert-rows" role="table" aria-label="Changes the revert makes">
          {p.rows.map((r) => (
            <div key={r.key.hex} className={`revert-row revert-${r.type}`} role="row">
              <span className="revert-op" role="cell">{VERB[r.type]}</span>
              <span className="revert-key" role="cell"><KeyText k={r.key} /></span>
              <span className="revert-values mono small" role="cell">
                {r.type !== 'added' && <span className="revert-before">{valueText(r.before)}</span>}
                {r.type === 'changed' && <span className="dim"> → </span>}
                {r.type !== 'removed' && <span className="revert-after">{valueText(r.after)}</span>}
              </span>
            </div>
          ))}
          {p.keys > p.rows.length && <div className="dim small revert-more">…and {formatCount(p.keys - p.rows.length)} more</div>}
        </div>
      )}
    </div>
  );
}
