/**
 * The serve host's file picker: the browser cannot see the server's disk, so the server lists
 * its allowed places (`files.list`) and the folders and files inside them, each as a handle.
 * Nothing outside those places is listed or reachable from here.
 */
import { useEffect, useState } from 'react';
import type { FileEntry, FileRef } from '../../../app/contract';
import { useTransport } from '../api/hooks';
import { ApiError } from '../api/transport';
import { formatBytes } from '../lib/format';
import { EditModal } from '../views/edit/RecordDialog';
import { IconChevronRight, IconDatabase, IconFile, IconOpen } from './Icons';
import { Spinner } from './Progress';

interface Listing {
  readonly dir: FileRef | null;
  readonly entries: readonly FileEntry[];
  readonly truncated: boolean;
}

/** A modal listing the server's allowed places; `onPick` gets the chosen file's handle. */
export function FilePicker({ title, onPick, onClose }: { title: string; onPick: (ref: FileRef) => void; onClose: () => void }) {
  const transport = useTransport();
  const [trail, setTrail] = useState<readonly FileRef[]>([]);
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const here = trail[trail.length - 1];

  useEffect(() => {
    let live = true;
    setListing(null);
    setError(null);
    transport.call('files.list', here ? { dir: here.file } : {}).then(
      (r) => live && setListing(r),
      (e: unknown) => live && setError(e instanceof ApiError ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [transport, here]);

  return (
    <EditModal title={title} testId="file-picker" onClose={onClose}>
      <div className="modal-body file-picker">
        <nav className="file-trail small" aria-label="Folder">
          <button type="button" className="btn btn-ghost btn-small" onClick={() => setTrail([])} disabled={trail.length === 0}>
            Allowed places
          </button>
          {trail.map((d, i) => (
            <span key={d.file} className="file-trail-step">
              <IconChevronRight size={12} />
              <button type="button" className="btn btn-ghost btn-small" onClick={() => setTrail(trail.slice(0, i + 1))} disabled={i === trail.length - 1} title={d.path}>
                {i === 0 ? d.path : d.name}
              </button>
            </span>
          ))}
        </nav>
        {error && <div className="inline-error small" role="alert">{error}</div>}
        {!listing && !error && <Spinner label="Listing…" />}
        {listing && listing.entries.length === 0 && (
          <div className="dim small pad">{here ? 'This folder is empty.' : 'This server may open only the files named on its command line; start it with --allow-dir DIR to browse a folder.'}</div>
        )}
        {listing && listing.entries.length > 0 && (
          <ul className="recent-list file-list" aria-label="Files">
            {listing.entries.map((e) => (
              <li key={e.ref.file}>
                <button
                  type="button"
                  className="recent-open"
                  onClick={() => (e.kind === 'dir' ? setTrail([...trail, e.ref]) : onPick(e.ref))}
                  title={e.ref.path}
                  data-testid="file-picker-entry"
                >
                  {e.kind === 'dir' ? <IconOpen size={14} /> : /\.(th|thunderhead|db)$/.test(e.ref.name) ? <IconDatabase size={14} /> : <IconFile size={14} />}
                  <span className="recent-name">{here ? e.ref.name : e.ref.path}</span>
                  <span className="recent-dir mono" />
                  <span className="recent-time">{e.kind === 'dir' ? 'folder' : formatBytes(e.size ?? 0)}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        {listing?.truncated && <div className="small dim">Only the first 2,000 entries are listed.</div>}
      </div>
    </EditModal>
  );
}
