/**
 * Errors as they cross the boundary: a stable code and one line. Engine errors keep their
 * code and message (they are already written for people); Node I/O errors get one.
 */
import type { ErrorCode, ServiceErrorData } from '../contract';
import { runnableHints } from '../cli/invocation';
import { StoreError } from './engine';
import { oneLine } from './contract-data';

/** An error the service raises on purpose (bad request, unknown store, cancelled job…). */
export class ServiceError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ServiceError';
    this.code = code;
  }
}

const ERRNO: Readonly<Record<string, { code: ErrorCode; says: string }>> = {
  ENOENT: { code: 'NOT_FOUND', says: 'does not exist' },
  EACCES: { code: 'PERMISSION', says: 'cannot be read (permission denied)' },
  EPERM: { code: 'PERMISSION', says: 'cannot be accessed (operation not permitted)' },
  EISDIR: { code: 'NOT_A_STORE', says: 'is a directory, not a Thunderhead store' },
  ENOTDIR: { code: 'NOT_FOUND', says: 'does not exist (a parent is not a directory)' },
  EEXIST: { code: 'FILE_STATE', says: 'already exists' },
  ENOSPC: { code: 'FILE_STATE', says: 'cannot be written: the disk is full' },
};

/** Any thrown value → `{ code, message }` with a one-line message. */
export function toErrorData(error: unknown): ServiceErrorData {
  if (error instanceof ServiceError) return { code: error.code, message: oneLine(error) };
  // Engine messages advise `thunderhead check …`: name the form that runs after `npm install`.
  if (error instanceof StoreError) return { code: error.code, message: runnableHints(oneLine(error)) };
  const errno = (error as { code?: unknown } | null)?.code;
  if (typeof errno === 'string' && ERRNO[errno]) {
    const known = ERRNO[errno];
    const path = (error as { path?: unknown }).path;
    return { code: known.code, message: typeof path === 'string' ? `${path} ${known.says}` : oneLine(error) };
  }
  return { code: 'INTERNAL', message: `internal error: ${oneLine(error)}` };
}
