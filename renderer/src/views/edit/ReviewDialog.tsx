/**
 * Review & commit: the staged changes side by side (before at the stage's base version | after
 * the stage), with the Diff view's DiffRows, then a message and a branch — the current one, or
 * a new branch started at the base (the way out when someone else's commit conflicts) — and,
 * optionally, a snapshot name the new version is saved as (in the same commit: free).
 */
import { useMemo, useState, type FormEvent } from 'react';
import type { ResponseOf } from '../../../../app/contract';
import { useInfiniteCall } from '../../api/hooks';
import { Segmented } from '../../components/Empty';
import { ErrorPanel } from '../../components/ErrorPanel';
import { formatCount } from '../../lib/format';
import { useOpenStore } from '../../shell/session';
import { DiffRows } from '../diff/DiffRows';
import { EditModal } from './RecordDialog';
import type { EditApi } from './useEdit';

/** The review & commit dialog: staged diff side by side, message, branch. */
export function ReviewDialog({ edit, onClose }: { edit: EditApi; onClose: () => void }) {
  const store = useOpenStore();
  const pages = useInfiniteCall('edit.list', { storeId: edit.storeId, limit: 200 }, 'after', (p: ResponseOf<'edit.list'>) => p.nextAfter);
  const rows = useMemo(() => pages.data?.pages.flatMap((p) => p.rows) ?? [], [pages.data]);
  const [message, setMessage] = useState('');
  const [target, setTarget] = useState<'current' | 'new'>('current');
  const [branch, setBranch] = useState('');
  const [saveAs, setSaveAs] = useState(false);
  const [snapshot, setSnapshot] = useState('');
  const state = edit.state;
  const counts = state?.counts ?? { added: 0, changed: 0, removed: 0 };
  const total = counts.added + counts.changed + counts.removed;
  const branchOk = target === 'current' || /^[\w.\-/]{1,100}$/.test(branch);
  const snapshotOk = !saveAs || (snapshot.trim().length > 0 && snapshot.trim().length <= 200);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const text = message.trim() || `Edit ${total} record${total === 1 ? '' : 's'}`;
    const named = saveAs ? { snapshot: snapshot.trim() } : {};
    const ok = await edit.commit(target === 'new' ? { message: text, newBranch: branch, ...named } : { message: text, ...named });
    if (ok) onClose();
  };

  return (
    <EditModal title="Review and commit" testId="review-dialog" onClose={onClose} busy={edit.busy} wide>
      <form className="modal-body review-body" onSubmit={(e) => void submit(e)}>
        <div className="review-counts small" data-testid="review-counts">
          <span className="tag tag-added">+{formatCount(counts.added)} added</span>
          <span className="tag tag-changed">~{formatCount(counts.changed)} changed</span>
          <span className="tag tag-removed">−{formatCount(counts.removed)} removed</span>
          <span className="dim">
            before: version #{state?.baseVersion ?? store.info.head.id} · after: the stage · one commit, one new version
          </span>
        </div>
        <div className="review-rows">
          <DiffRows
            rows={rows}
            mode="split"
            showUnchanged={false}
            labels={{ before: `Before (#${state?.baseVersion ?? store.info.head.id})`, after: 'After (staged)' }}
            hasMore={pages.hasNextPage ?? false}
            fetchMore={() => void pages.fetchNextPage()}
            fetchingMore={pages.isFetchingNextPage}
            moreError={pages.error && rows.length > 0 ? pages.error.message : null}
            empty={<div className="empty small dim">{pages.isLoading ? 'Loading…' : 'The stage changes nothing (every staged write equals what is stored).'}</div>}
            testId="review-rows"
          />
        </div>
        <label className="field">
          <span className="field-label">Message</span>
          <input className="input" value={message} onChange={(e) => setMessage(e.target.value)} placeholder={`Edit ${total} record${total === 1 ? '' : 's'}`} maxLength={10_000} data-testid="commit-message" autoFocus />
        </label>
        <div className="input-row">
          <Segmented
            label="Commit to"
            size="small"
            value={target}
            onChange={setTarget}
            options={[
              { value: 'current', label: `Branch ${store.info.branch}`, title: 'Commit on the branch you are viewing' },
              { value: 'new', label: 'New branch…', title: 'Start a new branch at the stage’s base version and commit there' },
            ]}
          />
          {target === 'new' && <input className="input input-small mono" value={branch} onChange={(e) => setBranch(e.target.value)} placeholder="branch-name" aria-label="New branch name" data-testid="commit-branch" />}
        </div>
        <div className="input-row">
          <label className="check small" title="Name the new version as a snapshot. It rides in the commit itself: no extra write, no extra flush.">
            <input type="checkbox" checked={saveAs} onChange={(e) => setSaveAs(e.target.checked)} data-testid="commit-save-snapshot" /> Save as snapshot
          </label>
          {saveAs && <input className="input input-small mono" value={snapshot} onChange={(e) => setSnapshot(e.target.value)} placeholder="snapshot-name" aria-label="Snapshot name" maxLength={200} autoFocus spellCheck={false} data-testid="commit-snapshot-name" />}
        </div>
        {edit.error && <ErrorPanel error={edit.error} compact />}
        <div className="modal-foot">
          <button type="button" className="btn btn-ghost" onClick={() => void edit.discard().then((ok) => ok && onClose())} disabled={edit.busy} data-testid="review-discard">
            Discard all
          </button>
          <span className="grow" />
          <button type="button" className="btn" onClick={onClose} disabled={edit.busy}>
            Keep editing
          </button>
          <button type="submit" className="btn btn-primary" disabled={edit.busy || !state || state.changes.length === 0 || !branchOk || !snapshotOk} data-testid="commit-submit">
            Commit
          </button>
        </div>
      </form>
    </EditModal>
  );
}
