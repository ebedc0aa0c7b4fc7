/**
 * Typed errors a user of the store can hit. Every message is one line a person can act on;
 * the CLI and the inspector print `error.message` and never a stack trace.
 */

/** Base class of every error the engine throws on purpose. `code` is stable for programs. */
export class StoreError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The file exists but is not a Thunderhead store (wrong magic, or too short to hold a header). */
export class NotAStoreError extends StoreError {
  constructor(readonly path: string, detail: string) {
    super('NOT_A_STORE', `${path} is not a Thunderhead store (${detail})`);
  }
}

/** The file was written by a newer format version than this build reads. */
export class FormatVersionError extends StoreError {
  constructor(readonly path: string, readonly found: number, readonly supported: number) {
    super('FORMAT_VERSION', `${path} uses format version ${found}; this build reads up to version ${supported}: upgrade Thunderhead`);
  }
}

/** A block failed its checksum, its header, or what its parent's address says about it. */
export class StoreCorruptError extends StoreError {
  constructor(readonly path: string, readonly offset: number, readonly what: string) {
    super('CORRUPT', `${path} is damaged: ${what} at byte ${offset}; run \`thunderhead check ${path}\``);
  }
}

/**
 * Another live process holds the writer lock. `pid` is 0 when the holder is unknown (it holds
 * the OS lock through another name of the same file, a hard link, whose pid file is beside that name).
 */
export class StoreLockedError extends StoreError {
  constructor(readonly path: string, readonly pid: number, readonly host: string) {
    super('LOCKED', pid > 0
      ? `${path} is open for writing by process ${pid}${host ? ` on ${host}` : ''}; open it read-only or stop that process`
      : `${path} is open for writing by another process (through another name of the same file); open it read-only or stop that process`);
  }
}

/** A key is longer than the store allows. */
export class KeyTooLargeError extends StoreError {
  constructor(readonly length: number, readonly max: number) {
    super('KEY_TOO_LARGE', `key is ${length} bytes; the maximum is ${max} bytes`);
  }
}

/** An argument is malformed (not bytes, empty range, unknown option value, bad tuple bytes…). */
export class InvalidArgumentError extends StoreError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

/** A write was attempted on a store or view opened read-only. */
export class ReadOnlyError extends StoreError {
  constructor(readonly path: string) {
    super('READ_ONLY', `${path} is open read-only; open it for writing to change it`);
  }
}

/** The store (or transaction) was used after close (or after commit/abort). */
export class ClosedError extends StoreError {
  constructor(what: string) {
    super('CLOSED', `${what} is closed`);
  }
}

/** A version id, snapshot name or branch name that the catalog does not hold. */
export class VersionNotFoundError extends StoreError {
  constructor(readonly ref: string) {
    super('VERSION_NOT_FOUND', `no version, snapshot or branch named ${JSON.stringify(ref)}`);
  }
}

/** A file that should exist does not, or one that should not exist does. */
export class FileStateError extends StoreError {
  constructor(message: string) {
    super('FILE_STATE', message);
  }
}

/** Optimistic commit failed: keys the transaction read or wrote changed since it began. */
export class ConflictError extends StoreError {
  constructor(readonly keys: readonly Uint8Array[]) {
    super('CONFLICT', `commit conflicts with ${keys.length} key(s) changed since the transaction began`);
  }
}

/**
 * The device holding the store (or the user's quota) is full: a write did not fit. The commit
 * that hit it failed as a whole; what was committed before is intact.
 */
export class DiskFullError extends StoreError {
  constructor(readonly path: string, what: string) {
    super('DISK_FULL', `no space left for ${path} (${what}); free some space and try again`);
  }
}
