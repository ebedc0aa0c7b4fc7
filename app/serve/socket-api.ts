/**
 * The API over one WebSocket: each text frame is one request, answered by one reply. Everything
 * a client sends passes one error boundary, in this order: the frame's size (ws refuses frames
 * over the limit before buffering them), JSON parsing, size and nesting depth (measured without
 * recursion), the envelope, then the service (which validates the params against the schema).
 * Whatever goes wrong becomes a one-line `{ id, error }` reply or closes this socket; it never
 * reaches the process, and no stack trace reaches the client.
 */
import type { WebSocket } from 'ws';
import { checkRequestShape } from '../contract';
import type { WireMessage } from '../contract';
import type { ServiceSession } from '../service/index';

/** A socket whose unsent replies exceed this is not reading them: it is closed, not buffered forever. */
export const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/** The part of the socket's session it uses. */
export type CallTarget = Pick<ServiceSession, 'call'>;

type Id = number | string | null;

function failure(id: Id, code: string, message: string): WireMessage {
  return { id, error: { code, message } };
}

/**
 * Handles one text frame and resolves with the reply. Never rejects, never throws. O(size of
 * the message) before the service runs.
 */
export async function handleFrame(service: CallTarget, text: string): Promise<WireMessage> {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return failure(null, 'BAD_REQUEST', 'message is not valid JSON');
  }
  const envelope = (message !== null && typeof message === 'object' && !Array.isArray(message) ? message : {}) as { id?: unknown; method?: unknown; params?: unknown };
  const id: Id = typeof envelope.id === 'number' || typeof envelope.id === 'string' ? envelope.id : null;
  const tooBig = checkRequestShape(message);
  if (tooBig !== null) return failure(id, 'BAD_REQUEST', tooBig);
  if (id === null || typeof envelope.method !== 'string') {
    return failure(id, 'BAD_REQUEST', 'a message needs {id: number|string, method: string, params}');
  }
  try {
    const outcome = await service.call(envelope.method, envelope.params ?? {});
    return 'error' in outcome ? { id, error: outcome.error } : { id, result: outcome.result };
  } catch {
    // The service resolves every failure as { error }; this is the boundary's last line.
    return failure(id, 'INTERNAL', `internal error while handling ${envelope.method.slice(0, 80)}`);
  }
}

/** Options of {@link attachSocket}. */
export interface SocketOptions {
  readonly service: CallTarget;
  /** Called once when the socket is gone (closed, failed, or terminated by us). */
  onGone(): void;
}

/** A socket being served: the heartbeat asks {@link ServedSocket.beat} once per interval. */
export interface ServedSocket {
  /** Sends a pushed message (an event); drops a socket that stopped reading. */
  push(text: string): void;
  /**
   * One heartbeat: terminates the socket when it did not answer the previous ping (a dead
   * peer, a suspended laptop, a half-open connection), else pings it again.
   */
  beat(): void;
}

/** Serves the API on an accepted WebSocket. O(1) to attach; each frame costs O(its size) before the service runs. */
export function attachSocket(ws: WebSocket, options: SocketOptions): ServedSocket {
  let alive = true;
  let gone = false;
  const done = (): void => {
    if (gone) return;
    gone = true;
    options.onGone();
  };
  const send = (text: string): void => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.terminate();
      return;
    }
    ws.send(text, (error) => {
      if (error) ws.terminate();
    });
  };
  // A protocol error (an oversized frame, invalid UTF-8, a bad opcode) or a reset connection:
  // ws closes this socket itself, with the close code that says why (1009, 1007…), and 'close'
  // follows. Without a listener the error would end the process.
  ws.on('error', () => undefined);
  ws.on('close', done);
  ws.on('pong', () => {
    alive = true;
  });
  ws.on('message', (data, isBinary) => {
    alive = true;
    if (isBinary) {
      send(JSON.stringify(failure(null, 'BAD_REQUEST', 'messages must be JSON text')));
      return;
    }
    void handleFrame(options.service, data.toString()).then((reply) => {
      let text: string;
      try {
        text = JSON.stringify(reply);
      } catch {
        text = JSON.stringify(failure('id' in reply ? reply.id : null, 'INTERNAL', 'internal error: the reply could not be encoded'));
      }
      send(text);
    }).catch(() => ws.terminate());
  });
  return {
    push: send,
    beat() {
      if (!alive) {
        ws.terminate();
        done();
        return;
      }
      alive = false;
      try {
        ws.ping();
      } catch {
        ws.terminate();
        done();
      }
    },
  };
}
