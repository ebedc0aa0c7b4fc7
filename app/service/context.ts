/**
 * What feature handler maps (`version-handlers.ts`, `lock-handlers.ts`, `edit-handlers.ts`)
 * receive from the service: open stores, jobs, events and options. Types only.
 */
import type { Method, ParsedRequestOf, ReadOnlyReason, ResponseOf, ServiceEvent, OpenResult } from '../contract';
import type { Store } from './engine';
import type { FileGrants } from './file-grants';
import type { Jobs } from './jobs';
import type { SessionScope } from './session-scope';
import type { ServiceOptions } from './service';

/** One open file as the service tracks it. */
export interface OpenStore {
  readonly id: string;
  /** Replaced when edit mode reopens the file writable (`edit.begin`) or read-only again (`edit.end`). */
  store: Store;
  readonly path: string;
  readOnly: boolean;
  reason?: ReadOnlyReason;
  writer?: { pid: number; host: string };
  version: number;
  /** Opens not yet closed: windows or tabs opening the same file share one handle. */
  refs: number;
  poller?: ReturnType<typeof setInterval>;
  /** The session that switched it to edit mode: its writer lock ends with that session. */
  editor?: string;
}

/** Handlers for a subset of methods: each gets the validated request. */
export type HandlersOf<K extends Method> = { [M in K]: (request: ParsedRequestOf<M>) => Promise<ResponseOf<M>> | ResponseOf<M> };

/** The service's internals a feature handler map may use. */
export interface ServiceContext {
  /** The open store with this id, or a ServiceError UNKNOWN_STORE. */
  get(storeId: string): OpenStore;
  readonly jobs: Jobs;
  emit(event: ServiceEvent): void;
  readonly options: ServiceOptions;
  readonly stores: Map<string, OpenStore>;
  /** Opens (or shares) a store for the current session; `path` must come from `files`. */
  openFile(path: string, readOnly: boolean): OpenResult;
  /** The handle registry and typed-path policy: every path a request names goes through it. */
  readonly files: FileGrants;
  /** The session of the call being handled (the service's own for direct calls). */
  scope(): SessionScope;
  /** Leaves edit mode: reopens read-only (releasing the writer lock) and follows other writers. */
  toReadOnly(open: OpenStore): void;
  /** Called when edit mode ended because its session did (the edit handlers announce it). */
  onEditEnded(listener: (open: OpenStore) => void): void;
  closeStore(open: OpenStore, reason: string): void;
  /** Starts polling a read-only store for other processes' commits (`store.changed`). */
  watch(open: OpenStore): void;
}
