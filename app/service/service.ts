/**
 * The inspector contract implemented on the engine, independent of any host: Electron's IPC
 * and the serve host's WebSocket both forward raw `(method, params)` pairs to `call`, which
 * validates them against the contract and answers `{ result }` or `{ error }`, never a throw.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  PAGE_LIMIT_MAX,
  VALUE_HEX_MAX_BYTES,
  VALUE_PREVIEW_BYTES,
  isMethod,
  parseRequest,
} from '../contract';
import type {
  AppInfo,
  Method,
  OpenResult,
  Outcome,
  ReadOnlyReason,
  RecordRow,
  RequestOf,
  ResponseOf,
  ServiceEvent,
  Theme,
} from '../contract';
import { analyzeTree } from './analyze';
import { countRange } from './count';
import { StoreLockedError, openStore } from './engine';
import type { Entry, Store } from './engine';
import { cliCommand } from '../cli/invocation';
import { ServiceError, toErrorData } from './errors';
import { exportRange } from './export';
import { FileGrants } from './file-grants';
import { listFiles } from './file-picker';
import type { AllowedPlaces } from './file-grants';
import { SessionScope, currentScope, runInScope } from './session-scope';
import { Jobs } from './jobs';
import { findKeyPath } from './keypath';
import { keyBytes, rangeOptions, successor } from './keys';
import type { HandlersOf, OpenStore, ServiceContext } from './context';
import { diffHandlers } from './diff-handlers';
import { findHandlers } from './find-handlers';
import { compileWhere, filteredScan } from './query';
import { editHandlers } from './edit-handlers';
import { lockHandlers } from './lock-handlers';
import { mergeHandlers } from './merge-handlers';
import { Settings } from './settings';
import { readerAt } from './time-travel';
import { versionHandlers } from './version-handlers';
import { PREVIEW_LIMITS, addressData, fromHex, infoData, keyView, nodeData, oneLine, toHex, valueView } from './contract-data';

/**
 * What only a host can do (native dialogs, the file manager, the window theme). Dialogs return
 * the path the user chose; the service grants it and hands the renderer a handle.
 */
export interface HostHooks {
  chooseOpenPath?(): Promise<string | null>;
  chooseSavePath?(options: { defaultName?: string; format?: 'jsonl' | 'csv' }): Promise<string | null>;
  reveal?(path: string): Promise<boolean> | boolean;
  applyTheme?(theme: Theme): void;
}

/** Options of {@link createService}. */
export interface ServiceOptions {
  readonly host: AppInfo['host'];
  readonly version?: string;
  /** Files named on the command line (granted: the user chose them). */
  readonly initialFiles?: readonly string[];
  /**
   * Where typed paths may reach (serve: the named files and `--allow-dir` folders). Absent or
   * null: typed paths are refused and files come only as handles (Electron).
   */
  readonly allowedPlaces?: AllowedPlaces | null;
  /** The demo store (it may not exist yet). */
  readonly demoPath?: string | null;
  /** Where recent files and the theme persist; in memory when absent. */
  readonly settingsPath?: string;
  /** How often read-only stores look for new commits (ms). Default 500. */
  readonly pollIntervalMs?: number;
  readonly hooks?: HostHooks;
}

/** A subscription point for service events. */
export interface EventSource {
  /** Subscribes; returns the unsubscribe function. */
  on(listener: (event: ServiceEvent) => void): () => void;
}

/**
 * Methods that change a store, write a file or start a workload. A read-only session (serve
 * `--read-only`) is refused every one of them, as is `store.open` with `readOnly: false`.
 */
export const WRITE_METHODS: ReadonlySet<Method> = new Set<Method>([
  'edit.begin', 'edit.stage', 'edit.unstage', 'edit.import', 'edit.stageValueFromFile', 'edit.commit', 'edit.discard',
  'versions.revert', 'versions.undo', 'snapshots.create', 'branches.create', 'records.export', 'locks.startDemo',
  'merge.commit', 'merge.cherryPick',
]);

/** One client of the service (a window, a socket): its calls, and its end. */
export interface ServiceSession {
  readonly id: string;
  readonly readOnly: boolean;
  /** Validates and runs one call as this session. Resolves `{ result }` or `{ error }`; never rejects. */
  call<M extends Method>(method: M, params: RequestOf<M>): Promise<Outcome<M>>;
  call(method: string, params: unknown): Promise<Outcome<Method>>;
  /**
   * Ends the session: its opens are closed, edit mode it began ends (the writer lock is
   * released), its jobs are cancelled, its attachments detached and its demo workload stopped.
   */
  close(): void;
}

/** The running service. */
export interface Service {
  /** Validates and runs one call as the service's own session. Resolves `{ result }` or `{ error }`; never rejects. */
  call<M extends Method>(method: M, params: RequestOf<M>): Promise<Outcome<M>>;
  call(method: string, params: unknown): Promise<Outcome<Method>>;
  /** A new session (one per window or socket); `readOnly` refuses every write-capable method. */
  session(options?: { readonly readOnly?: boolean }): ServiceSession;
  /** The handle registry: hosts grant what the user chose (menu, argv, drops) here. */
  readonly files: FileGrants;
  readonly events: EventSource;
  /** Hosts push their own events (menu → `host.open`) to every listener. */
  emit(event: ServiceEvent): void;
  /** Cancels jobs, stops polling and closes every store. */
  close(): void;
}

type Handlers = HandlersOf<Method>;

/** Creates the service. One per process is typical; it can serve many windows or sockets. */
export function createService(options: ServiceOptions): Service {
  const listeners = new Set<(event: ServiceEvent) => void>();
  const emit = (event: ServiceEvent): void => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch {
        // One broken listener (a closed socket) must not stop the others.
      }
    }
  };
  const settings = new Settings(options.settingsPath);
  const jobs = new Jobs(emit);
  const stores = new Map<string, OpenStore>();
  const pollMs = options.pollIntervalMs ?? 500;
  const files = new FileGrants(options.allowedPlaces ?? null);
  const editEnded: ((open: OpenStore) => void)[] = [];
  let nextId = 0;
  let nextSession = 0;
  const ownScope = new SessionScope('service', false);
  const scope = (): SessionScope => currentScope() ?? ownScope;

  const get = (storeId: string): OpenStore => {
    const open = stores.get(storeId);
    if (!open) throw new ServiceError('UNKNOWN_STORE', `no open store with id ${storeId}; open the file again`);
    return open;
  };

  const closeStore = (open: OpenStore, reason: string): void => {
    if (open.poller) clearInterval(open.poller);
    if (!stores.has(open.id)) return;
    stores.delete(open.id);
    try {
      open.store.close();
    } catch {
      // Already closed or its file is gone: either way nothing is left to release.
    }
    emit({ type: 'store.closed', storeId: open.id, reason });
  };

  // Readers see another process's commits only when they look; polling refresh() is cheap (it
  // reads the superblocks) and 500 ms is below what a person notices in a live view.
  const watch = (open: OpenStore): void => {
    open.poller = setInterval(() => {
      try {
        if (!open.store.refresh()) return;
        const info = infoData(open.store.info());
        const previousVersion = open.version;
        open.version = info.head.id;
        emit({ type: 'store.changed', storeId: open.id, version: info.head.id, previousVersion, info });
      } catch (error) {
        closeStore(open, oneLine(error));
      }
    }, pollMs);
    open.poller.unref?.();
  };

  /** Leaves edit mode: reopens read-only (the writer lock is released) and follows other writers. */
  const toReadOnly = (open: OpenStore): void => {
    if (open.readOnly) return;
    const reader = openStore(open.path, true);
    const old = open.store;
    open.store = reader;
    open.readOnly = true;
    open.reason = 'requested';
    delete open.editor;
    old.close();
    watch(open);
  };

  /** One of the current session's opens of `open` ends: the last one closes it; the editor leaving ends edit mode. */
  const release = (open: OpenStore, session: SessionScope): void => {
    if (!stores.has(open.id)) return;
    open.refs -= 1;
    if (open.refs <= 0) {
      closeStore(open, 'closed');
      return;
    }
    if (open.editor === session.id && session.count(`store:${open.id}`) === 0) {
      toReadOnly(open);
      for (const listener of editEnded) listener(open);
    }
  };

  /** Registers one open of `open` on the current session. */
  const hold = (open: OpenStore): void => {
    const session = scope();
    session.hold(() => release(open, session), `store:${open.id}`);
  };

  const openFile = (path: string, readOnly: boolean): OpenResult => {
    const full = resolve(path);
    if (!readOnly && scope().readOnly) throw new ServiceError('READ_ONLY', 'this session is read-only: files open read-only here');
    for (const open of stores.values()) {
      if (open.path === full && (open.readOnly === readOnly || open.reason === 'locked')) {
        open.refs += 1;
        hold(open);
        settings.touch(full);
        return openResult(open);
      }
    }
    let store: Store;
    let reason: ReadOnlyReason | undefined = readOnly ? 'requested' : undefined;
    let writer: { pid: number; host: string } | undefined;
    try {
      store = openStore(full, readOnly);
    } catch (error) {
      const errno = (error as { code?: unknown }).code;
      if (!readOnly && error instanceof StoreLockedError) {
        // Someone else writes it: show it read-only and follow their commits.
        writer = { pid: error.pid, host: error.host };
        reason = 'locked';
      } else if (!readOnly && (errno === 'EACCES' || errno === 'EPERM' || errno === 'EROFS')) {
        reason = 'file-permissions';
      } else {
        throw error;
      }
      store = openStore(full, true);
    }
    const info = store.info();
    if (!writer && info.writerPid !== null && info.writerPid !== undefined && store.readOnly) writer = { pid: info.writerPid, host: '' };
    const open: OpenStore = {
      id: `s${++nextId}`,
      store,
      path: full,
      readOnly: store.readOnly,
      ...(store.readOnly && reason ? { reason } : {}),
      ...(writer ? { writer } : {}),
      version: info.head.id,
      refs: 1,
    };
    stores.set(open.id, open);
    if (open.readOnly) watch(open);
    else open.editor = scope().id;
    hold(open);
    settings.touch(full);
    return openResult(open);
  };

  const openResult = (open: OpenStore): OpenResult => {
    const base = { storeId: open.id, path: open.path, readOnly: open.readOnly, info: infoData(open.store.info()) };
    return {
      ...base,
      ...(open.reason ? { readOnlyReason: open.reason } : {}),
      ...(open.writer ? { writer: open.writer } : {}),
    };
  };

  /** A recent or listed file as this host may reach it: a store grant, or none outside the allowed places. */
  const reachable = (path: string): string | undefined => {
    if (!files.typedPaths) return files.grant(path, 'store').file;
    try {
      return files.grant(files.allowTyped(path, 'store'), 'store').file;
    } catch {
      return undefined;
    }
  };

  const context: ServiceContext = { get, jobs, emit, options, stores, openFile, closeStore, watch, files, scope, toReadOnly, onEditEnded: (listener) => editEnded.push(listener) };
  const handlers: Handlers = {
    ...versionHandlers(context),
    ...diffHandlers(context),
    ...lockHandlers(context),
    ...editHandlers(context),
    ...mergeHandlers(context),
    ...findHandlers(context),
    'app.info': () => ({
      host: options.host,
      version: options.version ?? '0.0.0',
      initialFiles: (options.initialFiles ?? []).map((f) => files.grant(f, 'store')),
      demoPath: options.demoPath ?? null,
      dialogs: Boolean(options.hooks?.chooseOpenPath),
      reveal: Boolean(options.hooks?.reveal),
      cliCommand: cliCommand(),
      typedPaths: files.typedPaths,
      allowedPlaces: files.places,
      readOnlySession: scope().readOnly,
    }),
    'theme.get': () => ({ theme: settings.theme }),
    'theme.set': ({ theme }) => {
      settings.theme = theme;
      options.hooks?.applyTheme?.(theme);
      emit({ type: 'theme.changed', theme });
      return { theme };
    },
    'host.chooseOpenPath': async () => {
      const path = (await options.hooks?.chooseOpenPath?.()) ?? null;
      return path === null ? { path: null } : { path: resolve(path), file: files.grant(path, 'open').file };
    },
    'host.chooseSavePath': async (request) => {
      const path = (await options.hooks?.chooseSavePath?.(request)) ?? null;
      return path === null ? { path: null } : { path: resolve(path), file: files.grant(path, 'save').file };
    },
    'host.grantDropped': ({ path }) => {
      // Only the Electron preload reaches this (it resolves a real dropped File); a drop grants
      // opening as a store, nothing more, so a forged one cannot read or write other files.
      if (options.host !== 'electron') throw new ServiceError('UNSUPPORTED', 'dropped files have no path in this host; use Open');
      return files.grant(path, 'store');
    },
    'host.reveal': async (ref) => {
      const path = files.resolve(ref, 'reveal');
      if (!options.hooks?.reveal) throw new ServiceError('UNSUPPORTED', 'revealing files is only available in the desktop app');
      return { ok: await options.hooks.reveal(path) };
    },
    'files.list': ({ dir }) => {
      if (!files.typedPaths) throw new ServiceError('UNSUPPORTED', 'this host uses the system file dialogs; use Open…');
      return listFiles(files, dir);
    },
    'job.cancel': ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),

    'store.open': (request) => openFile(files.resolve(request, 'store'), request.readOnly),
    // Closes one of this session's opens; another session's are not its to close.
    'store.close': ({ storeId }) => ({ closed: stores.has(storeId) && scope().drop(`store:${storeId}`) }),
    'store.recent': () => ({
      files: settings.recent().map((r) => {
        const file = r.exists ? reachable(r.path) : undefined;
        return file === undefined ? r : { ...r, file };
      }),
    }),
    'store.forgetRecent': ({ path }) => {
      settings.forget(path === undefined ? undefined : resolve(path));
      return { files: settings.recent() };
    },
    'store.demoPath': () => {
      const path = options.demoPath ?? null;
      const exists = path !== null && existsSync(path);
      return exists ? { path, exists, file: files.grant(path, 'store').file } : { path, exists };
    },
    'store.info': ({ storeId }) => infoData(get(storeId).store.info()),
    'store.analyze': ({ storeId, jobId, at }) => jobs.run('store.analyze', jobId, (job) => analyzeTree(get(storeId).store, job, at)),

    'records.page': ({ storeId, range, where, after, limit, at }) => {
      const reader = readerAt(get(storeId).store, at);
      const version = reader.version;
      const take = Math.min(limit, PAGE_LIMIT_MAX);
      const cursor = after === undefined ? undefined : fromHex(after);
      // Large values stay on disk until asked for (`records.value`): a page stays small.
      const row = (entry: Entry): RecordRow => ({ key: keyView(entry.key), value: valueView(entry.large ? undefined : entry.value, entry.valueLength, entry.large, VALUE_PREVIEW_BYTES, PREVIEW_LIMITS) });
      if (where !== undefined) {
        // A query reads a bounded number of records per page and says where it stopped, so a
        // query that matches little still answers promptly (the list asks for the next page).
        const found = filteredScan(reader, compileWhere(where, 'records'), rangeOptions(range), cursor, take);
        return { rows: found.entries.map(row), nextAfter: found.stoppedAt === null ? null : toHex(found.stoppedAt), version };
      }
      // One row more than asked says whether another page exists without a second scan.
      const rows: RecordRow[] = [];
      let more = false;
      for (const entry of reader.scan(rangeOptions(range, cursor, take + 1))) {
        if (rows.length === take) {
          more = true;
          break;
        }
        rows.push(row(entry));
      }
      return { rows, nextAfter: more ? rows[rows.length - 1]!.key.hex : null, version };
    },
    'records.count': ({ storeId, range, where, every, at, jobId }) => jobs.run('records.count', jobId, (job) => countRange(get(storeId).store, range, every, job, at, where)),
    'records.value': ({ storeId, key, at }) => {
      const reader = readerAt(get(storeId).store, at);
      const bytes = keyBytes(key);
      const [entry] = reader.scan({ from: bytes, to: successor(bytes), limit: 1 });
      if (!entry) return { found: false, key: keyView(bytes), value: null };
      return { found: true, key: keyView(entry.key), value: valueView(entry.value, entry.valueLength, entry.large, VALUE_HEX_MAX_BYTES) };
    },
    'records.export': ({ storeId, range, format, path, file, overwrite, jobId }) => {
      const target = files.resolve({ path, file }, 'save');
      return jobs.run('records.export', jobId, (job) => exportRange(get(storeId).store, rangeOptions(range), { format, path: target, overwrite }, job));
    },

    'tree.root': ({ storeId, at }) => {
      const { store } = get(storeId);
      const { version } = readerAt(store, at);
      const root = store.rootAddress(version);
      // A root at level L heads a tree of L + 1 levels (leaves are level 0).
      return { address: addressData(root), height: root.level + 1, version };
    },
    'tree.node': ({ storeId, address }) => nodeData(get(storeId).store.readNode(address)),
    'tree.findKey': ({ storeId, key, at }) => findKeyPath(get(storeId).store, keyBytes(key), at),
  };

  async function call(session: SessionScope, method: string, raw: unknown): Promise<Outcome<Method>> {
    if (!isMethod(method)) return { error: { code: 'UNKNOWN_METHOD', message: `unknown method ${JSON.stringify(String(method)).slice(0, 80)}` } };
    if (session.closed) return { error: { code: 'CLOSED', message: 'this session has ended; reload to start a new one' } };
    const parsed = parseRequest(method, raw);
    if (!parsed.ok) return { error: { code: 'BAD_REQUEST', message: parsed.message } };
    if (session.readOnly && WRITE_METHODS.has(method)) {
      return { error: { code: 'READ_ONLY', message: `${method} is not allowed: this session is read-only (the server was started with --read-only)` } };
    }
    try {
      const handler = handlers[method] as (request: unknown) => unknown;
      return { result: (await runInScope(session, () => handler(parsed.value))) as ResponseOf<Method> };
    } catch (error) {
      return { error: toErrorData(error) };
    }
  }

  const sessions = new Set<SessionScope>();

  return {
    call: ((method: string, raw: unknown) => call(ownScope, method, raw)) as Service['call'],
    session(sessionOptions) {
      const session = new SessionScope(`session-${++nextSession}`, sessionOptions?.readOnly ?? false);
      sessions.add(session);
      return {
        id: session.id,
        readOnly: session.readOnly,
        call: ((method: string, raw: unknown) => call(session, method, raw)) as ServiceSession['call'],
        close() {
          sessions.delete(session);
          session.close();
        },
      };
    },
    files,
    events: {
      on(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    emit,
    close() {
      for (const session of [...sessions]) session.close();
      sessions.clear();
      ownScope.close();
      jobs.cancelAll();
      for (const open of [...stores.values()]) closeStore(open, 'service closed');
    },
  };
}
