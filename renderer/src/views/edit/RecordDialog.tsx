/**
 * The record dialog: insert a record (key builder + value editor), edit a record's value in
 * place (key fixed, value prefilled from `records.value`), or rename a key. Staging only:
 * nothing is written until the stage is committed.
 */
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { KeyInput, RecordRow } from '../../../../app/contract';
import { useCall, useTransport } from '../../api/hooks';
import { ApiError } from '../../api/transport';
import { ErrorPanel } from '../../components/ErrorPanel';
import { IconX } from '../../components/Icons';
import { KeyText } from '../../components/KeyText';
import { Spinner } from '../../components/Progress';
import { EMPTY_KEY, KeyBuilder, type KeyDraft } from './KeyBuilder';
import { elementsOf, type Built } from './keyBuilder';
import type { EditApi } from './useEdit';
import { ValueEditor, type ValueChoice, type ValueDraft } from './ValueEditor';

/** Which dialog: a new record, a value edit, or a rename. */
export type RecordDialogKind = { readonly kind: 'insert' } | { readonly kind: 'edit'; readonly row: RecordRow } | { readonly kind: 'rename'; readonly row: RecordRow };

function draftOf(row: RecordRow): KeyDraft {
  const elements = elementsOf(row.key);
  return elements ? { mode: 'tuple', elements, hex: '' } : { mode: 'hex', elements: EMPTY_KEY.elements, hex: row.key.hex };
}

/** A modal shell shared by the edit dialogs: Esc closes, the first field takes focus. */
export function EditModal({ title, testId, onClose, busy = false, wide = false, children }: { title: string; testId: string; onClose: () => void; busy?: boolean; wide?: boolean; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current?.contains(document.activeElement)) ref.current?.querySelector<HTMLElement>('[autofocus], input, textarea, select, button')?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !busy) {
        e.preventDefault();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [busy, onClose]);
  return (
    <div className="modal-backdrop" role="presentation" onClick={() => !busy && onClose()}>
      <div className={`modal edit-modal${wide ? ' edit-modal-wide' : ''}`} role="dialog" aria-modal="true" aria-label={title} ref={ref} onClick={(e) => e.stopPropagation()} data-testid={testId}>
        <div className="modal-head">
          <h3>{title}</h3>
          <button type="button" className="btn btn-ghost btn-icon" aria-label="Close" onClick={onClose} disabled={busy}>
            <IconX />
          </button>
        </div>
        {children}
      </div>
    </div>
  );
}

/** Insert a record, edit a value in place, or rename a key (stages put / rename). */
export function RecordDialog({ edit, dialog, onClose }: { edit: EditApi; dialog: RecordDialogKind; onClose: () => void }) {
  const transport = useTransport();
  const row = dialog.kind === 'insert' ? null : dialog.row;
  const [key, setKey] = useState<Built<KeyInput>>({ ok: false, error: '' });
  const [value, setValue] = useState<Built<ValueChoice>>({ ok: false, error: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  // Editing in place starts from the full value (page rows hold previews).
  const full = useCall('records.value', dialog.kind === 'edit' ? { storeId: edit.storeId, key: { hex: dialog.row.key.hex } } : null, { staleTime: 0 });
  const current = full.data?.value ?? null;
  const tooBig = current !== null && current.hexTruncated;
  const initialValue: ValueDraft | null =
    dialog.kind === 'insert'
      ? { mode: 'json', text: '' }
      : dialog.kind === 'rename' || !current
        ? null
        : tooBig
          ? { mode: 'file', text: '' }
          : current.decoded
            ? { mode: 'json', text: JSON.stringify(current.json, null, 2) }
            : { mode: 'hex', text: current.hex };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const k: Built<KeyInput> = row && dialog.kind === 'edit' ? { ok: true, value: { hex: row.key.hex } } : key;
    if (!k.ok) return;
    setBusy(true);
    setError(null);
    try {
      if (dialog.kind === 'rename' && row) {
        await transport.call('edit.stage', { storeId: edit.storeId, change: { op: 'rename', from: { hex: row.key.hex }, to: k.value } });
      } else {
        if (!value.ok) return;
        const v = value.value;
        if (v.kind === 'file') await transport.call('edit.stageValueFromFile', { storeId: edit.storeId, key: k.value, ...(v.file ? { file: v.file } : { path: v.path }), encoding: v.encoding });
        else await transport.call('edit.stage', { storeId: edit.storeId, change: { op: 'put', key: k.value, value: v.kind === 'json' ? { json: v.json as never } : { hex: v.hex } } });
      }
      edit.report(null);
      onClose();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError('INTERNAL', String(err)));
    } finally {
      setBusy(false);
    }
  };

  const title = dialog.kind === 'insert' ? 'Insert a record' : dialog.kind === 'edit' ? 'Edit value' : 'Rename key';
  const ready = (dialog.kind === 'edit' || key.ok) && (dialog.kind === 'rename' || value.ok);
  return (
    <EditModal title={title} testId="record-dialog" onClose={onClose} busy={busy}>
      <form className="modal-body" onSubmit={(e) => void submit(e)}>
        {row && (
          <div className="kv small">
            <span>{dialog.kind === 'rename' ? 'Old key' : 'Key'}</span>
            <span className="mono">
              <KeyText k={row.key} />
            </span>
          </div>
        )}
        {dialog.kind !== 'edit' && <KeyBuilder initial={row ? draftOf(row) : EMPTY_KEY} onChange={setKey} autoFocus />}
        {dialog.kind !== 'rename' &&
          (initialValue ? (
            <>
              {tooBig && <div className="notice small">This value is too large to edit as text; stage a new one from a file.</div>}
              <ValueEditor initial={initialValue} onChange={setValue} />
            </>
          ) : full.error ? (
            <ErrorPanel error={full.error} compact />
          ) : (
            <Spinner label="Loading the value…" />
          ))}
        {error && <ErrorPanel error={error} compact />}
        <div className="modal-foot">
          <span className="dim small grow">Staged only: nothing is written until you commit.</span>
          <button type="button" className="btn" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={!ready || busy} data-testid="record-dialog-submit">
            {dialog.kind === 'rename' ? 'Stage rename' : 'Stage'}
          </button>
        </div>
      </form>
    </EditModal>
  );
}
