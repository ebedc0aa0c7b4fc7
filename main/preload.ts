/**
 * The renderer's only door to the host: `window.thunderhead` with `call`, `on` and (for drag
 * and drop) `grantDroppedFile`. It forwards to one IPC channel per contract method; main validates
 * the sender and every argument, so this script stays dumb on purpose. It runs sandboxed, so
 * it may import nothing but `electron` (and types).
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { EventOf, Method, Outcome, RequestOf, ServiceEvent, ServiceEventType, ThunderheadBridge } from '../app/contract';

// Duplicated from app/contract (values, not types) because importing it would bundle zod into
// the sandboxed preload; app/contract's tests check they match.
const METHOD_PREFIX = 'thunderhead:';
const EVENT_CHANNEL = 'thunderhead-event';
/**
 * Reached only through `grantDroppedFile`, which resolves a real dropped File here: page script
 * can hand over a File but never a path of its own making.
 */
const DROP_METHOD = 'host.grantDropped';

function on(listener: (event: ServiceEvent) => void): () => void;
function on<T extends ServiceEventType>(type: T, listener: (event: EventOf<T>) => void): () => void;
function on(a: ServiceEventType | ((event: ServiceEvent) => void), b?: (event: never) => void): () => void {
  const type = typeof a === 'string' ? a : undefined;
  const listener = (typeof a === 'function' ? a : b) as ((event: ServiceEvent) => void) | undefined;
  if (typeof listener !== 'function') throw new TypeError('thunderhead.on needs a listener function');
  const wrapped = (_event: IpcRendererEvent, payload: ServiceEvent): void => {
    if (type === undefined || payload.type === type) listener(payload);
  };
  ipcRenderer.on(EVENT_CHANNEL, wrapped);
  return () => {
    ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
  };
}

const bridge: ThunderheadBridge = {
  async call<M extends Method>(method: M, params: RequestOf<M>): Promise<Outcome<M>> {
    if (typeof method !== 'string') return { error: { code: 'UNKNOWN_METHOD', message: 'method must be a string' } };
    if (method === DROP_METHOD) return { error: { code: 'FORBIDDEN', message: `${DROP_METHOD} is reached through grantDroppedFile(file) only` } };
    try {
      return (await ipcRenderer.invoke(`${METHOD_PREFIX}${method}`, params)) as Outcome<M>;
    } catch (error) {
      // Only an unbound channel gets here (main answers every bound one with an outcome).
      const message = error instanceof Error ? error.message : String(error);
      return { error: { code: /No handler registered/.test(message) ? 'UNKNOWN_METHOD' : 'INTERNAL', message: /No handler registered/.test(message) ? `unknown method ${method}` : message } };
    }
  },
  on,
  async grantDroppedFile(file: File) {
    let path = '';
    try {
      path = webUtils.getPathForFile(file);
    } catch {
      // Not a File from a drop or a file input: it has no path.
    }
    if (!path) return { error: { code: 'INVALID_ARGUMENT', message: 'the dropped item is not a file on disk' } };
    return (await ipcRenderer.invoke(`${METHOD_PREFIX}${DROP_METHOD}`, { path })) as Outcome<'host.grantDropped'>;
  },
};

contextBridge.exposeInMainWorld('thunderhead', bridge);
