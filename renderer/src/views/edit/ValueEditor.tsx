/**
 * Edits a value: JSON text checked as you type (records-layer tags such as {"$bytes": "0a"}
 * are understood by the service), raw bytes as hex, or a file for large values — a path the
 * host reads (Electron: a native picker), or in the browser an uploaded file sent as hex.
 */
import { useEffect, useState, type ChangeEvent } from 'react';
import type { Json } from '../../../../app/contract';
import { useTransport } from '../../api/hooks';
import { Segmented } from '../../components/Empty';
import { formatBytes } from '../../lib/format';
import { useSession } from '../../shell/session';
import { bytesToHex, parseValueHex, parseValueText, type Built } from './keyBuilder';

/**
 * Most bytes sent inline with one change; mirrors STAGE_VALUE_MAX_BYTES in app/contract/edits.ts
 * (the service enforces it; this only says so before a large upload is read).
 */
export const UPLOAD_MAX_BYTES = 400 * 1024;

/** What the editor produces: a value to stage inline, or a file for the host to read. */
export type ValueChoice =
  | { readonly kind: 'json'; readonly json: Json }
  | { readonly kind: 'hex'; readonly hex: string }
  /** `file`: the handle of a file chosen with the dialog; else `path` is typed (serve only). */
  | { readonly kind: 'file'; readonly path: string; readonly file?: string; readonly encoding: 'raw' | 'json' };

/** Initial state of a {@link ValueEditor}. */
export interface ValueDraft {
  readonly mode: 'json' | 'hex' | 'file';
  readonly text: string;
}

/** The value editor: JSON (validated as typed), raw hex, or a file. */
export function ValueEditor({ initial, onChange }: { initial: ValueDraft; onChange: (built: Built<ValueChoice>) => void }) {
  const transport = useTransport();
  const { appInfo } = useSession();
  const [mode, setMode] = useState(initial.mode);
  const [json, setJson] = useState(initial.mode === 'json' ? initial.text : '');
  const [hex, setHex] = useState(initial.mode === 'hex' ? initial.text : '');
  const [path, setPath] = useState('');
  const [chosen, setChosen] = useState<{ file: string; path: string } | null>(null);
  const [encoding, setEncoding] = useState<'raw' | 'json'>('raw');
  const [upload, setUpload] = useState<{ name: string; size: number } | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);

  const built: Built<ValueChoice> = (() => {
    if (mode === 'json') {
      const p = parseValueText(json);
      return p.ok ? { ok: true, value: { kind: 'json', json: p.value } } : p;
    }
    if (mode === 'hex') {
      const p = parseValueHex(hex);
      if (!p.ok) return p;
      if (p.value.length / 2 > UPLOAD_MAX_BYTES) return { ok: false, error: `${formatBytes(p.value.length / 2)} is too large to send inline; use a file` };
      return { ok: true, value: { kind: 'hex', hex: p.value } };
    }
    if (uploadError) return { ok: false, error: uploadError };
    if (upload) return { ok: true, value: { kind: 'hex', hex } };
    if (!path.trim()) return { ok: false, error: 'choose a file' };
    if (chosen && chosen.path === path) return { ok: true, value: { kind: 'file', path, file: chosen.file, encoding } };
    if (!appInfo?.typedPaths) return { ok: false, error: 'choose a file' };
    return { ok: true, value: { kind: 'file', path: path.trim(), encoding } };
  })();

  useEffect(() => {
    onChange(built);
    // Report whenever what is typed changes (onChange is the parent's setter).
  }, [mode, json, hex, path, encoding, upload, uploadError]);

  const choose = async () => {
    const r = await transport.call('host.chooseOpenPath', {}).catch(() => ({ path: null }));
    if (r.path && r.file) {
      setUpload(null);
      setChosen({ file: r.file, path: r.path });
      setPath(r.path);
    }
  };

  // The browser has no paths: read the file here and send its bytes (capped, see UPLOAD_MAX_BYTES).
  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    setUploadError(null);
    if (!file) return;
    if (file.size > UPLOAD_MAX_BYTES) {
      setUpload(null);
      setUploadError(`${file.name} is ${formatBytes(file.size)}; uploads from the browser are limited to ${formatBytes(UPLOAD_MAX_BYTES)}. Type its path on the server instead.`);
      return;
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    setHex(bytesToHex(bytes));
    setUpload({ name: file.name, size: file.size });
  };

  return (
    <div className="value-editor" data-testid="value-editor">
      <div className="key-builder-head">
        <span className="field-label">Value</span>
        <Segmented
          label="Value kind"
          size="small"
          value={mode}
          onChange={(m) => {
            setMode(m);
            setUpload(null);
            setUploadError(null);
          }}
          options={[
            { value: 'json', label: 'JSON', title: 'A JSON value, encoded by the records layer (MessagePack)' },
            { value: 'hex', label: 'Raw hex', title: 'The value bytes typed as hex' },
            { value: 'file', label: 'File', title: 'A file’s bytes (for large values)' },
          ]}
        />
      </div>
      {mode === 'json' && (
        <textarea className={`input mono value-text${built.ok ? '' : ' invalid'}`} value={json} onChange={(e) => setJson(e.target.value)} rows={8} spellCheck={false} aria-label="Value (JSON)" data-testid="value-json" placeholder='{"name": "Ada", "tags": ["x"], "raw": {"$bytes": "0a1b"}}' />
      )}
      {mode === 'hex' && <textarea className="input mono value-text" value={hex} onChange={(e) => setHex(e.target.value)} rows={6} spellCheck={false} aria-label="Value (hex)" data-testid="value-hex" placeholder="c0" />}
      {mode === 'file' && (
        <div className="field">
          <div className="input-row">
            <input className="input mono grow" value={upload ? `${upload.name} (uploaded, ${formatBytes(upload.size)})` : path} disabled={Boolean(upload)} readOnly={!appInfo?.typedPaths} onChange={(e) => setPath(e.target.value)} placeholder={appInfo?.host === 'serve' ? 'a path on the machine running the server' : '/path/to/file'} spellCheck={false} aria-label="File path" data-testid="value-file-path" />
            {appInfo?.dialogs && (
              <button type="button" className="btn" onClick={() => void choose()}>
                Choose…
              </button>
            )}
          </div>
          {!appInfo?.dialogs && (
            <label className="small dim upload">
              or upload one (up to {formatBytes(UPLOAD_MAX_BYTES)}): <input type="file" onChange={(e) => void onFile(e)} data-testid="value-file-upload" />
            </label>
          )}
          {!upload && (
            <Segmented
              label="File holds"
              size="small"
              value={encoding}
              onChange={setEncoding}
              options={[
                { value: 'raw', label: 'Raw bytes', title: 'Store the file’s bytes as they are' },
                { value: 'json', label: 'JSON', title: 'Parse the file as JSON and encode it as a value' },
              ]}
            />
          )}
        </div>
      )}
      {!built.ok && <div className="field-error small" data-testid="value-error">{built.error}</div>}
    </div>
  );
}
