/**
 * Import a JSONL or CSV file (as `records.export` writes them) into the stage, as a job with
 * progress and cancel. The host reads the file: Electron grants the one picked with its dialog
 * (a handle), serve takes a path on the server as text, inside its allowed places.
 */
import { useState, type FormEvent } from 'react';
import { useJob, useTransport } from '../../api/hooks';
import { Segmented } from '../../components/Empty';
import { ErrorPanel } from '../../components/ErrorPanel';
import { FilePicker } from '../../components/FilePicker';
import { ProgressBar } from '../../components/Progress';
import { placesText } from '../../lib/format';
import { useSession } from '../../shell/session';
import { EditModal } from './RecordDialog';
import type { EditApi } from './useEdit';

/** The import dialog: a path, a format, progress and cancel (`edit.import`). */
export function ImportDialog({ edit, onClose }: { edit: EditApi; onClose: () => void }) {
  const transport = useTransport();
  const { appInfo } = useSession();
  const [path, setPath] = useState('');
  const [chosen, setChosen] = useState<{ file: string; path: string } | null>(null);
  const [picking, setPicking] = useState(false);
  const [format, setFormat] = useState<'auto' | 'jsonl' | 'csv'>('auto');
  const job = useJob('edit.import', (r) => {
    edit.report(`Staged ${r.change.summary}.`);
    onClose();
  });

  const choose = async () => {
    const r = await transport.call('host.chooseOpenPath', {}).catch(() => ({ path: null }));
    if (r.path && r.file) {
      setChosen({ file: r.file, path: r.path });
      setPath(r.path);
    }
  };

  const start = (e: FormEvent) => {
    e.preventDefault();
    job.reset();
    const file = chosen && chosen.path === path ? { file: chosen.file } : { path: path.trim() };
    void job.run({ storeId: edit.storeId, ...file, ...(format === 'auto' ? {} : { format }) });
  };

  return (
    <EditModal title="Import records into the stage" testId="import-dialog" onClose={() => (job.running ? job.cancel() : onClose())} busy={job.running}>
      <form className="modal-body" onSubmit={start}>
        <p className="small dim">
          JSON Lines (<span className="mono">{'{"key": …, "value": …}'}</span> per line) or CSV with a <span className="mono">key,value</span> header, as Export writes them. Every record is staged as a put; nothing is written until you commit.
        </p>
        <label className="field">
          <span className="field-label">File {appInfo?.typedPaths ? `(a path on the machine running the server, inside ${placesText(appInfo.allowedPlaces)})` : ''}</span>
          <div className="input-row">
            <input className="input mono grow" value={path} onChange={(e) => setPath(e.target.value)} readOnly={!appInfo?.typedPaths} placeholder={appInfo?.typedPaths ? '' : 'Choose a file'} spellCheck={false} disabled={job.running} data-testid="import-path" autoFocus />
            {(appInfo?.dialogs || appInfo?.typedPaths) && (
              <button type="button" className="btn" onClick={() => (appInfo.dialogs ? void choose() : setPicking(true))} disabled={job.running}>
                {appInfo.dialogs ? 'Choose…' : 'Browse…'}
              </button>
            )}
          </div>
        </label>
        <Segmented
          label="Format"
          size="small"
          value={format}
          onChange={setFormat}
          options={[
            { value: 'auto', label: 'By extension', title: '.csv is CSV, anything else JSON Lines' },
            { value: 'jsonl', label: 'JSON Lines' },
            { value: 'csv', label: 'CSV' },
          ]}
        />
        {job.running && <ProgressBar progress={job.progress} label="Reading" unit="bytes" onCancel={job.cancel} />}
        {job.cancelled && <div className="notice small">Import cancelled; nothing was staged.</div>}
        {job.error && <ErrorPanel error={job.error} compact />}
        {picking && (
          <FilePicker
            title="Import a file from the server"
            onClose={() => setPicking(false)}
            onPick={(ref) => {
              setPicking(false);
              setChosen({ file: ref.file, path: ref.path });
              setPath(ref.path);
            }}
          />
        )}
        <div className="modal-foot">
          <button type="button" className="btn" onClick={onClose} disabled={job.running}>
            Close
          </button>
          <button type="submit" className="btn btn-primary" disabled={job.running || !path.trim()} data-testid="import-submit">
            Import
          </button>
        </div>
      </form>
    </EditModal>
  );
}
