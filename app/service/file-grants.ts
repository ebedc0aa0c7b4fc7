/**
 * Path capabilities: the service reaches a file only when the person at the host chose it.
 *
 * A choice becomes a *grant*: an unguessable handle (`fh_…`, 128 random bits) that maps to an
 * absolute path and what the choice allows. Hosts make grants from what the user did (Electron:
 * its open and save dialogs, drag and drop, the command line, the recent list; serve: the files
 * on its command line and its file picker), and the renderer only ever holds handles, so a page
 * that is compromised cannot name `~/.ssh/id_ed25519` or `~/.bashrc` and have it read or written.
 *
 * Typed paths are a host policy on top: the serve host accepts a typed path only inside its
 * allowed places (the files named on the command line, folders given with `--allow-dir`), by
 * where the path really leads (symlinks resolved); Electron accepts none. A refusal reads the
 * same whether or not the file exists, so it cannot be used to probe the disk.
 */
import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { FileRef, FileUse } from '../contract';
import { ServiceError } from './errors';

/**
 * What a grant allows. `open`: read the file and open it as a store (edit mode included), import
 * it or stage it as a value. `store`: open it as a store only (a drop, which the renderer reports).
 * `save`: create or replace exactly this file with an export. `dir`: list the folder in the
 * serve host's picker (and reach what is in it through that listing).
 */
export type GrantKind = 'open' | 'store' | 'save' | 'dir';

/** Which grant kinds each use accepts. */
const ACCEPTS: Readonly<Record<FileUse, readonly GrantKind[]>> = {
  store: ['open', 'store'],
  read: ['open'],
  save: ['save'],
  reveal: ['open', 'store', 'save', 'dir'],
  list: ['dir'],
};

const USE_WORDS: Readonly<Record<FileUse, string>> = {
  store: 'opened as a store',
  read: 'read',
  save: 'written',
  reveal: 'shown in its folder',
  list: 'listed',
};

const KIND_WORDS: Readonly<Record<GrantKind, string>> = {
  open: 'to be opened',
  store: 'to be opened as a store',
  save: 'as a place to save',
  dir: 'as a folder to browse',
};

interface Grant {
  readonly path: string;
  readonly kind: GrantKind;
}

/** The places a host lets typed paths reach (serve: command-line files and `--allow-dir` folders). */
export interface AllowedPlaces {
  readonly files: readonly string[];
  readonly dirs: readonly string[];
}

/** Where a path really leads: the real path of its longest existing ancestor, plus the rest. O(depth). */
export function canonicalPath(path: string): string {
  const full = resolve(path);
  const rest: string[] = [];
  let at = full;
  for (;;) {
    try {
      const real = realpathSync(at);
      return rest.length === 0 ? real : join(real, ...rest.reverse());
    } catch {
      const up = dirname(at);
      if (up === at) return full;
      rest.push(basename(at));
      at = up;
    }
  }
}

function inside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** The handle registry of one service, and the host's policy for typed paths. */
export class FileGrants {
  readonly #byHandle = new Map<string, Grant>();
  readonly #byKey = new Map<string, string>();
  readonly #places: { files: Set<string>; dirs: string[] } | null;

  /** `places`: where typed paths may reach; null refuses every typed path (Electron). */
  constructor(places: AllowedPlaces | null) {
    this.#places = places && {
      files: new Set(places.files.map(canonicalPath)),
      dirs: places.dirs.map(canonicalPath),
    };
  }

  /** True when typed paths can be accepted at all (the UI shows a path field then). */
  get typedPaths(): boolean {
    return this.#places !== null;
  }

  /** The allowed places, canonical (serve's picker starts from them). */
  get places(): AllowedPlaces {
    return { files: [...(this.#places?.files ?? [])], dirs: [...(this.#places?.dirs ?? [])] };
  }

  /**
   * Grants `kind` on `path` (a user's choice) and returns its handle; the same path and kind
   * get the same handle, so the registry grows with distinct choices only. O(1).
   */
  grant(path: string, kind: GrantKind): FileRef {
    const full = resolve(path);
    const key = `${kind}\0${full}`;
    let handle = this.#byKey.get(key);
    if (!handle) {
      handle = `fh_${randomBytes(16).toString('base64url')}`;
      this.#byKey.set(key, handle);
      this.#byHandle.set(handle, { path: full, kind });
    }
    return { file: handle, path: full, name: basename(full) };
  }

  /** The path behind a handle, if it allows `use`; FORBIDDEN otherwise. O(1). */
  resolveHandle(handle: string, use: FileUse): string {
    const grant = this.#byHandle.get(handle);
    if (!grant) throw new ServiceError('FORBIDDEN', 'unknown file handle: choose the file again');
    if (!ACCEPTS[use].includes(grant.kind)) {
      throw new ServiceError('FORBIDDEN', `${basename(grant.path)} was chosen ${KIND_WORDS[grant.kind]}; it cannot be ${USE_WORDS[use]} through that choice`);
    }
    return grant.path;
  }

  /**
   * A typed path, if the host's places allow `use` there: the canonical path. The refusal is the
   * same whether the file exists or not. O(depth + places).
   */
  allowTyped(path: string, use: FileUse): string {
    if (!this.#places) throw new ServiceError('FORBIDDEN', 'this host opens only files you choose (Open…, drag and drop, recent files); typed paths are not accepted');
    const real = canonicalPath(path);
    const underDir = this.#places.dirs.some((d) => inside(d, real));
    const allowed = use === 'save' || use === 'list'
      ? underDir
      : underDir || this.#places.files.has(real);
    if (!allowed) {
      throw new ServiceError('FORBIDDEN', `${path.length > 120 ? `${path.slice(0, 117)}…` : path} is outside the places this server may reach (the files named on its command line and folders given with --allow-dir)`);
    }
    return real;
  }

  /** A request's file, by handle or (hosts that allow it) typed path: the path to use. */
  resolve(ref: { readonly file?: string | undefined; readonly path?: string | undefined }, use: FileUse): string {
    if (ref.file !== undefined) return this.resolveHandle(ref.file, use);
    if (ref.path !== undefined) return this.allowTyped(ref.path, use);
    throw new ServiceError('BAD_REQUEST', 'name a file: {file} (a handle) or {path}');
  }
}
