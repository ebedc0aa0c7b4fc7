/**
 * Export the filtered range to JSONL or CSV (`records.export`, a job: progress, cancel). The
 * host writes the file: Electron asks where with a save dialog (and grants that target only),
 * serve takes a path as text inside its allowed folders.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { RangeInput } from '../../../../app/contract';
import { useJob, useTransport } from '../../api/hooks';
import { Segmented } from '../../components/Empty';
import { ErrorPanel } from '../../components/ErrorPanel';
import { IconX } from '../../components/Icons';
import { ProgressBar } from '../../components/Progress';
import { formatBytes, formatCount, placesText } from '../../lib/format';
import { useSession } from '../../shell/session';
import { defaultExportPath } from './filters';

export function ExportDialog({ storeId, storePath, range, description, onClose }: { storeId: string; storePath: string; range: RangeInput | undefined; description: string; onClose: () => void }) {
  const transport = useTransport();
  const { appInfo } = useSession();
  const [format, setFormat] = useState<'jsonl' | 'csv'>('jsonl');
  const [path, setPath] = useState(() => defaultExportPath(storePath, 'jsonl'));
  const [touched, setTouched] = useState(false);
  const [chosen, setChosen] = useState<{ file: string; path: string } | null>(null);
  const [overwrite, setOverwrite] = useState(false);
  const job = useJob('records.export');
  const dialogRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!touched) setPath(defaultExportPath(storePath, format));
  }, [format, storePath, touched]);

  useEffect(() => {
    dialogRef.current?.querySelector<HTMLElement>('input, button')?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !job.running) onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [job.running, onClose]);

  const browse = async () => {
    const r = await transport.call('host.chooseSavePath', { defaultName: path.split(/[\\/]/).pop() ?? `export.${format}`, format }).catch(() => ({ path: null }));
    if (r.path && r.file) {
      setTouched(true);
      setChosen({ file: r.file, path: r.path });
      setPath(r.path);
      // The save dialog asked about replacing an existing file already.
      setOverwrite(true);
    }
  };

  const start = (e: FormEvent) => {
    e.preventDefault();
    job.reset();
    const target = chosen && chosen.path === path ? { file: chosen.file } : { path: path.trim() };
    void job.run({ storeId, format, ...target, overwrite, ...(range ? { range } : {}) });
  };

  return (
    <div className="modal-backdrop" role="presentation" onClick={() => !job.running && onClose()}>
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="export-title" ref={dialogRef} onClick={(e) => e.stopPropagation()}>
        <div className="modal-head">
          <h3 id="export-title">Export records</h3>
          <button type="button" className="btn btn-ghost btn-icon" aria-label="Close" onClick={onClose} disabled={job.running}>
            <IconX />
          </button>
        </div>
        <form onSubmit={start} className="modal-body">
          <div className="kv small">
            <span>Range</span>
            <span className="mono">{description}</span>
          </div>
          <div className="field">
            <span className="field-label">Format</span>
            <Segmented
              label="Format"
              value={format}
              onChange={setFormat}
              options={[
                { value: 'jsonl', label: 'JSON Lines', title: 'One JSON object per line: key, value (decoded), keyHex' },
                { value: 'csv', label: 'CSV', title: 'key, value, key_hex, value_length' },
              ]}
            />
          </div>
          <label className="field">
            <span className="field-label">Write to {appInfo?.typedPaths ? `(a path on the machine running the server, inside ${placesText(appInfo.allowedPlaces, true)})` : ''}</span>
            <div className="input-row">
              <input
                className="input mono grow"
                value={path}
                onChange={(e) => {
                  setTouched(true);
                  setPath(e.target.value);
                }}
                readOnly={!appInfo?.typedPaths}
                placeholder={appInfo?.typedPaths ? '' : 'Choose where to save'}
                spellCheck={false}
                disabled={job.running}
              />
              {appInfo?.dialogs && (
                <button type="button" className="btn" onClick={() => void browse()} disabled={job.running}>
                  Choose…
                </button>
              )}
            </div>
          </label>
          <label className="check small">
            <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} disabled={job.running} />
            <span>Replace the file if it exists</span>
          </label>

          {job.running && <ProgressBar progress={job.progress} label="Exporting" unit="rows" onCancel={job.cancel} />}
          {job.cancelled && <div className="notice small">Export cancelled; no file was written.</div>}
          {job.error && <ErrorPanel error={job.error} compact />}
          {job.result && (
            <div className="success small" role="status">
              Wrote {formatCount(job.result.rows)} rows ({formatBytes(job.result.bytes)}) to <span className="mono">{job.result.path}</span>
            </div>
          )}

          <div className="modal-foot">
            <button type="button" className="btn" onClick={onClose} disabled={job.running}>
              {job.result ? 'Done' : 'Close'}
            </button>
            <button type="submit" className="btn btn-primary" disabled={job.running || !path.trim() || (!appInfo?.typedPaths && !chosen)}>
              {job.result ? 'Export again' : 'Export'}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
