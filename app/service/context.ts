/**
 * What feature handler maps (`version-handlers.ts`, `lock-handlers.ts`, `edit-handlers.ts`)
 * receive from the service: open stores, jobs, events and options. Types only.
 */
import type { Method, ParsedRequestOf, ReadOnlyReason, ResponseOf, ServiceEvent, OpenResult } from '../contract';
import type { Store } from './engine';
import type { Jobs } from './jobs';
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
  openFile(path: string, readOnly: boolean): OpenResult;
  closeStore(open: OpenStore, reason: string): void;
  /** Starts polling a read-only store for other processes' commits (`store.changed`). */
  watch(open: OpenStore): void;
}
