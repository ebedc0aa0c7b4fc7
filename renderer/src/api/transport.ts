/**
 * One interface to the inspector API whichever host runs us:
 *  - Electron: the preload bridge `window.thunderhead` (contextBridge; main validates every call);
 *  - serve: a WebSocket to `ws://<host>/api` on the page's own origin, presenting the token
 *    as a subprotocol (the page got it in the URL fragment; no cookie is involved).
 * Views never see the difference; they only use the react-query hooks in ./hooks.
 */
// Values from the contract's import-free modules (app/contract/index.ts itself pulls in zod).
import { REQUEST_MAX_BYTES, formatLimit } from '../../../app/contract/request-limits';
import { SERVE_CLOSE_UNAUTHORIZED, SERVE_TOKEN_PARAM, SERVE_TOKEN_PROTOCOL_PREFIX, SERVE_WS_PROTOCOL } from '../../../app/contract/serve-wire';
import type {
  FileRef,
  Method,
  RequestOf,
  ResponseOf,
  ServiceEvent,
  ServiceErrorData,
  ThunderheadBridge,
  WireMessage,
  WireRequest,
} from '../../../app/contract';

declare global {
  interface Window {
    thunderhead?: ThunderheadBridge;
  }
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'unauthorized';

export interface Transport {
  readonly kind: 'electron' | 'serve';
  readonly state: ConnectionState;
  call<M extends Method>(method: M, params: RequestOf<M>): Promise<ResponseOf<M>>;
  /** Every service event; returns the unsubscribe function. */
  on(fn: (event: ServiceEvent) => void): () => void;
  /** Connection state changes (the preload bridge is always open). */
  onState(fn: (state: ConnectionState) => void): () => void;
  /** Electron only: grants a dropped file for opening as a store (its handle). */
  grantDroppedFile?(file: File): Promise<FileRef>;
}

/**
 * A failure a call reported: the service's stable code (NOT_A_STORE, CORRUPT, CANCELLED…) or one
 * of the transport's (DISCONNECTED, UNAUTHORIZED), and one line a person can act on.
 */
export class ApiError extends Error {
  readonly code: string;
  readonly method: string;
  constructor(code: string, message: string, method = '') {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.method = method;
  }
}

/** Normalizes whatever a host rejected with into an ApiError. */
export function toApiError(raw: unknown, method = ''): ApiError {
  if (raw instanceof ApiError) return raw;
  if (raw && typeof raw === 'object') {
    const r = raw as Partial<ServiceErrorData>;
    const code = typeof r.code === 'string' ? r.code : 'INTERNAL';
    let message = typeof r.message === 'string' ? r.message : 'unknown error';
    // Electron wraps errors thrown in ipcMain.handle: "Error invoking remote method 'x': Error: msg".
    const wrapped = /^Error invoking remote method '[^']*': (?:\w*Error: )?([\s\S]*)$/.exec(message);
    if (wrapped?.[1]) message = wrapped[1];
    return new ApiError(code, message, method);
  }
  return new ApiError('INTERNAL', String(raw), method);
}

/** Electron: everything goes through the preload bridge, which answers with an Outcome. */
export function preloadTransport(bridge: ThunderheadBridge): Transport {
  const t: Transport = {
    kind: 'electron',
    state: 'open',
    async call<M extends Method>(method: M, params: RequestOf<M>): Promise<ResponseOf<M>> {
      // Main refuses the same requests (with a terser message); say it here, with what to do.
      let text = '';
      try {
        text = JSON.stringify(params) ?? '';
      } catch {
        // Not JSON (main's structured clone may still carry it, or refuse it): main decides.
      }
      const tooLarge = requestTooLarge(method, text);
      if (tooLarge) throw tooLarge;
      let outcome;
      try {
        outcome = await bridge.call(method, params);
      } catch (e) {
        throw toApiError(e, method);
      }
      if ('error' in outcome) throw toApiError(outcome.error, method);
      return outcome.result;
    },
    on: (fn) => bridge.on(fn),
    onState: () => () => undefined,
  };
  const grant = bridge.grantDroppedFile;
  if (grant) {
    t.grantDroppedFile = async (file) => {
      const outcome = await grant(file);
      if ('error' in outcome) throw toApiError(outcome.error, 'host.grantDropped');
      return outcome.result;
    };
  }
  return t;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  method: string;
}

export interface WebSocketTransportOptions {
  url: string;
  /** The serve host's token (null: none was given, so the host would refuse us: say so at once). */
  token: string | null;
  /** Most bytes of one request (the host closes a socket that sends more); REQUEST_MAX_BYTES by default. */
  maxRequestBytes?: number;
  /** For tests: a WebSocket constructor. */
  WebSocketImpl?: typeof WebSocket;
  /** Reconnect backoff bounds in ms. */
  minDelay?: number;
  maxDelay?: number;
}

/** Close codes with which the serve host refuses a token (retrying cannot help). */
const REFUSED = new Set([1008, 4001, 4003, SERVE_CLOSE_UNAUTHORIZED, 4403]);

const REFUSED_MESSAGE = 'the inspector host refused this page\u2019s token: open the URL that `thunderhead serve` printed';

/** UTF-8 length of `text`, without encoding it when its length alone settles the question. */
function utf8Length(text: string, limit: number): number {
  // Each UTF-16 unit is at most 3 UTF-8 bytes.
  if (text.length * 3 <= limit) return text.length;
  return new TextEncoder().encode(text).length;
}

/**
 * A TOO_LARGE error when `text` (a request as JSON) is over `maxBytes`, else null: the page
 * refuses it before sending, says what to do, and nothing staged is lost. O(length).
 */
export function requestTooLarge(method: string, text: string, maxBytes: number = REQUEST_MAX_BYTES): ApiError | null {
  const bytes = utf8Length(text, maxBytes);
  if (bytes <= maxBytes) return null;
  const hint = method.startsWith('edit.') ? '; stage a value this large from a file' : '';
  return new ApiError('TOO_LARGE', `this request is ${(bytes / (1 << 20)).toFixed(1)} MiB, more than the ${formatLimit(maxBytes)} the inspector host accepts in one message; nothing was sent${hint}`, method);
}

/** The subprotocols the page offers: the API's own, then the token (browsers cannot set headers on a WebSocket). */
export function serveProtocols(token: string): string[] {
  return [SERVE_WS_PROTOCOL, `${SERVE_TOKEN_PROTOCOL_PREFIX}${token}`];
}

/**
 * serve: a WebSocket with request ids, sends queued while (re)connecting, exponential-backoff
 * reconnect, and events. A call in flight when the socket drops fails with DISCONNECTED
 * (react-query retries reads); calls made while reconnecting wait for the new socket.
 */
export function webSocketTransport(opts: WebSocketTransportOptions): Transport {
  const WS = opts.WebSocketImpl ?? WebSocket;
  const minDelay = opts.minDelay ?? 200;
  const maxDelay = opts.maxDelay ?? 5000;
  const listeners = new Set<(e: ServiceEvent) => void>();
  const stateListeners = new Set<(s: ConnectionState) => void>();
  const pending = new Map<number, Pending>();
  let queue: string[] = [];
  let nextId = 1;
  let socket: WebSocket | null = null;
  let state: ConnectionState = 'connecting';
  let delay = minDelay;
  let everOpened = false;

  const setState = (s: ConnectionState) => {
    if (s === state) return;
    state = s;
    for (const fn of stateListeners) fn(s);
  };

  const failPending = (code: string, message: (method: string) => string) => {
    for (const [id, p] of pending) {
      pending.delete(id);
      p.reject(new ApiError(code, message(p.method), p.method));
    }
  };

  const maxBytes = opts.maxRequestBytes ?? REQUEST_MAX_BYTES;

  const connect = () => {
    if (opts.token === null) {
      // No token in the URL and none kept for this tab: the host would refuse us.
      setState('unauthorized');
      return;
    }
    const ws = new WS(opts.url, serveProtocols(opts.token));
    socket = ws;
    ws.onopen = () => {
      everOpened = true;
      delay = minDelay;
      setState('open');
      const q = queue;
      queue = [];
      for (const m of q) ws.send(m);
    };
    ws.onmessage = (ev: MessageEvent) => {
      let msg: WireMessage;
      try {
        msg = JSON.parse(String(ev.data)) as WireMessage;
      } catch {
        return;
      }
      if ('event' in msg) {
        for (const fn of listeners) {
          try {
            fn(msg.event);
          } catch (e) {
            console.error('event listener failed', e);
          }
        }
        return;
      }
      const id = Number(msg.id);
      const p = pending.get(id);
      if (!p) return;
      pending.delete(id);
      if ('error' in msg) p.reject(toApiError(msg.error, p.method));
      else p.resolve(msg.result);
    };
    ws.onclose = (ev: CloseEvent) => {
      socket = null;
      // A refused token, or a first connection that never opened with a refusal code.
      if (REFUSED.has(ev.code)) {
        setState('unauthorized');
        failPending('UNAUTHORIZED', () => REFUSED_MESSAGE);
        queue = [];
        return;
      }
      failPending('DISCONNECTED', (m) => `lost the connection to the inspector host during ${m}; reconnecting`);
      setState(everOpened ? 'reconnecting' : 'connecting');
      setTimeout(connect, delay);
      delay = Math.min(maxDelay, delay * 2);
    };
    ws.onerror = () => {
      /* onclose follows and handles it */
    };
  };

  connect();

  return {
    kind: 'serve',
    get state() {
      return state;
    },
    call<M extends Method>(method: M, params: RequestOf<M>): Promise<ResponseOf<M>> {
      if (state === 'unauthorized') {
        return Promise.reject(new ApiError('UNAUTHORIZED', opts.token === null ? 'this page has no token for the inspector host: open the URL that `thunderhead serve` printed' : REFUSED_MESSAGE, method));
      }
      const id = nextId++;
      const request: WireRequest<M> = { id, method, params };
      const text = JSON.stringify(request);
      // The host would close the socket (and fail every call in flight): refuse here instead.
      const tooLarge = requestTooLarge(method, text, maxBytes);
      if (tooLarge) return Promise.reject(tooLarge);
      return new Promise<ResponseOf<M>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method });
        if (socket && socket.readyState === WS.OPEN) socket.send(text);
        else queue.push(text);
      });
    },
    on(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    onState(fn) {
      stateListeners.add(fn);
      return () => stateListeners.delete(fn);
    },
  };
}

const TOKEN_KEY = 'thunderhead.token';

/**
 * The serve host hands us its token in the URL fragment once (`/#token=…`: a fragment never
 * reaches a server, a log or a Referer). Keep it for this tab in sessionStorage and take it out
 * of the address bar so it stays out of history, bookmarks and screenshots.
 */
export function takeToken(
  loc: Pick<Location, 'search' | 'pathname' | 'hash'>,
  storage: Pick<Storage, 'getItem' | 'setItem'>,
  replace?: (url: string) => void,
): string | null {
  const params = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const fromUrl = params.get(SERVE_TOKEN_PARAM);
  if (fromUrl) {
    storage.setItem(TOKEN_KEY, fromUrl);
    params.delete(SERVE_TOKEN_PARAM);
    const rest = params.toString();
    replace?.(`${loc.pathname}${loc.search}${rest ? `#${rest}` : ''}`);
    return fromUrl;
  }
  return storage.getItem(TOKEN_KEY);
}

/** The WebSocket URL of the serve host that served this page (the token is not in it). */
export function serveSocketUrl(loc: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/api`;
}

/** Picks the preload bridge when present (Electron), else the serve host's WebSocket. */
export function createTransport(): Transport {
  if (window.thunderhead) return preloadTransport(window.thunderhead);
  const token = takeToken(window.location, window.sessionStorage, (url) => window.history.replaceState(null, '', url));
  return webSocketTransport({ url: serveSocketUrl(window.location), token });
}
