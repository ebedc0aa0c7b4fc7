/**
 * The renderer bundle over HTTP. The bundle is the app's own code and holds no secret, so it is
 * served without the token (a page cannot present one for its `<script src>` requests without
 * a cookie, and cookies would leak to every 127.0.0.1 port); the token guards the API only.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** The Content-Security-Policy of served pages: same origin only, no inline code, no remote content. O(1). */
export function serveCsp(origin: string): string {
  const ws = origin.replace(/^http/, 'ws');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${ws}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Answers with a short plain-text body (errors: one line, never a stack). O(length of text). */
export function sendText(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = Buffer.from(`${text}\n`);
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(body.length),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  response.end(body);
}

/**
 * Serves `pathname` from the bundle in `root`: a file, the app's index for client-side routes,
 * or a 404. Never steps outside `root`. O(file size).
 */
export function serveStatic(root: string, pathname: string, response: ServerResponse, origin: string, head: boolean): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    sendText(response, 400, '400 Bad Request: the path is not valid percent-encoding');
    return;
  }
  const index = join(root, 'index.html');
  if (!existsSync(index)) {
    sendText(response, 503, `The inspector bundle is not built (${index} is missing): run \`npm run build\`.`);
    return;
  }
  let file = normalize(join(root, decoded));
  // Never step outside the bundle directory, whatever the path says.
  if (file !== root && !file.startsWith(root + sep)) {
    sendText(response, 404, '404 Not Found');
    return;
  }
  const isFile = existsSync(file) && statSync(file).isFile();
  if (!isFile) {
    // Client-side routes fall back to the app; a missing asset is a real 404.
    if (extname(decoded) !== '') {
      sendText(response, 404, '404 Not Found');
      return;
    }
    file = index;
  }
  const headers: Record<string, string> = {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': file === index ? 'no-store' : 'no-cache',
  };
  if (file === index) headers['Content-Security-Policy'] = serveCsp(origin);
  const body = readFileSync(file);
  headers['Content-Length'] = String(body.length);
  response.writeHead(200, headers);
  response.end(head ? undefined : body);
}
