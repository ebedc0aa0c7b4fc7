/**
 * The write actions of the Lineage detail panel: create a snapshot of the version, create a
 * branch from it, revert it, and — on a branch head — undo (move the head back). Each asks for
 * confirmation saying what will happen to history (nothing is deleted). Read-only stores show
 * the actions disabled with the reason: edit mode is switched on in Records. "Merge … into…" (on
 * a branch head) and "Cherry-pick onto…" open the Merge view with a preview, which works
 * read-only; the commit there needs edit mode.
 */
import { useState, type FormEvent } from 'react';
import type { LineageVersion } from '../../../../app/contract';
import { formatCount } from '../../lib/format';
import { useOpenStore, useSession } from '../../shell/session';
import { EditModal } from '../edit/RecordDialog';
import { RevertPreview, useRevertPreview } from '../edit/RevertPreview';
import { useLineageActions, type ActionResult, type LineageActions } from './useLineageActions';

/** Which confirmation is open. */
type Dialog = { readonly kind: 'snapshot' } | { readonly kind: 'branch' } | { readonly kind: 'revert' } | { readonly kind: 'undo'; readonly branch: string };

const BRANCH_NAME = /^[\w.\-/]{1,100}$/;

/** The actions section for version `v`; `onDone` selects the version a write leaves in view. */
export function VersionActions({ v, defaultBranch, branches, onDone }: { v: LineageVersion; defaultBranch: string; branches: readonly string[]; onDone: (select: number) => void }) {
  const store = useOpenStore();
  const session = useSession();
  const actions = useLineageActions(store.storeId);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const writable = !store.readOnly;
  const reason = writable
    ? null
    : store.readOnlyReason === 'locked'
      ? `Process ${store.writer?.pid ?? '?'} is writing this file; these actions come back when it stops.`
      : store.readOnlyReason === 'file-permissions'
        ? 'The file is not writable.'
        : 'Read-only: switch to Edit in Records to change the store.';
  const parent = v.parents[0];
  const open = (d: Dialog) => {
    actions.clear();
    setDialog(d);
  };
  const done = (r: ActionResult | null) => {
    if (!r) return;
    setDialog(null);
    onDone(r.select);
  };
  const title = (what: string) => reason ?? what;
  const revertOnto = revertBranch(v, branches, defaultBranch);

  return (
    <section className="detail-section lineage-write" data-testid="version-actions">
      <div className="lineage-actions">
        <button type="button" className="btn btn-small" disabled={!writable || actions.busy} title={title(`Name version #${v.id}`)} onClick={() => open({ kind: 'snapshot' })} data-testid="action-snapshot">
          Create snapshot…
        </button>
        <button type="button" className="btn btn-small" disabled={!writable || actions.busy} title={title(`Start a branch whose head is #${v.id}`)} onClick={() => open({ kind: 'branch' })} data-testid="action-branch">
          Create branch from here…
        </button>
        <button type="button" className="btn btn-small" disabled={!writable || actions.busy} title={title(`A new version on ${revertOnto} that undoes what #${v.id} changed`)} onClick={() => open({ kind: 'revert' })} data-testid="action-revert">
          Revert this version
        </button>
        {v.heads.map((b) => (
          <button
            key={`merge-${b}`}
            type="button"
            className="btn btn-small"
            disabled={branches.length < 2}
            title={branches.length < 2 ? 'There is no other branch to merge into' : `Preview merging ${b} into ${mergeTarget(b, branches, defaultBranch)} in the Merge view (nothing is written until you commit)`}
            onClick={() => session.navigate('merge', { kind: 'merge.branch', theirs: b, into: mergeTarget(b, branches, defaultBranch) })}
            data-testid="action-merge"
          >
            Merge {b} into…
          </button>
        ))}
        <button
          type="button"
          className="btn btn-small"
          disabled={parent === undefined}
          title={parent === undefined ? `#${v.id} has no parent: there is no change of its own to apply` : `Preview applying what #${v.id} changed onto ${mergeTarget(v.branch, branches, defaultBranch)} in the Merge view`}
          onClick={() => session.navigate('merge', { kind: 'merge.cherryPick', version: v.id, onto: mergeTarget(v.branch, branches, defaultBranch) })}
          data-testid="action-cherry-pick"
        >
          Cherry-pick onto…
        </button>
        {v.heads.map((b) => (
          <button
            key={b}
            type="button"
            className="btn btn-small"
            disabled={!writable || actions.busy || parent === undefined}
            title={parent === undefined ? `#${v.id} ${v.id <= 1 ? 'created the store' : 'has no parent: compaction dropped the versions before it'}; there is no earlier version` : title(`Move ${b}'s head back to #${parent}`)}
            onClick={() => open({ kind: 'undo', branch: b })}
            data-testid="action-undo"
          >
            Undo (move {v.heads.length > 1 ? `${b} ` : ''}head back)
          </button>
        ))}
      </div>
      {reason && (
        <div className="small dim lineage-readonly" data-testid="actions-readonly">
          {reason}
          {store.readOnlyReason !== 'locked' && store.readOnlyReason !== 'file-permissions' && (
            <>
              {' '}
              <button type="button" className="btn btn-small" onClick={() => session.navigate('records')} data-testid="actions-goto-records">
                Go to Records
              </button>
            </>
          )}
        </div>
      )}
      {actions.notice && !dialog && (
        <div className="success small lineage-notice" role="status" data-testid="action-notice">
          {actions.notice}
        </div>
      )}
      {actions.error && !dialog && <ErrorLine actions={actions} />}
      {dialog && <ActionDialog dialog={dialog} v={v} defaultBranch={defaultBranch} branches={branches} actions={actions} onClose={() => setDialog(null)} onDone={done} />}
    </section>
  );
}

/** The service's message in one line. */
function ErrorLine({ actions }: { actions: LineageActions }) {
  return (
    <div className="inline-error small lineage-error" role="alert" data-testid="action-error" title={actions.error?.code}>
      {actions.error?.message}
    </div>
  );
}

/** Where a merge of (or a cherry-pick from) branch `from` goes by default: the default branch, or for the default branch itself the first other one. */
export function mergeTarget(from: string, branches: readonly string[], defaultBranch: string): string {
  return from !== defaultBranch ? defaultBranch : (branches.find((b) => b !== defaultBranch) ?? defaultBranch);
}

/** Where a revert of `v` lands unless the person picks another branch: its own branch while that exists. */
export function revertBranch(v: LineageVersion, branches: readonly string[], defaultBranch: string): string {
  return branches.includes(v.branch) ? v.branch : defaultBranch;
}

function ActionDialog({ dialog, v, defaultBranch, branches, actions, onClose, onDone }: { dialog: Dialog; v: LineageVersion; defaultBranch: string; branches: readonly string[]; actions: LineageActions; onClose: () => void; onDone: (r: ActionResult | null) => void }) {
  const store = useOpenStore();
  const [name, setName] = useState('');
  const [onto, setOnto] = useState(() => revertBranch(v, branches, defaultBranch));
  // A revert is confirmed on its preview, and writes exactly what was previewed (its head).
  const preview = useRevertPreview(store.storeId, dialog.kind === 'revert' ? v.id : null, onto);
  const previewed = preview.data && preview.data.branch === onto && preview.data.conflicts === 0 && preview.data.keys > 0 ? preview.data : null;
  const [message, setMessage] = useState('');
  const quoted = <span className="dim">“{v.message || 'no message'}”</span>;
  const id = `#${formatCount(v.id)}`;
  const parent = v.parents[0];
  const nameOk = dialog.kind === 'branch' ? BRANCH_NAME.test(name.trim()) : name.trim().length > 0 && name.trim().length <= 200;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (dialog.kind === 'snapshot') onDone(nameOk ? await actions.snapshot(v.id, name.trim(), message.trim()) : null);
    else if (dialog.kind === 'branch') onDone(nameOk ? await actions.branch(v.id, name.trim()) : null);
    else if (dialog.kind === 'revert') onDone(previewed ? await actions.revert(v.id, onto, previewed.head) : null);
    else onDone(await actions.undo(dialog.branch, v.id));
  };

  const titles = { snapshot: `Create a snapshot of ${id}`, branch: `Create a branch from ${id}`, revert: `Revert ${id}`, undo: `Undo ${id} on ${dialog.kind === 'undo' ? dialog.branch : ''}` } as const;
  const submitText = { snapshot: 'Create snapshot', branch: 'Create branch', revert: `Revert ${id}`, undo: `Move head back to #${parent ?? '?'}` } as const;
  return (
    <EditModal title={titles[dialog.kind]} testId="lineage-action-dialog" onClose={onClose} busy={actions.busy}>
      <form className="modal-body" onSubmit={(e) => void submit(e)}>
        {dialog.kind === 'snapshot' && (
          <>
            <p className="small">
              Names version {id} {quoted}. Nothing is copied (one catalog entry), and compaction keeps a snapshot’s version.
            </p>
            <label className="field">
              <span className="field-label">Name</span>
              <input className="input mono" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} autoFocus spellCheck={false} data-testid="snapshot-name" />
            </label>
            <label className="field">
              <span className="field-label">Message (optional)</span>
              <input className="input" value={message} onChange={(e) => setMessage(e.target.value)} maxLength={10_000} data-testid="snapshot-message" />
            </label>
          </>
        )}
        {dialog.kind === 'branch' && (
          <>
            <p className="small">
              Starts a branch whose head is {id} {quoted}. {defaultBranch} does not move; commits to the new branch go beside it (Records › Review &amp; commit › new branch, or the API).
            </p>
            <label className="field">
              <span className="field-label">Branch name</span>
              <input className="input mono" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} autoFocus spellCheck={false} data-testid="branch-name" />
            </label>
            {name.trim() !== '' && !nameOk && <div className="field-error small">1 to 100 characters of letters, digits, _ . - /</div>}
          </>
        )}
        {dialog.kind === 'revert' && (
          <>
            <p data-testid="action-confirm">
              Makes <strong>a new version on {onto} that undoes {id}</strong> {quoted}: every key it changed goes back to what it held before. Nothing is deleted: {id} and every other version stay in the lineage. If a key it changed was changed again on {onto} since, nothing is written and the keys are named.
            </p>
            {branches.length > 1 && (
              <label className="field">
                <span className="field-label">On branch</span>
                <select className="input mono" value={onto} onChange={(e) => setOnto(e.target.value)} data-testid="revert-branch">
                  {branches.map((b) => (
                    <option key={b} value={b}>
                      {b}
                      {b === v.branch ? ' (where this version was committed)' : b === defaultBranch ? ' (default)' : ''}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <RevertPreview query={preview} />
          </>
        )}
        {dialog.kind === 'undo' && (
          <p data-testid="action-confirm">
            Moves <strong>{dialog.branch}</strong>’s head back from {id} {quoted} to its parent #{formatCount(parent ?? 0)}. No new version is made and nothing is deleted: {id} stays in the lineage, where you can browse it, branch from it or snapshot it until compaction.
          </p>
        )}
        {actions.error && <ErrorLine actions={actions} />}
        <div className="modal-foot">
          <button type="button" className="btn" onClick={onClose} disabled={actions.busy}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={actions.busy || ((dialog.kind === 'snapshot' || dialog.kind === 'branch') && !nameOk) || (dialog.kind === 'revert' && previewed === null)} data-testid="action-submit">
            {submitText[dialog.kind]}
          </button>
        </div>
      </form>
    </EditModal>
  );
}
