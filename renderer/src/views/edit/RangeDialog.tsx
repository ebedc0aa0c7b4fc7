/**
 * Delete a range: every record with a prefix and/or in [from, to), typed in tuple notation
 * (`users, 42`), hex (`0x0a1b`) or as in the Records filters. Prefilled with those filters.
 */
import { useState, type FormEvent } from 'react';
import type { RangeInput } from '../../../../app/contract';
import { parseKeyText, type KeyMode } from '../../lib/keys';
import { EditModal } from './RecordDialog';
import type { EditApi } from './useEdit';

/** The range fields as typed. */
export interface RangeText {
  readonly mode: KeyMode;
  readonly prefix: string;
  readonly from: string;
  readonly to: string;
}

/** The range to delete, or why it cannot be built. Refuses an unbounded range (the whole store). */
export function buildDeleteRange(t: RangeText): { ok: true; range: RangeInput } | { ok: false; error: string } {
  const range: { -readonly [K in keyof RangeInput]: RangeInput[K] } = {};
  for (const field of ['prefix', 'from', 'to'] as const) {
    if (!t[field].trim()) continue;
    const p = parseKeyText(t[field], t.mode);
    if (!p.ok) return { ok: false, error: `${field}: ${p.error}` };
    range[field] = p.key;
  }
  if (!range.prefix && !range.from && !range.to) return { ok: false, error: 'give a prefix, a from or a to (deleting the whole store this way is refused)' };
  return { ok: true, range };
}

/** The delete-range dialog (stages `deleteRange`). */
export function RangeDialog({ edit, initial, onClose }: { edit: EditApi; initial: RangeText; onClose: () => void }) {
  const [text, setText] = useState(initial);
  const built = buildDeleteRange(text);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (built.ok && (await edit.stage({ op: 'deleteRange', range: built.range }))) onClose();
  };
  return (
    <EditModal title="Delete a range" testId="range-dialog" onClose={onClose} busy={edit.busy}>
      <form className="modal-body" onSubmit={(e) => void submit(e)}>
        <p className="small dim">Stages a delete of every record the range holds now (and any staged insert in it). Keys in {text.mode === 'tuple' ? 'tuple notation: users, 42' : text.mode} form.</p>
        {(['prefix', 'from', 'to'] as const).map((field) => (
          <label key={field} className="field">
            <span className="field-label">{field === 'to' ? 'To (exclusive)' : field === 'from' ? 'From' : 'Prefix'}</span>
            <input className="input mono" value={text[field]} onChange={(e) => setText({ ...text, [field]: e.target.value })} spellCheck={false} data-testid={`range-${field}`} />
          </label>
        ))}
        {!built.ok && <div className="field-error small">{built.error}</div>}
        {edit.error && <div className="inline-error small">{edit.error.message}</div>}
        <div className="modal-foot">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary btn-danger" disabled={!built.ok || edit.busy} data-testid="range-submit">
            Stage delete
          </button>
        </div>
      </form>
    </EditModal>
  );
}
