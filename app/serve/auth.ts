/**
 * Who may talk to the serve host. Three checks, each cheap and each made before anything else
 * reads the request:
 *  - the Host header names this server (a DNS-rebinding page reaches the port under its own
 *    name, and is refused), and a WebSocket's Origin, when present, is this server's;
 *  - the API (`/api`) needs the per-run token, compared in constant time. A page presents it as
 *    a WebSocket subprotocol (browsers cannot set headers on a WebSocket); other clients as
 *    `Authorization: Bearer`. No cookie is ever set: cookies are not port-scoped, so every
 *    other server on 127.0.0.1 would receive it.
 *  - request targets are parsed without throwing (`GET http://[ HTTP/1.1` is a 400, not a crash).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SERVE_TOKEN_PROTOCOL_PREFIX } from '../contract';

/** Bind addresses the serve host accepts. */
export const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** True when `given` is the token. Constant time in the token's length. O(length). */
export function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer …` header, if any. O(1). */
export function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/** The offered WebSocket subprotocols (`Sec-WebSocket-Protocol`), trimmed. O(header length). */
export function offeredProtocols(request: IncomingMessage): string[] {
  const header = request.headers['sec-websocket-protocol'];
  if (typeof header !== 'string') return [];
  return header.split(',').map((p) => p.trim()).filter(Boolean);
}

/** The token a page offered as a `thunderhead.token.<token>` subprotocol, if any. O(header length). */
export function protocolToken(request: IncomingMessage): string | undefined {
  const offered = offeredProtocols(request).find((p) => p.startsWith(SERVE_TOKEN_PROTOCOL_PREFIX));
  return offered?.slice(SERVE_TOKEN_PROTOCOL_PREFIX.length);
}

/** True when the request carries the token (subprotocol or bearer header). O(header length). */
export function hasToken(request: IncomingMessage, token: string): boolean {
  return sameToken(protocolToken(request), token) || sameToken(bearerToken(request), token);
}

/**
 * The request target as a URL, or null when it is not one (`http://[`, `//`, garbage). Only the
 * path is used; the host part of an absolute-form target is ignored (Host is checked apart).
 * O(length).
 */
export function requestUrl(request: IncomingMessage): URL | null {
  try {
    return new URL(request.url ?? '/', 'http://serve.invalid');
  } catch {
    return null;
  }
}

/** The Host and Origin values this server answers to, once it knows its port. */
export class HostCheck {
  #hosts = new Set<string>();

  /** Allows the loopback names of `port` (and `urlHost`, the name it was bound under). O(1). */
  listen(urlHost: string, port: number): void {
    this.#hosts = new Set([`${urlHost}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  }

  /** True when the Host header names this server. O(1). */
  hostAllowed(request: IncomingMessage): boolean {
    return this.#hosts.has(request.headers.host ?? '');
  }

  /** True when the Origin header is absent (not a browser) or this server's own. O(1). */
  originAllowed(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined) return true;
    const match = /^http:\/\/(.+)$/.exec(origin);
    return match !== null && this.#hosts.has(match[1]!);
  }
}
