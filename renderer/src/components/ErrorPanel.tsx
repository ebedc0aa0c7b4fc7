/**
 * A failure shown in the window: what went wrong and where (file, byte offset), with the
 * service's one-line message verbatim. Never a blank window, never a stack trace.
 */
import type { ReactNode } from 'react';
import { ApiError } from '../api/transport';
import { formatOffset } from '../lib/format';
import { IconAlert } from './Icons';

const TITLES: Readonly<Record<string, string>> = {
  NOT_A_STORE: 'Not a Thunderhead store',
  FORMAT_VERSION: 'Written by a newer Thunderhead',
  CORRUPT: 'The store file is damaged',
  LOCKED: 'The store is locked by another process',
  NOT_FOUND: 'File not found',
  PERMISSION: 'Permission denied',
  FILE_STATE: 'File problem',
  UNKNOWN_STORE: 'The store is no longer open',
  CLOSED: 'The store was closed',
  DISCONNECTED: 'Connection lost',
  UNAUTHORIZED: 'Not authorized',
  BAD_REQUEST: 'Invalid request',
  INVALID_ARGUMENT: 'Invalid input',
  CANCELLED: 'Cancelled',
  INTERNAL: 'Something went wrong',
};

export interface ErrorFacts {
  readonly title: string;
  readonly message: string;
  readonly code: string;
  /** Byte offset the message names ("at byte 1234"), when it names one. */
  readonly offset: number | null;
  /** File the message names, when it starts with a path. */
  readonly file: string | null;
  /** Where in the file, in words: a byte offset, or the part of the file the check failed on. */
  readonly where: string | null;
}

/** Codes whose check is on the file header, so "where" is known without an offset. */
const HEADER_CODES = new Set(['NOT_A_STORE', 'FORMAT_VERSION']);

/** What a person needs from an error: a title, the message, and where (file, offset). */
export function errorFacts(error: unknown, path?: string): ErrorFacts {
  const e = error instanceof ApiError ? error : new ApiError('INTERNAL', error instanceof Error ? error.message : String(error));
  const at = /at byte (\d+)/.exec(e.message);
  let file: string | null = null;
  if (path && e.message.startsWith(path)) file = path;
  else {
    const m = /^((?:[A-Za-z]:)?[\\/][^\s]+)\s/.exec(e.message);
    if (m?.[1]) file = m[1];
  }
  const offset = at?.[1] ? Number(at[1]) : null;
  const where = offset !== null ? `byte ${offset.toLocaleString('en-US')} (${formatOffset(offset)})` : HEADER_CODES.has(e.code) && file !== null ? 'the file header (byte 0)' : null;
  return { title: TITLES[e.code] ?? 'Error', message: e.message, code: e.code, offset, file, where };
}

export function ErrorPanel({ error, path, actions, compact = false }: { error: unknown; path?: string; actions?: ReactNode; compact?: boolean }) {
  const f = errorFacts(error, path);
  return (
    <div className={`error-panel${compact ? ' error-compact' : ''}`} role="alert" data-testid="error-panel" data-code={f.code}>
      <div className="error-icon">
        <IconAlert size={compact ? 16 : 22} />
      </div>
      <div className="error-body">
        <div className="error-title">{f.title}</div>
        <div className="error-message">{f.message}</div>
        {(f.file !== null || f.where !== null) && (
          <dl className="error-where">
            {f.file !== null && (
              <>
                <dt>File</dt>
                <dd className="mono">{f.file}</dd>
              </>
            )}
            {f.where !== null && (
              <>
                <dt>Where</dt>
                <dd className="mono">{f.where}</dd>
              </>
            )}
            <dt>Code</dt>
            <dd className="mono">{f.code}</dd>
          </dl>
        )}
        {actions && <div className="error-actions">{actions}</div>}
      </div>
    </div>
  );
}
