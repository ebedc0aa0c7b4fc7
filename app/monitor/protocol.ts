/**
 * The monitor's wire protocol: newline-delimited JSON over a Unix domain socket beside the store
 * (or 127.0.0.1 TCP where Unix sockets are unavailable). See docs/MONITOR.md.
 *
 * Client → server, one object a line: `{ "id": 1, "token": "…", "cmd": "hello" | "snapshot" |
 * "subscribe" | "unsubscribe", "params": {…} }`. Server → client: `{ "id": 1, "result": … }`,
 * `{ "id": 1, "error": "one line" }`, or a pushed `{ "batch": … }` while subscribed. No command
 * changes anything in the monitored process: the endpoint is read-only by construction.
 */
import type { LockEventBatch, LockSnapshotData, LockStatsData } from '../contract/locks';

/** The `format` field of the advert and of `hello`; bumped on incompatible protocol changes. */
export const MONITOR_FORMAT = 'thunderhead-monitor/1';

/** Longest request line the server reads (ms of garbage must not grow its memory). */
export const MAX_REQUEST_LINE = 64 * 1024;

/** The advert file beside a store: how to reach its monitor. Written atomically, mode 0600. */
export interface MonitorAdvert {
  readonly format: string;
  readonly pid: number;
  readonly hostname: string;
  /** Absolute path of the store file. */
  readonly store: string;
  /** ms since the epoch. */
  readonly startedAt: number;
  readonly transport: 'unix' | 'tcp';
  /** unix: the socket's path. */
  readonly socket?: string;
  /** tcp: always 127.0.0.1. */
  readonly host?: string;
  readonly port?: number;
  /** Every request must carry it (the advert is readable by its owner only). */
  readonly token: string;
}

/** Commands a client may send. */
export type MonitorCommand = 'hello' | 'snapshot' | 'subscribe' | 'unsubscribe';

/** A request line. */
export interface MonitorRequest {
  readonly id: number;
  readonly token: string;
  readonly cmd: MonitorCommand;
  readonly params?: Readonly<Record<string, unknown>>;
}

/** Result of `hello`. */
export interface MonitorHello {
  readonly format: string;
  readonly pid: number;
  readonly hostname: string;
  readonly store: string;
  readonly startedAt: number;
  readonly stats: LockStatsData;
}

/** Parameters of `snapshot` (the service validates them against the contract first). */
export interface MonitorSnapshotParams {
  readonly offset: number;
  readonly limit: number;
  readonly buckets: number;
}

/** What `snapshot` returns: keys as hex, turned into KeyViews by the service. */
export type WireSnapshot = LockSnapshotData<string>;
/** What a pushed batch carries: keys as hex. */
export type WireBatch = LockEventBatch<string>;

/** A line from the server. */
export type MonitorMessage =
  | { readonly id: number; readonly result: unknown }
  | { readonly id: number | null; readonly error: string }
  | { readonly batch: WireBatch };
