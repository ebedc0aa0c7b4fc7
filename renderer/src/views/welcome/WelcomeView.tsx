/**
 * Welcome: open a store the user chooses (Electron: the native dialog; serve: a typed path or
 * the server's picker, inside its allowed places), a recent file, or the demo store. A file
 * that fails to open is explained here: what is wrong and where.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useCall, useTransport } from '../../api/hooks';
import { CopyButton } from '../../components/CopyButton';
import { ErrorPanel } from '../../components/ErrorPanel';
import { FilePicker } from '../../components/FilePicker';
import { IconDatabase, IconFile, IconOpen, IconPlay, IconX, LogoMark } from '../../components/Icons';
import { Spinner } from '../../components/Progress';
import { baseName, dirName, formatTime, placesText } from '../../lib/format';
import { useSession } from '../../shell/session';
import { ContentionDemo } from '../locks/ContentionDemo';

export function WelcomeView() {
  const session = useSession();
  const transport = useTransport();
  const client = useQueryClient();
  const [path, setPath] = useState('');
  const [writable, setWritable] = useState(false);
  const [picking, setPicking] = useState(false);
  const recent = useCall('store.recent', {}, { staleTime: 0 });
  const demo = useCall('store.demoPath', {}, { staleTime: 60_000 });
  const dialogs = session.appInfo?.dialogs ?? false;
  const typed = session.appInfo?.typedPaths ?? false;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = path.trim();
    if (p) void session.open({ path: p }, !writable);
  };

  const browse = async () => {
    if (!dialogs) {
      setPicking(true);
      return;
    }
    const r = await transport.call('host.chooseOpenPath', {}).catch(() => ({ path: null }));
    if (r.path && r.file) {
      setPath(r.path);
      void session.open({ file: r.file, path: r.path }, !writable);
    }
  };

  const forget = async (p?: string) => {
    const r = await transport.call('store.forgetRecent', p === undefined ? {} : { path: p }).catch(() => null);
    if (r) client.setQueryData(['store.recent', {}], r);
  };

  const err = session.openError;

  return (
    <div className="welcome scroll">
      <div className="welcome-inner">
        <div className="welcome-hero">
          <LogoMark size={40} />
          <div>
            <h1>Open a Thunderhead store</h1>
            <p className="dim">Browse records, see the hitchhiker B+tree and where its buffers hold pending writes. Files open read-only.</p>
          </div>
        </div>

        {err && (
          <ErrorPanel
            error={err.error}
            path={err.path}
            actions={
              <>
                <button type="button" className="btn btn-small" onClick={() => void session.open(err.target)}>
                  Try again
                </button>
                <CopyButton text={err.error.message} label="Copy message" />
                <button type="button" className="btn btn-small btn-ghost" onClick={session.clearOpenError}>
                  Dismiss
                </button>
              </>
            }
          />
        )}
        {session.closedNotice && !err && <div className="notice">{session.closedNotice}</div>}

        {session.store && (
          <div className="card current-card">
            <IconDatabase size={18} />
            <div className="grow">
              <div className="strong">{baseName(session.store.path)} is open</div>
              <div className="dim mono small">{session.store.path}</div>
            </div>
            <button type="button" className="btn" onClick={() => session.navigate('records')}>
              Browse records
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => session.navigate('overview')}>
              Overview
            </button>
          </div>
        )}

        <div className="welcome-grid">
          <form className="card open-card" onSubmit={submit} aria-label="Open a file">
            <div className="card-title">
              <IconOpen /> Open a file
            </div>
            {typed && (
              <label className="field-label" htmlFor="open-path">
                Path to a store file on the machine running the server, inside {placesText(session.appInfo?.allowedPlaces ?? { files: [], dirs: [] })}
              </label>
            )}
            <div className="input-row">
              {typed && (
                <input
                  id="open-path"
                  className="input mono grow"
                  placeholder="/path/to/store.th"
                  value={path}
                  onChange={(e) => setPath(e.target.value)}
                  spellCheck={false}
                  autoComplete="off"
                  data-testid="open-path"
                />
              )}
              <button type="button" className={typed ? 'btn' : 'btn btn-primary'} onClick={() => void browse()} data-testid="open-browse">
                {typed ? 'Browse…' : 'Open a file…'}
              </button>
              {typed && (
                <button type="submit" className="btn btn-primary" disabled={!path.trim() || session.opening !== null} data-testid="open-submit">
                  Open
                </button>
              )}
            </div>
            {!typed && <p className="small dim">Or drop a store file on this window. The inspector reaches only the files you choose.</p>}
            <label className="check">
              <input type="checkbox" checked={writable} onChange={(e) => setWritable(e.target.checked)} />
              <span>Open for writing (otherwise read-only)</span>
            </label>
            {session.opening && (
              <div className="opening">
                <Spinner label={`Opening ${baseName(session.opening)}…`} />
              </div>
            )}
          </form>

          <div className="card demo-card">
            <div className="card-title">
              <IconPlay /> Demo store
            </div>
            <p className="dim small">Users, orders that reference them, events, config and large documents, with a history of versions, snapshots and a branch.</p>
            {demo.data?.path ? (
              <>
                <div className="mono small dim ellipsis" title={demo.data.path}>
                  {demo.data.path}
                </div>
                <button
                  type="button"
                  className="btn btn-primary"
                  disabled={!demo.data.exists || session.opening !== null}
                  onClick={() => demo.data?.path && demo.data.file && void session.open({ file: demo.data.file, path: demo.data.path })}
                  data-testid="open-demo"
                >
                  Open the demo store
                </button>
                {!demo.data.exists && <div className="small warn">Not created yet: run <code>thunderhead demo</code> or <code>npm start</code>.</div>}
                <ContentionDemo disabled={!demo.data.exists || session.opening !== null} />
              </>
            ) : (
              <div className="small dim">{demo.isLoading ? 'Looking for the demo store…' : 'No demo store ships with this host.'}</div>
            )}
          </div>
        </div>

        <div className="card recent-card">
          <div className="card-title">
            <IconFile /> Recent files
            <span className="grow" />
            {(recent.data?.files.length ?? 0) > 0 && (
              <button type="button" className="btn btn-small btn-ghost" onClick={() => void forget()}>
                Clear
              </button>
            )}
          </div>
          {recent.isLoading && <Spinner label="Loading…" />}
          {recent.data && recent.data.files.length === 0 && <div className="dim small pad">Files you open appear here.</div>}
          {recent.data && recent.data.files.length > 0 && (
            <ul className="recent-list" aria-label="Recent files">
              {recent.data.files.map((f) => (
                <li key={f.path} className={f.exists ? '' : 'missing'}>
                  <button
                    type="button"
                    className="recent-open"
                    disabled={!f.exists || !f.file || session.opening !== null}
                    onClick={() => f.file && void session.open({ file: f.file, path: f.path })}
                    title={!f.exists ? `${f.path} no longer exists` : f.file ? `Open ${f.path}` : `${f.path} is outside the places this server may open`}
                  >
                    <IconDatabase size={14} />
                    <span className="recent-name">{baseName(f.path)}</span>
                    <span className="recent-dir mono">{dirName(f.path)}</span>
                    <span className="recent-time">{!f.exists ? 'missing' : f.file ? formatTime(f.openedAt) : 'not allowed here'}</span>
                  </button>
                  <button type="button" className="btn btn-ghost btn-icon" title="Forget this file" aria-label={`Forget ${f.path}`} onClick={() => void forget(f.path)}>
                    <IconX size={12} />
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
        {picking && (
          <FilePicker
            title="Open a store on the server"
            onClose={() => setPicking(false)}
            onPick={(ref) => {
              setPicking(false);
              setPath(ref.path);
              void session.open(ref, !writable);
            }}
          />
        )}
        <p className="dim small foot-hint">
          Shortcuts: <kbd>Alt</kbd>+<kbd>1</kbd>…<kbd>4</kbd> switch views · <kbd>↑</kbd>
          <kbd>↓</kbd> move in lists · <kbd>Enter</kbd> opens
        </p>
      </div>
    </div>
  );
}
