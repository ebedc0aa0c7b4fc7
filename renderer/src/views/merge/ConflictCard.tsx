/**
 * One conflict of a merge: the key and the field (or the whole value), its value at the merge
 * base, on the target branch (ours) and on the merged side (theirs), and the ways to settle it:
 * ours, theirs, an edited value (JSON text, numbers exact), or deleting it where a side deleted it.
 */
import { memo, useState } from 'react';
import type { MergeConflictData, ValueView } from '../../../../app/contract';
import { KeyText } from '../../components/KeyText';
import { previewLine } from '../../lib/jsonTree';
import { editStart, parseEdited, pathText, type Resolution } from './conflicts';

const KIND: Readonly<Record<MergeConflictData['kind'], string>> = {
  'both-modified': 'changed on both sides',
  'modify-delete': 'changed here, deleted there',
  'delete-modify': 'deleted here, changed there',
  'both-added': 'added on both sides',
  'range-delete-write': 'written here inside a range deleted there',
  'write-range-delete': 'deleted here by a range, written there',
};

function text(v: ValueView | null): string {
  if (!v) return '(absent)';
  if (!v.decoded) return `0x${v.hex}${v.hexTruncated ? '…' : ''}`;
  return previewLine(v.json, 400);
}

/** What a resolution says, in a few words. */
export function resolutionText(r: Resolution): string {
  if ('take' in r) return r.take === 'ours' ? 'ours' : 'theirs';
  if ('delete' in r) return 'deleted';
  return 'edited value';
}

/** Props of {@link ConflictCard}. */
export interface ConflictCardProps {
  readonly conflict: MergeConflictData;
  readonly index: number;
  readonly resolution: Resolution | undefined;
  readonly selected: boolean;
  /** Names of the two sides (`main`, `exp`, `#12`). */
  readonly oursName: string;
  readonly theirsName: string;
  readonly onSelect: (id: string) => void;
  readonly onResolve: (id: string, r: Resolution | null) => void;
}

/** A conflict with its three values and its resolution buttons. */
export const ConflictCard = memo(function ConflictCard({ conflict: c, index, resolution, selected, oursName, theirsName, onSelect, onResolve }: ConflictCardProps) {
  const [editing, setEditing] = useState<string | null>(null);
  const parsed = editing === null ? null : parseEdited(editing);
  const path = pathText(c.path);
  const deletable = c.ours === null || c.theirs === null;
  const take = resolution && 'take' in resolution ? resolution.take : null;
  const editable = [c.ours, c.theirs, c.base].every((v) => !v || (v.decoded && !v.jsonTruncated));
  return (
    <div
      className={`merge-conflict${selected ? ' selected' : ''}${resolution ? ' resolved' : ''}`}
      data-testid="merge-conflict"
      data-id={c.id}
      data-resolved={resolution ? resolutionText(resolution) : undefined}
      aria-current={selected ? 'true' : undefined}
      onClick={() => onSelect(c.id)}
    >
      <div className="merge-conflict-head">
        <span className="merge-conflict-n mono dim">{index + 1}</span>
        <span className="merge-conflict-key ellipsis">
          <KeyText k={c.key} />
        </span>
        <span className="merge-conflict-path mono" title="Field path inside the value">
          {path === '' ? '(whole value)' : path}
        </span>
        <span className="small dim">{KIND[c.kind]}</span>
        <span className="grow" />
        {resolution ? (
          <span className="tag tag-ok" data-testid="conflict-resolution">
            {resolutionText(resolution)}
          </span>
        ) : (
          <span className="tag tag-warn">unresolved</span>
        )}
      </div>
      <div className="merge-sides">
        <div className="merge-side merge-side-base">
          <span className="merge-side-label">base</span>
          <span className="mono ellipsis" title={text(c.base)}>{text(c.base)}</span>
        </div>
        <div className={`merge-side merge-side-ours${take === 'ours' ? ' chosen' : ''}`}>
          <span className="merge-side-label">ours · {oursName}</span>
          <span className="mono ellipsis" title={text(c.ours)} data-testid="conflict-ours">{text(c.ours)}</span>
        </div>
        <div className={`merge-side merge-side-theirs${take === 'theirs' ? ' chosen' : ''}`}>
          <span className="merge-side-label">theirs · {theirsName}</span>
          <span className="mono ellipsis" title={text(c.theirs)} data-testid="conflict-theirs">{text(c.theirs)}</span>
        </div>
      </div>
      {resolution && 'edited' in resolution && editing === null && (
        <div className="merge-side merge-side-edited chosen">
          <span className="merge-side-label">edited</span>
          <span className="mono ellipsis" data-testid="conflict-edited">{resolution.text.replace(/\s+/g, ' ')}</span>
        </div>
      )}
      {editing !== null ? (
        <div className="merge-edit" onClick={(e) => e.stopPropagation()}>
          <textarea
            className="input mono merge-edit-text"
            value={editing}
            onChange={(e) => setEditing(e.target.value)}
            rows={Math.min(10, Math.max(2, editing.split('\n').length))}
            spellCheck={false}
            autoFocus
            aria-label={`Value for ${path || 'the whole record'}`}
            data-testid="conflict-edit-text"
          />
          {parsed && !parsed.ok && <div className="field-error small" data-testid="conflict-edit-error">{parsed.error}</div>}
          <div className="merge-actions">
            <button type="button" className="btn btn-small btn-primary" disabled={!parsed?.ok} onClick={() => {
              if (parsed?.ok) {
                onResolve(c.id, parsed.value);
                setEditing(null);
              }
            }} data-testid="conflict-edit-use">
              Use this value
            </button>
            <button type="button" className="btn btn-small" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div className="merge-actions" onClick={(e) => e.stopPropagation()}>
          <button type="button" className={`btn btn-small${take === 'ours' ? ' btn-primary' : ''}`} onClick={() => onResolve(c.id, { take: 'ours' })} title={`Keep ${oursName}'s ${c.ours === null ? 'deletion' : 'value'} (o)`} data-testid="conflict-ours-btn">
            Ours
          </button>
          <button type="button" className={`btn btn-small${take === 'theirs' ? ' btn-primary' : ''}`} onClick={() => onResolve(c.id, { take: 'theirs' })} title={`Take ${theirsName}'s ${c.theirs === null ? 'deletion' : 'value'} (t)`} data-testid="conflict-theirs-btn">
            Theirs
          </button>
          <button type="button" className="btn btn-small" disabled={!editable} onClick={() => setEditing(editStart(c, resolution))} title={editable ? 'Type the value to keep (JSON; numbers are kept exactly)' : 'Too large to edit here; take a side'} data-testid="conflict-edit">
            Edit value…
          </button>
          {deletable && (
            <button type="button" className="btn btn-small" onClick={() => onResolve(c.id, { delete: true })} data-testid="conflict-delete">
              Delete {c.path.length > 0 ? 'field' : 'record'}
            </button>
          )}
          {resolution && (
            <button type="button" className="btn btn-small btn-ghost" onClick={() => onResolve(c.id, null)} data-testid="conflict-clear">
              Clear
            </button>
          )}
        </div>
      )}
    </div>
  );
});
