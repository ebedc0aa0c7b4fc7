/**
 * Editing in the Records view: the "Read-only · Edit" switch, the edit toolbar (insert, edit,
 * rename, delete, delete range, import, stage, review & commit, discard, undo, revert), the
 * stage panel and the dialogs. Keyboard (in edit mode): Enter edits the selected row, Delete
 * stages its delete (or the marked rows'), Ctrl/Cmd+S opens Review, Esc closes a dialog.
 */
import { useCallback, useEffect, useState } from 'react';
import type { RecordRow } from '../../../../app/contract';
import { ErrorPanel } from '../../components/ErrorPanel';
import { IconLock } from '../../components/Icons';
import { formatCount } from '../../lib/format';
import { ImportDialog } from './ImportDialog';
import { RangeDialog, type RangeText } from './RangeDialog';
import { RecordDialog, type RecordDialogKind } from './RecordDialog';
import { ReviewDialog } from './ReviewDialog';
import { StagePanel } from './StagePanel';
import { useEdit, type EditApi } from './useEdit';
import { VersionDialog } from './VersionDialog';
import './edit.css';

/** Which dialog is open. */
export type EditDialog = RecordDialogKind | { readonly kind: 'range' } | { readonly kind: 'import' } | { readonly kind: 'review' } | { readonly kind: 'revert' } | { readonly kind: 'undo' };

/** Edit state plus the open dialog: what the Records view and its list need. */
export interface EditController extends EditApi {
  readonly dialog: EditDialog | null;
  show(dialog: EditDialog | null): void;
  readonly panel: boolean;
  setPanel(open: boolean): void;
  /** Enter / Delete on the list: true when edit mode handled the key. */
  onListKey(key: string, row: RecordRow | undefined, marked: readonly RecordRow[]): boolean;
  /** Stages deletes of the marked rows, else of `row`. */
  deleteRows(row: RecordRow | undefined, marked: readonly RecordRow[]): void;
}

/** The edit controller of the Records view of one store. */
export function useEditController(storeId: string): EditController {
  const edit = useEdit(storeId);
  const [dialog, setDialog] = useState<EditDialog | null>(null);
  const [panel, setPanel] = useState(true);
  const { editing, stage } = edit;

  const deleteRows = useCallback(
    (row: RecordRow | undefined, marked: readonly RecordRow[]) => {
      const rows = marked.length > 0 ? marked : row ? [row] : [];
      if (rows.length === 0) return;
      void stage(rows.length === 1 ? { op: 'delete', key: { hex: rows[0]!.key.hex } } : { op: 'deleteKeys', keys: rows.map((r) => ({ hex: r.key.hex })) });
    },
    [stage],
  );

  // Ctrl/Cmd+S: review and commit (the browser's "save page" is never what is meant here).
  useEffect(() => {
    if (!editing) return;
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
        e.preventDefault();
        edit.clearMessages();
        setDialog({ kind: 'review' });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [editing]);

  const onListKey = (key: string, row: RecordRow | undefined, marked: readonly RecordRow[]): boolean => {
    if (!editing || dialog) return false;
    if (key === 'Enter' && row) {
      show({ kind: 'edit', row });
      return true;
    }
    if (key === 'Delete' || key === 'Backspace') {
      deleteRows(row, marked);
      return true;
    }
    return false;
  };

  const show = (d: EditDialog | null): void => {
    // A dialog starts clean; closing one keeps what it reported ("Committed …").
    if (d) edit.clearMessages();
    setDialog(d);
  };
  return { ...edit, dialog, show, panel, setPanel, onListKey, deleteRows };
}

/** The switch: Read-only · Edit (disabled with the reason when another process writes). */
export function EditSwitch({ edit, travelling = false }: { edit: EditController; travelling?: boolean }) {
  const { editing, busy } = edit;
  // Edits apply to the head: while the views show an older version, they would mislead.
  const blocked = edit.blocked ?? (travelling && !editing ? 'Browsing an older version: go back to the head to edit' : null);
  const staged = edit.state?.changes.length ?? 0;
  return (
    <div className="segmented segmented-small edit-switch" role="radiogroup" aria-label="Mode">
      <button type="button" role="radio" aria-checked={!editing} className={editing ? '' : 'on'} disabled={busy} title={staged > 0 ? 'Back to read-only (the stage is kept)' : 'Read-only: nothing can change the file'} onClick={() => editing && void edit.end()} data-testid="mode-read">
        <IconLock size={11} /> Read-only
      </button>
      <button type="button" role="radio" aria-checked={editing} className={editing ? 'on on-edit' : ''} disabled={busy || Boolean(blocked)} title={blocked ?? 'Edit: stage changes, review them, commit them as a new version'} onClick={() => !editing && void edit.begin()} data-testid="mode-edit">
        Edit
      </button>
    </div>
  );
}

/** The edit toolbar row, messages, the stage panel and the dialogs. */
export function EditBar({ edit, row, marked, rangeText, onCommitted }: { edit: EditController; row: RecordRow | undefined; marked: readonly RecordRow[]; rangeText: RangeText; onCommitted?: () => void }) {
  const state = edit.state;
  const staged = state?.changes.length ?? 0;
  const { notice } = edit;
  useEffect(() => {
    if (notice?.startsWith('Committed')) onCommitted?.();
  }, [notice, onCommitted]);

  return (
    <>
      {edit.blocked && !edit.editing && (
        <div className="notice small edit-blocked" data-testid="edit-blocked">
          <IconLock size={12} /> {edit.blocked}
        </div>
      )}
      {edit.editing && (
        <div className="toolbar edit-toolbar" role="toolbar" aria-label="Edit records" data-testid="edit-toolbar">
          <button type="button" className="btn btn-small" onClick={() => edit.show({ kind: 'insert' })} data-testid="edit-insert" title="Insert a record">
            + Insert
          </button>
          <button type="button" className="btn btn-small" disabled={!row} onClick={() => row && edit.show({ kind: 'edit', row })} data-testid="edit-value" title="Edit the selected record’s value (Enter)">
            Edit value <kbd>↵</kbd>
          </button>
          <button type="button" className="btn btn-small" disabled={!row} onClick={() => row && edit.show({ kind: 'rename', row })} data-testid="edit-rename" title="Rename the selected record’s key">
            Rename
          </button>
          <button type="button" className="btn btn-small" disabled={!row && marked.length === 0} onClick={() => edit.deleteRows(row, marked)} data-testid="edit-delete" title="Stage a delete of the marked rows, or the selected one (Delete)">
            Delete{marked.length > 1 ? ` ${formatCount(marked.length)}` : ''} <kbd>Del</kbd>
          </button>
          <button type="button" className="btn btn-small" onClick={() => edit.show({ kind: 'range' })} data-testid="edit-range" title="Stage a delete of every record in a range">
            Delete range…
          </button>
          <button type="button" className="btn btn-small" onClick={() => edit.show({ kind: 'import' })} data-testid="edit-import" title="Stage the records of a JSONL or CSV file">
            Import…
          </button>
          <span className="toolbar-sep" />
          <button type="button" className={`btn btn-small${edit.panel ? ' btn-on' : ''}`} aria-pressed={edit.panel} onClick={() => edit.setPanel(!edit.panel)} data-testid="edit-stage-toggle" title="Show the staged changes">
            Stage <span className="count-pill" data-testid="stage-count">{formatCount(staged)}</span>
          </button>
          <button type="button" className="btn btn-small btn-primary" disabled={staged === 0} onClick={() => edit.show({ kind: 'review' })} data-testid="edit-review" title="Review the staged changes and commit them (Ctrl/Cmd+S)">
            Review &amp; commit <kbd>⌃S</kbd>
          </button>
          <button type="button" className="btn btn-small btn-ghost" disabled={staged === 0 || edit.busy} onClick={() => void edit.discard()} data-testid="edit-discard" title="Drop every staged change">
            Discard
          </button>
          <span className="grow" />
          <button type="button" className="btn btn-small btn-ghost" onClick={() => edit.show({ kind: 'undo' })} data-testid="edit-undo" title="Move the branch head back one commit (the version stays in the lineage)">
            Undo last commit
          </button>
          <button type="button" className="btn btn-small btn-ghost" onClick={() => edit.show({ kind: 'revert' })} data-testid="edit-revert" title="Make a new version that undoes a version’s changes">
            Revert…
          </button>
        </div>
      )}
      {edit.notice && !edit.dialog && (
        <div className="success small edit-message" role="status" data-testid="edit-notice">
          {edit.notice}
          <button type="button" className="btn btn-ghost btn-tiny" onClick={edit.clearMessages} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
      {edit.error && !edit.dialog && (
        <div className="edit-message">
          <ErrorPanel error={edit.error} compact actions={<button type="button" className="btn btn-small" onClick={edit.clearMessages}>Dismiss</button>} />
        </div>
      )}
      {edit.editing && edit.panel && <StagePanel edit={edit} />}
      <EditDialogs edit={edit} rangeText={rangeText} />
    </>
  );
}

function EditDialogs({ edit, rangeText }: { edit: EditController; rangeText: RangeText }) {
  const d = edit.dialog;
  if (!d) return null;
  const close = () => edit.show(null);
  switch (d.kind) {
    case 'insert':
    case 'edit':
    case 'rename':
      return <RecordDialog edit={edit} dialog={d} onClose={close} />;
    case 'range':
      return <RangeDialog edit={edit} initial={rangeText} onClose={close} />;
    case 'import':
      return <ImportDialog edit={edit} onClose={close} />;
    case 'review':
      return <ReviewDialog edit={edit} onClose={close} />;
    case 'revert':
    case 'undo':
      return <VersionDialog edit={edit} kind={d.kind} onClose={close} />;
  }
}
