/**
 * Asks before staged (uncommitted) changes are dropped by closing the store or opening another
 * file, as an editor asks before closing an unsaved document.
 */
import { formatCount } from '../../lib/format';
import { EditModal } from './RecordDialog';

/** What would be dropped, and where the person was going. */
export interface UnsavedQuestion {
  readonly file: string;
  readonly changes: number;
  readonly keys: number;
  /** 'close' the store, or open `next` instead. */
  readonly action: 'close' | 'open';
  readonly next?: string;
}

/** The question, with "Keep editing" (the default, also Esc) and "Discard and …". */
export function UnsavedDialog({ question, onAnswer }: { question: UnsavedQuestion; onAnswer: (discard: boolean) => void }) {
  const name = question.file.split(/[\\/]/).pop() ?? question.file;
  const going = question.action === 'close' ? `close ${name}` : `open ${(question.next ?? '').split(/[\\/]/).pop() ?? 'another file'}`;
  return (
    <EditModal title="Staged changes are not committed" testId="unsaved-dialog" onClose={() => onAnswer(false)}>
      <div className="modal-body">
        <p data-testid="unsaved-message">
          {name} has <strong>{formatCount(question.changes)} staged change{question.changes === 1 ? '' : 's'}</strong> ({formatCount(question.keys)} key{question.keys === 1 ? '' : 's'}) not written to the file. If you {going} now, {question.changes === 1 ? 'it is' : 'they are'} dropped.
        </p>
        <p className="small dim">To keep them, choose Keep editing, then Review &amp; commit (Ctrl+S).</p>
        <div className="modal-foot">
          <button type="button" className="btn btn-danger" onClick={() => onAnswer(true)} data-testid="unsaved-discard">
            Discard and {question.action === 'close' ? 'close' : 'open'}
          </button>
          <button type="button" className="btn btn-primary" onClick={() => onAnswer(false)} autoFocus data-testid="unsaved-keep">
            Keep editing
          </button>
        </div>
      </div>
    </EditModal>
  );
}
