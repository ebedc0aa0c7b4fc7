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
import type { Store } from './engine';
import { ServiceError, toErrorData } from './errors';
import { exportRange } from './export';
import { Jobs } from './jobs';
import { findKeyPath } from './keypath';
import { keyBytes, rangeOptions, successor } from './keys';
import type { HandlersOf, OpenStore, ServiceContext } from './context';
import { diffHandlers } from './diff-handlers';
import { editHandlers } from './edit-handlers';
import { lockHandlers } from './lock-handlers';
import { Settings } from './settings';
import { readerAt } from './time-travel';
import { versionHandlers } from './version-handlers';
import { PREVIEW_LIMITS, addressData, fromHex, infoData, keyView, nodeData, oneLine, valueView } from './views';

/** What only a host can do (native dialogs, the file manager, the window theme). */
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
  /** Files named on the command line. */
  readonly initialFiles?: readonly string[];
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

/** The running service. */
export interface Service {
  /** Validates and runs one call. Resolves `{ result }` or `{ error }`; never rejects. */
  call<M extends Method>(method: M, params: RequestOf<M>): Promise<Outcome<M>>;
  call(method: string, params: unknown): Promise<Outcome<Method>>;
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
  let nextId = 0;

  const get = (storeId: string): OpenStore => {
    const open = stores.get(storeId);
    if (!open) throw new ServiceError('UNKNOWN_STORE', `no open store with id ${storeId}; open the file again`);
    return open;
  };

  const closeStore = (open: OpenStore, reason: string): void => {
    if (open.poller) clearInterval(open.poller);
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

  const openFile = (path: string, readOnly: boolean): OpenResult => {
    const full = resolve(path);
    for (const open of stores.values()) {
      if (open.path === full && (open.readOnly === readOnly || open.reason === 'locked')) {
        open.refs += 1;
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

  const context: ServiceContext = { get, jobs, emit, options, stores, openFile, closeStore, watch };
  const handlers: Handlers = {
    ...versionHandlers(context),
    ...diffHandlers(context),
    ...lockHandlers(context),
    ...editHandlers(context),
    'app.info': () => ({
      host: options.host,
      version: options.version ?? '0.0.0',
      initialFiles: (options.initialFiles ?? []).map((f) => resolve(f)),
      demoPath: options.demoPath ?? null,
      dialogs: Boolean(options.hooks?.chooseOpenPath),
      reveal: Boolean(options.hooks?.reveal),
    }),
    'theme.get': () => ({ theme: settings.theme }),
    'theme.set': ({ theme }) => {
      settings.theme = theme;
      options.hooks?.applyTheme?.(theme);
      emit({ type: 'theme.changed', theme });
      return { theme };
    },
    'host.chooseOpenPath': async () => ({ path: (await options.hooks?.chooseOpenPath?.()) ?? null }),
    'host.chooseSavePath': async (request) => ({ path: (await options.hooks?.chooseSavePath?.(request)) ?? null }),
    'host.reveal': async ({ path }) => {
      if (!options.hooks?.reveal) throw new ServiceError('UNSUPPORTED', 'revealing files is only available in the desktop app');
      return { ok: await options.hooks.reveal(resolve(path)) };
    },
    'job.cancel': ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),

    'store.open': ({ path, readOnly }) => openFile(path, readOnly),
    'store.close': ({ storeId }) => {
      const open = stores.get(storeId);
      if (!open) return { closed: false };
      open.refs -= 1;
      if (open.refs <= 0) closeStore(open, 'closed');
      return { closed: true };
    },
    'store.recent': () => ({ files: settings.recent() }),
    'store.forgetRecent': ({ path }) => {
      settings.forget(path === undefined ? undefined : resolve(path));
      return { files: settings.recent() };
    },
    'store.demoPath': () => {
      const path = options.demoPath ?? null;
      return { path, exists: path !== null && existsSync(path) };
    },
    'store.info': ({ storeId }) => infoData(get(storeId).store.info()),
    'store.analyze': ({ storeId, jobId, at }) => jobs.run('store.analyze', jobId, (job) => analyzeTree(get(storeId).store, job, at)),

    'records.page': ({ storeId, range, after, limit, at }) => {
      const reader = readerAt(get(storeId).store, at);
      const version = reader.version;
      const take = Math.min(limit, PAGE_LIMIT_MAX);
      // One row more than asked says whether another page exists without a second scan.
      const rows: RecordRow[] = [];
      let more = false;
      for (const entry of reader.scan(rangeOptions(range, after === undefined ? undefined : fromHex(after), take + 1))) {
        if (rows.length === take) {
          more = true;
          break;
        }
        // Large values stay on disk until asked for (`records.value`): a page stays small.
        const value = entry.large ? undefined : entry.value;
        rows.push({ key: keyView(entry.key), value: valueView(value, entry.valueLength, entry.large, VALUE_PREVIEW_BYTES, PREVIEW_LIMITS) });
      }
      return { rows, nextAfter: more ? rows[rows.length - 1]!.key.hex : null, version };
    },
    'records.count': ({ storeId, range, every, at, jobId }) => jobs.run('records.count', jobId, (job) => countRange(get(storeId).store, range, every, job, at)),
    'records.value': ({ storeId, key, at }) => {
      const reader = readerAt(get(storeId).store, at);
      const bytes = keyBytes(key);
      const [entry] = reader.scan({ from: bytes, to: successor(bytes), limit: 1 });
      if (!entry) return { found: false, key: keyView(bytes), value: null };
      return { found: true, key: keyView(entry.key), value: valueView(entry.value, entry.valueLength, entry.large, VALUE_HEX_MAX_BYTES) };
    },
    'records.export': ({ storeId, range, format, path, overwrite, jobId }) =>
      jobs.run('records.export', jobId, (job) => exportRange(get(storeId).store, rangeOptions(range), { format, path: resolve(path), overwrite }, job)),

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

  async function call(method: string, raw: unknown): Promise<Outcome<Method>> {
    if (!isMethod(method)) return { error: { code: 'UNKNOWN_METHOD', message: `unknown method ${JSON.stringify(String(method)).slice(0, 80)}` } };
    const parsed = parseRequest(method, raw);
    if (!parsed.ok) return { error: { code: 'BAD_REQUEST', message: parsed.message } };
    try {
      const handler = handlers[method] as (request: unknown) => unknown;
      return { result: (await handler(parsed.value)) as ResponseOf<Method> };
    } catch (error) {
      return { error: toErrorData(error) };
    }
  }

  return {
    call: call as Service['call'],
    events: {
      on(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    emit,
    close() {
      jobs.cancelAll();
      for (const open of [...stores.values()]) closeStore(open, 'service closed');
    },
  };
}
