/**
 * react-query hooks typed by the contract. Every piece of data a view shows comes through
 * these: `useCall` for one request, `useInfiniteCall` for cursor paging, `useCallMutation` for
 * actions, `useJob` for long work with progress and cancel.
 */
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type InfiniteData,
  type QueryClient,
  type UseInfiniteQueryResult,
  type UseMutationResult,
  type UseQueryResult,
} from '@tanstack/react-query';
import { createContext, createElement, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { EventOf, Method, RequestOf, ResponseOf, ServiceEvent, ServiceEventType } from '../../../app/contract';
import { ApiError, type ConnectionState, type Transport } from './transport';

const TransportContext = createContext<Transport | null>(null);

export function TransportProvider({ transport, children }: { transport: Transport; children: ReactNode }) {
  return createElement(TransportContext.Provider, { value: transport }, children);
}

export function useTransport(): Transport {
  const t = useContext(TransportContext);
  if (!t) throw new Error('useTransport outside TransportProvider');
  return t;
}

/** The query key of a call: the method and its params (params carry the storeId). */
export function callKey<M extends Method>(method: M, params: RequestOf<M>): readonly [M, RequestOf<M>] {
  return [method, params] as const;
}

/** Reads that never change for an open store version are cached for a while. */
const DEFAULT_STALE_MS = 30_000;

/** Errors that retrying cannot fix: only transport hiccups are retried. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  return error instanceof ApiError && error.code === 'DISCONNECTED' && failureCount < 5;
}

export interface CallOptions {
  staleTime?: number;
  /** Keep showing the previous data while new params load (filters, paging). */
  keepPrevious?: boolean;
}

/** One call as a query. `params: null` disables it (e.g. no store open yet). */
export function useCall<M extends Method>(method: M, params: RequestOf<M> | null, options: CallOptions = {}): UseQueryResult<ResponseOf<M>, ApiError> {
  const transport = useTransport();
  return useQuery<ResponseOf<M>, ApiError, ResponseOf<M>, readonly unknown[]>({
    queryKey: params === null ? [method, '__disabled__'] : callKey(method, params),
    queryFn: () => transport.call(method, params as RequestOf<M>),
    enabled: params !== null,
    staleTime: options.staleTime ?? DEFAULT_STALE_MS,
    retry: shouldRetry,
    ...(options.keepPrevious ? { placeholderData: keepPreviousData } : {}),
  }) as UseQueryResult<ResponseOf<M>, ApiError>;
}

/** Methods whose request has a string cursor field. */
type CursorField<M extends Method> = {
  [K in keyof RequestOf<M>]-?: NonNullable<RequestOf<M>[K]> extends string ? K : never;
}[keyof RequestOf<M>];

/**
 * Cursor paging as an infinite query: the first page is `params`, each next page passes
 * `next(lastPage)` in `cursor`. Pages are fetched only when the view asks (scrolling).
 */
export function useInfiniteCall<M extends Method>(
  method: M,
  params: RequestOf<M> | null,
  cursor: CursorField<M>,
  next: (page: ResponseOf<M>) => string | null,
): UseInfiniteQueryResult<InfiniteData<ResponseOf<M>, string | null>, ApiError> {
  const transport = useTransport();
  return useInfiniteQuery<ResponseOf<M>, ApiError, InfiniteData<ResponseOf<M>, string | null>, readonly unknown[], string | null>({
    queryKey: params === null ? [method, 'pages', '__disabled__'] : [method, 'pages', params],
    queryFn: ({ pageParam }) => {
      const p = (pageParam === null ? params : { ...params, [cursor]: pageParam }) as RequestOf<M>;
      return transport.call(method, p);
    },
    initialPageParam: null,
    getNextPageParam: (last) => next(last),
    enabled: params !== null,
    staleTime: DEFAULT_STALE_MS,
    retry: shouldRetry,
  });
}

/** An action (open, close, set theme…) as a mutation. */
export function useCallMutation<M extends Method>(method: M): UseMutationResult<ResponseOf<M>, ApiError, RequestOf<M>> {
  const transport = useTransport();
  return useMutation<ResponseOf<M>, ApiError, RequestOf<M>>({
    mutationFn: (params) => transport.call(method, params),
  });
}

/** Subscribes to one service event type for the component's lifetime. */
export function useServiceEvent<T extends ServiceEventType>(type: T, fn: (event: EventOf<T>) => void): void {
  const transport = useTransport();
  const ref = useRef(fn);
  useEffect(() => {
    ref.current = fn;
  });
  useEffect(
    () =>
      transport.on((e: ServiceEvent) => {
        if (e.type === type) ref.current(e as EventOf<T>);
      }),
    [transport, type],
  );
}

/** The transport's connection state (serve: the WebSocket; Electron: always open). */
export function useConnectionState(): ConnectionState {
  const transport = useTransport();
  const [state, setState] = useState(transport.state);
  useEffect(() => {
    setState(transport.state);
    return transport.onState(setState);
  }, [transport]);
  return state;
}

/** Refetches every query about one store (its commits landed while we showed it). */
export function invalidateStore(client: QueryClient, storeId: string): Promise<void> {
  return client.invalidateQueries({
    predicate: (q) => q.queryKey.some((part) => typeof part === 'object' && part !== null && (part as { storeId?: unknown }).storeId === storeId),
  });
}

export interface JobProgress {
  readonly done: number;
  /** -1 when unknown. */
  readonly total: number;
  readonly phase?: string;
}

/** Methods that run as jobs (take a `jobId`). */
export type JobMethod = { [M in Method]: 'jobId' extends keyof RequestOf<M> ? M : never }[Method];

export interface JobState<M extends JobMethod> {
  run(params: Omit<RequestOf<M>, 'jobId'>): Promise<ResponseOf<M> | undefined>;
  cancel(): void;
  readonly running: boolean;
  readonly progress: JobProgress | null;
  readonly result: ResponseOf<M> | undefined;
  readonly error: ApiError | null;
  readonly cancelled: boolean;
  reset(): void;
}

let jobCounter = 0;
function newJobId(method: string): string {
  jobCounter += 1;
  const rand = Math.random().toString(36).slice(2, 8);
  return `${method}-${Date.now().toString(36)}-${jobCounter}-${rand}`;
}

/**
 * Long work with progress and cancel: names the call with a fresh jobId, follows its
 * `job.progress` events, and `cancel()` sends `job.cancel` (the call then fails CANCELLED,
 * which is reported as `cancelled`, not as an error).
 */
export function useJob<M extends JobMethod>(method: M, onDone?: (result: ResponseOf<M>, client: QueryClient) => void): JobState<M> {
  const transport = useTransport();
  const client = useQueryClient();
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<JobProgress | null>(null);
  const [result, setResult] = useState<ResponseOf<M> | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [cancelled, setCancelled] = useState(false);
  const jobRef = useRef<string | null>(null);
  const onDoneRef = useRef(onDone);
  useEffect(() => {
    onDoneRef.current = onDone;
  });

  useServiceEvent('job.progress', (e) => {
    if (e.jobId !== jobRef.current) return;
    setProgress(e.phase === undefined ? { done: e.done, total: e.total } : { done: e.done, total: e.total, phase: e.phase });
  });

  const run = useCallback(
    async (params: Omit<RequestOf<M>, 'jobId'>) => {
      const jobId = newJobId(method);
      jobRef.current = jobId;
      setRunning(true);
      setProgress(null);
      setError(null);
      setCancelled(false);
      try {
        const r = await transport.call(method, { ...params, jobId } as unknown as RequestOf<M>);
        if (jobRef.current !== jobId) return undefined;
        setResult(r);
        onDoneRef.current?.(r, client);
        return r;
      } catch (e) {
        if (jobRef.current !== jobId) return undefined;
        const err = e instanceof ApiError ? e : new ApiError('INTERNAL', String(e), method);
        if (err.code === 'CANCELLED') setCancelled(true);
        else setError(err);
        return undefined;
      } finally {
        if (jobRef.current === jobId) {
          jobRef.current = null;
          setRunning(false);
        }
      }
    },
    [transport, method, client],
  );

  const cancel = useCallback(() => {
    const id = jobRef.current;
    if (id) void transport.call('job.cancel', { jobId: id }).catch(() => undefined);
  }, [transport]);

  const reset = useCallback(() => {
    setResult(undefined);
    setError(null);
    setCancelled(false);
    setProgress(null);
  }, []);

  // Leaving the view cancels what it started. Deferred a tick: StrictMode's simulated
  // unmount/remount must not cancel a job the first mount started.
  const mountedRef = useRef(true);
  useEffect(() => {
    mountedRef.current = true;
    return () => {
      mountedRef.current = false;
      setTimeout(() => {
        const id = jobRef.current;
        if (!mountedRef.current && id) void transport.call('job.cancel', { jobId: id }).catch(() => undefined);
      }, 0);
    };
  }, [transport]);

  return { run, cancel, running, progress, result, error, cancelled, reset };
}
