/**
 * Revert a version (a new version that undoes its changes) or undo the last commit (move the
 * branch head back to its parent). Both say what happens to history: nothing is deleted.
 */
import { useState, type FormEvent } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { formatCount } from '../../lib/format';
import { useOpenStore } from '../../shell/session';
import { EditModal } from './RecordDialog';
import { RevertPreview, useRevertPreview } from './RevertPreview';
import type { EditApi } from './useEdit';

/** Confirms an undo of the last commit, or asks which version to revert. */
export function VersionDialog({ edit, kind, onClose }: { edit: EditApi; kind: 'revert' | 'undo'; onClose: () => void }) {
  const { info } = useOpenStore();
  const head = info.head;
  const [version, setVersion] = useState(String(head.id));
  const id = Number(version);
  const valid = Number.isInteger(id) && id > 0;
  // Nothing is reverted unseen: the preview must have loaded, and the revert writes exactly it.
  const preview = useRevertPreview(edit.storeId, kind === 'revert' && valid ? id : null);
  const previewed = preview.data && preview.data.version === id && preview.data.conflicts === 0 && preview.data.keys > 0 ? preview.data : null;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = kind === 'undo' ? await edit.undo(head.id) : previewed !== null && (await edit.revert(id, previewed.head));
    if (ok) onClose();
  };
  const parent = head.parents[0];
  return (
    <EditModal title={kind === 'undo' ? 'Undo the last commit' : 'Revert a version'} testId="version-dialog" onClose={onClose} busy={edit.busy}>
      <form className="modal-body" onSubmit={(e) => void submit(e)}>
        {kind === 'undo' ? (
          parent === undefined ? (
            <p>#{head.id} {head.id <= 1 ? 'created the store' : 'has no parent: compaction dropped the versions before it'}; there is no earlier version to go back to.</p>
          ) : (
            <p>
              Moves <strong>{info.branch}</strong> back from #{formatCount(head.id)} <span className="dim">“{head.message || 'no message'}”</span> to its parent #{formatCount(parent)}. Version #{head.id} is not deleted: it stays in the lineage and can be browsed or restored until compaction.
            </p>
          )
        ) : (
          <>
            <p className="small">Makes a new version on {info.branch} that undoes what the version changed. Keys changed again since then are reported as conflicts and nothing is written.</p>
            <label className="field">
              <span className="field-label">Version to revert</span>
              <input className="input mono" value={version} onChange={(e) => setVersion(e.target.value.replace(/^#/, ''))} inputMode="numeric" data-testid="revert-version" autoFocus />
            </label>
            {valid && <RevertPreview query={preview} />}
          </>
        )}
        {edit.error && <ErrorPanel error={edit.error} compact />}
        <div className="modal-foot">
          <button type="button" className="btn" onClick={onClose} disabled={edit.busy}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={edit.busy || (kind === 'undo' ? parent === undefined : previewed === null)} data-testid="version-submit">
            {kind === 'undo' ? `Undo #${head.id}` : previewed ? `Revert #${id}: write ${formatCount(previewed.keys)} record${previewed.keys === 1 ? '' : 's'}` : `Revert #${valid ? id : '…'}`}
          </button>
        </div>
      </form>
    </EditModal>
  );
}
