/**
 * The inspector API, written once: method name → zod request schema → response type.
 *
 * Every host derives from this map: `app/service` implements it on the engine, `main/` binds it
 * to IPC, `app/serve` carries it over a WebSocket, and the renderer's query hooks are typed by it.
 * Adding a method is one entry here plus its handler in `app/service`.
 *
 * Only plain readonly data crosses the boundary (no Buffers, no classes): bytes travel as
 * lower-case hex strings with their decoded JSON form beside them. This file imports zod and
 * nothing from Node, so the renderer can import its types (and schemas) safely.
 */
import { z } from 'zod';
import { checkRequestShape } from './request-limits';
import { addressInput, empty, fileFields, fileHandle, filePath, hex, jobId, keyInput, oneFile, rangeInput, returns, storeId, themeSchema } from './schemas';
import { diffMethods } from './diff';
import { findMethods, queryText } from './find';
import { editMethods } from './edits';
import { lockMethods } from './locks';
import { mergeMethods } from './merge';
import { atVersion, versionMethods } from './versions';
import type { EditEvent } from './edits';
import type { LockEvent } from './locks';
import type { VersionEvent } from './versions';

export { addressInput, keyInput, rangeInput } from './schemas';
export { REQUEST_MAX_BYTES, REQUEST_MAX_DEPTH, checkRequestShape, formatLimit } from './request-limits';
export * from './serve-wire';
export type { KeyInput, RangeInput } from './schemas';
export * from './versions';
export * from './diff';
export * from './locks';
export * from './edits';
export * from './merge';
export * from './find';

// ---------------------------------------------------------------------------------------------
// Plain data shapes
// ---------------------------------------------------------------------------------------------

/** JSON as it crosses the boundary (decoded keys and values). */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** Lower-case hex of a byte string; `''` for no bytes. */
export type Hex = string;

/** Most rows a `records.page` call returns at once (more would defeat on-demand paging). */
export const PAGE_LIMIT_MAX = 1000;
/** Rows per page when the request does not say. */
export const PAGE_LIMIT_DEFAULT = 200;
/** Bytes of a value shown (hex and decoded) in a page row before it is truncated. */
export const VALUE_PREVIEW_BYTES = 512;
/** Most bytes of a value that `records.value` returns as hex (the decoded JSON is complete). */
export const VALUE_HEX_MAX_BYTES = 1 << 20;

/** A key as shown: raw bytes plus the tuple decoding (when the bytes are a valid tuple). */
export interface KeyView {
  readonly hex: Hex;
  /**
   * The key's JSON form from the records layer: a scalar for a 1-tuple, an array for a tuple,
   * with tags for what JSON cannot say (`{"$bytes": hex}`, `{"$bigint": "…"}`). Null when
   * `decoded` is false.
   */
  readonly json: Json;
  /** False when the bytes are not a valid tuple encoding (raw byte keys). */
  readonly decoded: boolean;
  readonly length: number;
  /**
   * When `decoded` is false but the bytes start like a tuple and stop mid-element (a pivot made
   * by suffix truncation): what of it decodes. Absent for whole tuples and raw byte keys.
   */
  readonly partial?: PartialKeyView;
}

/**
 * A key cut inside a tuple element (internal-node pivots are the shortest prefixes that still
 * separate two children): the whole elements it starts with, then the cut element.
 */
export interface PartialKeyView {
  /** The whole elements at the start, each in the records layer's JSON form (may be empty). */
  readonly elements: readonly Json[];
  /** The cut element, from its type byte to the end of the key. */
  readonly rest: {
    /** What the cut element is, by its type byte ('unknown': bytes that start no element). */
    readonly kind: 'string' | 'bytes' | 'number' | 'tuple' | 'unknown';
    /** The rest of the key as hex, type byte included. */
    readonly hex: Hex;
    /**
     * 'string': the complete characters before the cut; 'bytes': the content bytes as hex;
     * 'number': the bound every number starting with these bytes meets (`≥ 1920`, `≤ -3.5`).
     */
    readonly text?: string;
  };
}

/** A value as shown: length, a (possibly truncated) hex and decoded preview. */
export interface ValueView {
  /** Full length of the value in bytes, even when only a preview was loaded. */
  readonly length: number;
  /** Stored off-tree (a blob): not loaded by `records.page`; fetch it with `records.value`. */
  readonly large: boolean;
  /** False when the bytes were not read (large values in a page). */
  readonly loaded: boolean;
  readonly hex: Hex;
  /** True when `hex` holds fewer bytes than `length`. */
  readonly hexTruncated: boolean;
  /**
   * The decoded value's JSON form from the records layer, with tags such as `{"$ref": key}`
   * (a reference: render as a link), `{"$bytes": hex}`, `{"$date": iso}`, `{"$bigint": "…"}`,
   * `{"$number": "-0" | "NaN" | …}` (app/contract/json-text.ts turns these into exact text);
   * plain-object keys that start with `$` carry one more `$`. Null when `decoded` is false.
   */
  readonly json: Json;
  readonly decoded: boolean;
  /** True when long strings/arrays/objects in `json` were cut for the preview. */
  readonly jsonTruncated: boolean;
  /** Why decoding failed, when it did (one line). */
  readonly decodeError?: string;
}

/** One row of the record browser. */
export interface RecordRow {
  readonly key: KeyView;
  readonly value: ValueView;
}

/** Where a node is and what it must be (mirrors the engine's AddressView). */
export interface AddressData {
  readonly offset: number;
  readonly length: number;
  readonly kind: 'leaf' | 'internal' | 'delta';
  readonly level: number;
  readonly checksum: number;
}

/** A pending message in a node's hitchhiker buffer. */
export interface BufferedMessageView {
  readonly op: 'put' | 'delete' | 'deleteRange';
  readonly key: KeyView;
  /** Exclusive end of a deleteRange (absent: to the end of the key space). */
  readonly end?: KeyView;
  readonly seq: number;
  readonly valueLength: number;
  /** A put whose value is stored off-tree. */
  readonly large: boolean;
}

/** A node of the tree as plain data (the engine's NodeView with bytes as hex + decoded). */
export interface NodeData {
  readonly address: AddressData;
  readonly kind: 'leaf' | 'internal';
  readonly level: number;
  /** Bytes shared by every key in the node (stored once). */
  readonly prefix: { readonly hex: Hex; readonly length: number };
  /** Leaf: the full keys. Internal: the pivots (child i covers [keys[i-1], keys[i])). */
  readonly keys: readonly KeyView[];
  /** How each key is stored: length shared with the prefix, then the stored suffix. */
  readonly stored: readonly { readonly shared: number; readonly suffixHex: Hex }[];
  /** Leaf only: each value's length and whether it lives off-tree. */
  readonly values: readonly { readonly length: number; readonly large: boolean }[];
  /** Internal only. */
  readonly children: readonly AddressData[];
  readonly buffer: readonly BufferedMessageView[];
  /** Internal: journal segments newest first, then the base image. */
  readonly chain: readonly AddressData[];
  readonly encodedBytes: number;
  /** 0..1 of nodeSize (leaf) or fanout (internal). */
  readonly fill: number;
  readonly bufferBytes: number;
  readonly bufferFill: number;
}

/** A version in the catalog. */
export interface VersionData {
  readonly id: number;
  readonly parents: readonly number[];
  readonly branch: string;
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly message: string;
  readonly root: AddressData;
  readonly stats: { readonly puts: number; readonly deletes: number; readonly rangeDeletes: number; readonly bytesWritten: number };
}

/**
 * The sizes of a store file, as the CLI's `info --json` (`sizes`) and the Overview show them
 * (defined in app/service/sizes.ts). `fileBytes = usedBytes + preallocatedBytes` and
 * `usedBytes = reachableBytes + deadBytes`.
 */
export interface StoreSizesData {
  /** File size on disk (its length), preallocated tail included. */
  readonly fileBytes: number;
  /** Bytes used: the header and every committed block, up to the committed end. */
  readonly usedBytes: number;
  /** Preallocated tail: zero-filled space reserved ahead of the next commits. */
  readonly preallocatedBytes: number;
  /** Used bytes some retained version (or the catalog, or the header) still reaches. */
  readonly reachableBytes: number;
  /** Dead bytes: used bytes no version reaches any more; `compact` drops them. */
  readonly deadBytes: number;
}

/** Cheap facts about an open store (no tree walk). */
export interface StoreInfoData {
  readonly path: string;
  /** Bytes used (header and committed blocks); see {@link StoreSizesData.usedBytes}. */
  readonly fileSize: number;
  /** File size on disk: `fileSize` plus the preallocated tail; see {@link StoreSizesData.fileBytes}. */
  readonly diskBytes: number;
  readonly formatVersion: number;
  readonly height: number;
  readonly versions: number;
  readonly head: VersionData;
  readonly branch: string;
  readonly params: { readonly nodeSize: number; readonly fanout: number; readonly bufferSize: number; readonly blobThreshold: number };
  readonly readOnly: boolean;
  readonly writerPid?: number;
  /**
   * Set when the file is damaged behind its last checkpoint with intact commits after the damage
   * (FORMAT.md §11.1): the store was opened read-only up to the damage, so the commits after it
   * are not shown. `offset` is the first damaged byte; `message` says what to do, in one line.
   */
  readonly damage?: { readonly offset: number; readonly message: string };
}

/** Statistics from a full walk of the tree (`store.analyze`). */
export interface TreeStatsData {
  readonly height: number;
  /** Nodes per level, index 0 the root, last the leaves. */
  readonly nodesPerLevel: readonly number[];
  /** Histogram of leaf fill in 10 buckets of 10% each. */
  readonly leafFill: readonly number[];
  /** Per internal level: `level` counts up from the leaves (0), `depth` down from the root (0). */
  readonly bufferOccupancy: readonly { readonly level: number; readonly depth: number; readonly nodes: number; readonly messages: number; readonly bytes: number; readonly fill: number }[];
  /** Live records (buffered messages applied). */
  readonly records: number;
  /** Bytes of the walked version's tree: its nodes with their journal chains, and its large values. */
  readonly liveBytes: number;
  /** Dead bytes, as `sizes.deadBytes`: used bytes no retained version reaches (compaction drops them). */
  readonly deadBytes: number;
  /** The file's sizes, measured with the walk (the same numbers as `thunderhead info --json`). */
  readonly sizes: StoreSizesData;
  readonly largeValues: { readonly count: number; readonly bytes: number };
}

/** Why an open store is read-only. */
export type ReadOnlyReason = 'requested' | 'locked' | 'file-permissions';

/** Result of `store.open`. */
export interface OpenResult {
  /** Handle for every later call about this store. */
  readonly storeId: string;
  readonly path: string;
  readonly readOnly: boolean;
  /** Present when `readOnly`; 'locked' means another process writes it (it refreshes live). */
  readonly readOnlyReason?: ReadOnlyReason;
  /** The process holding the writer lock, when one does. */
  readonly writer?: { readonly pid: number; readonly host: string };
  readonly info: StoreInfoData;
}

/**
 * A file the host granted for a user's choice: `file` is the handle every later request names
 * it by; `path` and `name` are for showing (the renderer never sends paths of its own making).
 */
export interface FileRef {
  readonly file: string;
  readonly path: string;
  readonly name: string;
}

/** What a request does with a file, checked against the grant behind its handle. */
export type FileUse = 'store' | 'read' | 'save' | 'reveal' | 'list';

/** One entry of the serve host's file picker (`files.list`). */
export interface FileEntry {
  readonly ref: FileRef;
  readonly kind: 'file' | 'dir';
  /** Bytes (files only). */
  readonly size?: number;
}

/** A recently opened file. */
export interface RecentFile {
  readonly path: string;
  /** Handle to open it again; absent when this host may not reach it (serve: outside its allowed places). */
  readonly file?: string;
  /** Milliseconds since the epoch. */
  readonly openedAt: number;
  /** Whether the file still exists (checked when listed). */
  readonly exists: boolean;
}

/** The colour theme; 'system' follows the OS. */
export type Theme = 'dark' | 'light' | 'system';

/** Which host runs the service, and what it can do beyond the contract. */
export interface AppInfo {
  readonly host: 'electron' | 'serve' | 'test';
  readonly version: string;
  /** Files named on the command line (open these first), granted. */
  readonly initialFiles: readonly FileRef[];
  readonly demoPath: string | null;
  /** Native open/save dialogs (Electron); without them the UI asks for a path as text. */
  readonly dialogs: boolean;
  /** Typed paths are accepted (serve: inside its allowed places); false in Electron (handles only). */
  readonly typedPaths: boolean;
  /** The places typed paths may reach (serve's `--allow-dir` folders and named files). */
  readonly allowedPlaces: { readonly files: readonly string[]; readonly dirs: readonly string[] };
  /** This session may not write anything (serve --read-only): no edit mode, exports or workloads. */
  readonly readOnlySession: boolean;
  /** "Reveal in folder" is available. */
  readonly reveal: boolean;
  /** How to run the CLI where the host runs (`npx thunderhead`, or `thunderhead` when on PATH), for hints. */
  readonly cliCommand: string;
}

/** One step on the root-to-leaf path of `tree.findKey`. */
export interface PathStep {
  readonly address: AddressData;
  readonly level: number;
  /** Internal: which child the key descends into. Leaf: the slot of the key, or -1. */
  readonly index: number;
  /** Buffered messages in this node that touch the key (newest wins when reading). */
  readonly messages: readonly BufferedMessageView[];
}

/** Result of `tree.findKey`. */
export interface KeyPathResult {
  readonly key: KeyView;
  readonly path: readonly PathStep[];
  /** Whether the key is live (after applying buffered messages on the path). */
  readonly found: boolean;
  readonly value?: { readonly length: number; readonly large: boolean };
}

/** Result of `records.page`. */
export interface PageResult {
  readonly rows: readonly RecordRow[];
  /** Pass as `after` to get the next page; null when the range is exhausted. */
  readonly nextAfter: Hex | null;
  /** Store version the page was read from (pages stay consistent with `store.changed`). */
  readonly version: number;
}

/** Result of `records.count`. */
export interface CountResult {
  /** Records in the range (buffered messages applied), in the version read. */
  readonly count: number;
  /** Store version counted. */
  readonly version: number;
  /** Positions per block: the `every` asked for. */
  readonly every: number;
  /** The query the count applied, when one was given. */
  readonly where?: string;
  /**
   * The key ending each full block, in scan order: `marks[j]` is the key at position
   * `(j + 1) · every − 1`. `records.page` with `after: marks[j − 1]` (none for j = 0) reads the
   * rows from position `j · every`: how a list jumps to any position of a counted range.
   * Only for a count with `where`: without one, `records.pageAt` reaches any position directly.
   */
  readonly marks: readonly Hex[];
}

/** Result of `records.value`. */
export interface ValueResult {
  readonly found: boolean;
  readonly key: KeyView;
  readonly value: ValueView | null;
}

/** Result of `records.export`. */
export interface ExportResult {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
}

// ---------------------------------------------------------------------------------------------
// The contract
// ---------------------------------------------------------------------------------------------

/**
 * Every inspector method: its request schema (validated by every host) and its response type.
 * Methods that take `jobId` are long-running: progress arrives as `job.progress` events with
 * that id, and `job.cancel` stops them (the call then fails with code `CANCELLED`).
 */
export const contract = {
  // -- app / host ------------------------------------------------------------------------------
  /** Host, version, files named on the command line, capabilities. */
  'app.info': { request: empty, response: returns<AppInfo>() },
  /** Theme saved in the user's settings. */
  'theme.get': { request: empty, response: returns<{ readonly theme: Theme }>() },
  /** Saves the theme; hosts apply it (Electron sets nativeTheme) and emit `theme.changed`. */
  'theme.set': { request: z.strictObject({ theme: themeSchema }), response: returns<{ readonly theme: Theme }>() },
  /**
   * Native open dialog (Electron): the chosen file, granted for opening, reading and importing
   * (`{ path: null }` when cancelled or unsupported).
   */
  'host.chooseOpenPath': { request: empty, response: returns<{ readonly path: string | null; readonly file?: string }>() },
  /**
   * Native save dialog (Electron): the chosen target, granted for `records.export` to create or
   * replace (the dialog asked about replacing); `{ path: null }` when cancelled or unsupported.
   */
  'host.chooseSavePath': {
    request: z.strictObject({ defaultName: z.string().max(255).optional(), format: z.enum(['jsonl', 'csv']).optional() }),
    response: returns<{ readonly path: string | null; readonly file?: string }>(),
  },
  /**
   * Electron: a file dropped on the window, as the preload resolved it from the dropped File;
   * granted for opening as a store only. UNSUPPORTED elsewhere.
   */
  'host.grantDropped': { request: z.strictObject({ path: filePath }), response: returns<FileRef>() },
  /** Shows a granted file in the OS file manager (Electron). */
  'host.reveal': { request: z.strictObject(fileFields).refine(...oneFile), response: returns<{ readonly ok: boolean }>() },
  /**
   * The serve host's file picker: without `dir`, the allowed places (folders and named files);
   * with a folder's handle, its entries (folders first, then files, by name; at most 2000).
   */
  'files.list': { request: z.strictObject({ dir: fileHandle.optional() }), response: returns<{ readonly dir: FileRef | null; readonly entries: readonly FileEntry[]; readonly truncated: boolean }>() },
  /** Cancels a running job (analyze, export); `cancelled` is false if it had already ended. */
  'job.cancel': { request: z.strictObject({ jobId }), response: returns<{ readonly cancelled: boolean }>() },

  // -- files -----------------------------------------------------------------------------------
  /**
   * Opens a store file. Read-only unless `readOnly: false`; a file another process writes opens
   * read-only with `readOnlyReason: 'locked'` and emits `store.changed` as its commits land.
   */
  'store.open': {
    request: z.strictObject({
      ...fileFields,
      readOnly: z.boolean({ error: 'must be true or false' }).default(true),
    }).refine(...oneFile),
    response: returns<OpenResult>(),
  },
  /** Closes a store opened with `store.open` (the file is released when every opener closed it). */
  'store.close': { request: z.strictObject({ storeId }), response: returns<{ readonly closed: boolean }>() },
  /** Recently opened files, newest first. */
  'store.recent': { request: empty, response: returns<{ readonly files: readonly RecentFile[] }>() },
  /** Forgets one recent file, or all when `path` is absent. */
  'store.forgetRecent': { request: z.strictObject({ path: z.string().optional() }), response: returns<{ readonly files: readonly RecentFile[] }>() },
  /** Path of the bundled demo store, if there is one, and its handle. */
  'store.demoPath': { request: empty, response: returns<{ readonly path: string | null; readonly exists: boolean; readonly file?: string }>() },
  /** Cheap facts: file size, format version, height, versions, head, parameters. */
  'store.info': { request: z.strictObject({ storeId }), response: returns<StoreInfoData>() },
  /**
   * Walks every node for the overview statistics. A job: may take seconds on big stores.
   * `at` (here and in `records.*`, `tree.root`, `tree.findKey`): a version id or a snapshot or
   * branch name to read instead of the head (time travel); see `atVersion`.
   */
  'store.analyze': { request: z.strictObject({ storeId, jobId: jobId.optional(), at: atVersion.optional() }), response: returns<TreeStatsData>() },

  // -- records ---------------------------------------------------------------------------------
  /**
   * One page of records through a cursor: never loads more than `limit` rows. Continue with
   * `after: nextAfter` from the previous page (exclusive, in scan direction). With `where` (a
   * query, app/contract/find.ts) only matching records are returned; a page may then scan
   * many more records than it returns (bounded by the range).
   */
  'records.page': {
    request: z.strictObject({
      storeId,
      range: rangeInput.optional(),
      where: queryText.optional(),
      after: hex.optional(),
      limit: z.int({ error: 'must be a positive integer' })
        .positive({ error: 'must be a positive integer' })
        .max(PAGE_LIMIT_MAX, { error: `must be at most ${PAGE_LIMIT_MAX}` })
        .default(PAGE_LIMIT_DEFAULT),
      at: atVersion.optional(),
    }),
    response: returns<PageResult>(),
  },
  /**
   * The exact number of records in a range. Without `where`: one O(log n) engine count, no
   * marks (reach positions with `records.pageAt`). With `where`: a job that streams the range
   * through the query, O(records in range), marking every `every`-th match so a list can reach
   * any position of the filtered rows (`CountResult.marks`); progress counts matches so far
   * (`done`, a lower bound of the total while it runs; `total` -1 until the end).
   */
  'records.count': {
    request: z.strictObject({
      storeId,
      range: rangeInput.optional(),
      where: queryText.optional(),
      every: z.int({ error: 'must be a positive integer' })
        .positive({ error: 'must be a positive integer' })
        .max(PAGE_LIMIT_MAX, { error: `must be at most ${PAGE_LIMIT_MAX}` })
        .default(PAGE_LIMIT_DEFAULT),
      at: atVersion.optional(),
      jobId: jobId.optional(),
    }),
    response: returns<CountResult>(),
  },
  /** The full value of one key (loaded lazily: large values are only read here). */
  'records.value': { request: z.strictObject({ storeId, key: keyInput, at: atVersion.optional() }), response: returns<ValueResult>() },
  /**
   * Exports a range to a JSONL or CSV file: `file`, a save handle (`host.chooseSavePath`), or a
   * typed `path` inside the host's allowed folders. Refuses to replace a file unless `overwrite`;
   * the file is created with mode 0600 (exports hold the store's data), whatever the umask.
   * A job: progress counts rows written (`total` is -1 when unknown).
   */
  'records.export': {
    request: z.strictObject({
      storeId,
      range: rangeInput.optional(),
      format: z.enum(['jsonl', 'csv'], { error: "must be 'jsonl' or 'csv'" }),
      ...fileFields,
      overwrite: z.boolean().default(false),
      jobId: jobId.optional(),
    }).refine(...oneFile),
    response: returns<ExportResult>(),
  },

  // -- tree ------------------------------------------------------------------------------------
  /** The root node's address and the tree height. */
  'tree.root': { request: z.strictObject({ storeId, at: atVersion.optional() }), response: returns<{ readonly address: AddressData; readonly height: number; readonly version: number }>() },
  /** One node by address (children are fetched one node at a time, as the user expands). */
  'tree.node': { request: z.strictObject({ storeId, address: addressInput }), response: returns<NodeData>() },
  /** The root-to-leaf path of a key and the buffered messages on it that touch the key. */
  'tree.findKey': { request: z.strictObject({ storeId, key: keyInput, at: atVersion.optional() }), response: returns<KeyPathResult>() },

  // -- versions (issue 6), locks (issue 7), edits (issue 8), merge (issue 17): one map per feature ---------------
  ...versionMethods,
  ...diffMethods,
  ...lockMethods,
  ...editMethods,
  ...mergeMethods,
  ...findMethods,
} as const;

// ---------------------------------------------------------------------------------------------
// Derived types
// ---------------------------------------------------------------------------------------------

/** The contract's type. */
export type Contract = typeof contract;
/** Every method name. */
export type Method = keyof Contract;
/** What a caller sends (defaults optional). */
export type RequestOf<M extends Method> = z.input<Contract[M]['request']>;
/** What a handler receives (after validation and defaults). */
export type ParsedRequestOf<M extends Method> = z.output<Contract[M]['request']>;
/** What a successful call returns. */
export type ResponseOf<M extends Method> = Contract[M]['response'];

/** Stable error codes: the engine's StoreError codes plus the service's own. */
export type ErrorCode =
  | 'BAD_REQUEST' | 'UNKNOWN_METHOD' | 'UNKNOWN_STORE' | 'CANCELLED' | 'UNSUPPORTED' | 'INTERNAL' | 'FORBIDDEN'
  | 'NOT_A_STORE' | 'FORMAT_VERSION' | 'CORRUPT' | 'LOCKED' | 'KEY_TOO_LARGE' | 'INVALID_ARGUMENT'
  | 'READ_ONLY' | 'CLOSED' | 'VERSION_NOT_FOUND' | 'FILE_STATE' | 'CONFLICT' | 'NOT_FOUND' | 'PERMISSION'
  /** A put without `overwrite` named a key that exists. */
  | 'EXISTS';

/** A failure as it crosses the boundary: a stable code and one line a person can act on. */
export interface ServiceErrorData {
  readonly code: ErrorCode | (string & {});
  readonly message: string;
}

/** What every call resolves to: a result or an error, never a thrown stack. */
export type Outcome<M extends Method> = { readonly result: ResponseOf<M> } | { readonly error: ServiceErrorData };

/** Events pushed by the service (over IPC `on`, or WebSocket `{ event }` messages). */
export type ServiceEvent =
  /** A job made progress. `total` is -1 when unknown. */
  | { readonly type: 'job.progress'; readonly jobId: string; readonly method: Method; readonly done: number; readonly total: number; readonly phase?: string }
  /** New commits landed in an open store (another process wrote it); refetch what is shown. */
  | { readonly type: 'store.changed'; readonly storeId: string; readonly version: number; readonly previousVersion: number; readonly info: StoreInfoData }
  /** An open store was closed (by request, or because its file went away). */
  | { readonly type: 'store.closed'; readonly storeId: string; readonly reason: string }
  /** The theme changed (from the menu or another window). */
  | { readonly type: 'theme.changed'; readonly theme: Theme }
  /** The host asks the UI to open a file it granted (menu, drag and drop, second instance, command line). */
  | { readonly type: 'host.open'; readonly path: string; readonly file: string; readonly readOnly?: boolean }
  /** The host asks the UI to close the current store (File › Close). */
  | { readonly type: 'host.closeStore' }
  | VersionEvent
  | LockEvent
  | EditEvent;

/** Every event type name. */
export type ServiceEventType = ServiceEvent['type'];
/** The event with a given type name. */
export type EventOf<T extends ServiceEventType> = Extract<ServiceEvent, { type: T }>;

// ---------------------------------------------------------------------------------------------
// Wire formats
// ---------------------------------------------------------------------------------------------

/** Client → server over WebSocket. */
export interface WireRequest<M extends Method = Method> {
  readonly id: number | string;
  readonly method: M;
  readonly params: RequestOf<M>;
}
/** Server → client over WebSocket: a call's reply, or a pushed event. */
export type WireMessage =
  | { readonly id: number | string; readonly result: unknown }
  /** `id` is null when the message itself could not be read (not JSON, no id). */
  | { readonly id: number | string | null; readonly error: ServiceErrorData }
  | { readonly event: ServiceEvent };

/** Prefix of the IPC channels: main binds exactly one channel per method, `thunderhead:<method>`. */
export const IPC_METHOD_PREFIX = 'thunderhead:';
/** The IPC channel main sends service events on (Electron host). */
export const IPC_EVENT_CHANNEL = 'thunderhead-event';

/** The IPC channel of a method. */
export function ipcChannel(method: Method): string {
  return `${IPC_METHOD_PREFIX}${method}`;
}

/** What preload exposes as `window.thunderhead` (Electron); the serve transport mimics it. */
export interface ThunderheadBridge {
  call<M extends Method>(method: M, params: RequestOf<M>): Promise<Outcome<M>>;
  /** Subscribes to every event; returns the unsubscribe function. */
  on(listener: (event: ServiceEvent) => void): () => void;
  /** Subscribes to one event type; returns the unsubscribe function. */
  on<T extends ServiceEventType>(type: T, listener: (event: EventOf<T>) => void): () => void;
  /**
   * Electron only: grants a dropped File for opening as a store and returns its handle. The
   * preload resolves the File's path itself (the page only hands over the File the drop gave
   * it), so page script cannot name a path. Absent in the serve host, where drops have no path.
   */
  grantDroppedFile?(file: File): Promise<Outcome<'host.grantDropped'>>;
}

// ---------------------------------------------------------------------------------------------
// Validation helpers (shared by every host so messages read the same everywhere)
// ---------------------------------------------------------------------------------------------

/** True if `name` is a method of the contract (guards raw strings from IPC and sockets). */
export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

/**
 * Validates a raw request: the parsed value, or one line saying what is wrong. Never throws:
 * size and depth are checked first ({@link checkRequestShape}), then the schema. O(size).
 */
export function parseRequest<M extends Method>(
  method: M,
  raw: unknown,
): { readonly ok: true; readonly value: ParsedRequestOf<M> } | { readonly ok: false; readonly message: string } {
  const schema = contract[method].request as unknown as z.ZodType<ParsedRequestOf<M>>;
  try {
    // Size and depth first, without recursion: a schema walks the value recursively, and a deep
    // enough value would overflow the stack of the host validating it.
    const tooBig = checkRequestShape(raw);
    if (tooBig !== null) return { ok: false, message: `bad request to ${method}: ${tooBig}` };
    // reportInput lets the messages tell "missing" from "wrong type".
    const parsed = schema.safeParse(raw ?? {}, { reportInput: true });
    if (parsed.success) return { ok: true, value: parsed.data };
    return { ok: false, message: `bad request to ${method}: ${describeIssues(parsed.error.issues)}` };
  } catch {
    // A value no schema can read (a getter that throws, a stack still too shallow): refused,
    // never thrown at the host.
    return { ok: false, message: `bad request to ${method}: the request could not be read` };
  }
}

/** One line from zod issues: `limit must be a positive integer; path is required`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.slice(0, 3).map(describeIssue);
  if (issues.length > 3) parts.push(`and ${issues.length - 3} more problem(s)`);
  return parts.join('; ');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? issue.path.map(String).join('.') : 'request';
  if (issue.code === 'unrecognized_keys') return `${where === 'request' ? 'request' : where} has unknown field(s) ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type' && where === 'request') return 'request must be an object';
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${where} is required`;
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) return `${where} must be ${article(issue.expected)} (got ${kindOf(issue.input)})`;
  if (issue.message.startsWith('Invalid input')) return `${where} is invalid (${issue.message.replace(/^Invalid input:?\s*/, '') || issue.code})`;
  return `${where} ${issue.message}`;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function kindOf(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  return typeof input;
}
