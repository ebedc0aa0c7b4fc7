/**
 * Hostile clients against the serve host. The crash cases run against a real `thunderhead serve`
 * process (a crash is then an exit, not an error some harness swallows); the timeout cases run
 * in-process with short timeouts. After EVERY case the host must still answer a valid request,
 * and nothing a client received may hold a stack trace. The stage of an open store (what a user
 * would lose with the host) must survive all of it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Store } from '../../engine/index';
import { REPO_ROOT, tempDir } from '../cli/testing';
import { REQUEST_MAX_BYTES, SERVE_CLOSE_UNAUTHORIZED, SERVE_TOKEN_PROTOCOL_PREFIX, SERVE_WS_PROTOCOL } from '../contract';
import type { WireMessage } from '../contract';
import { startServe } from './serve';

/** What a stack trace looks like in text: `    at fn (file.ts:12:3)` or a bare `file.js:12:3`. */
const STACK = /\n\s+at\s|\bat\s.*\(.*:\d+:\d+\)|\.(?:ts|js|mjs):\d+:\d+/;

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.remove());

interface Host {
  readonly port: number;
  readonly token: string;
  readonly child: ChildProcess;
  stderr(): string;
}

/** Starts `thunderhead serve FILE --json` and resolves once it printed its URL. */
async function spawnServe(file: string): Promise<Host> {
  const config = tmp.path('config');
  mkdirSync(config, { recursive: true });
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'thunderhead.mjs'), 'serve', file, '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, XDG_CONFIG_HOME: config },
  });
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const printed = await new Promise<{ port: number; token: string }>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line && out.includes('\n')) resolve(JSON.parse(line) as { port: number; token: string });
    });
    child.once('exit', (code) => reject(new Error(`serve exited early (${code}): ${err}`)));
  });
  return { ...printed, child, stderr: () => err };
}

/** Writes raw bytes to the port and resolves with everything received once the server closes. */
function raw(port: number, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const socket = netConnect({ host: '127.0.0.1', port }, () => socket.write(bytes));
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (got += c));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(got));
  });
}

/** An upgrade request to /api with a WebSocket key; `target` replaces the path when given. */
function upgradeRequest(port: number, token: string, target = '/api'): string {
  return [
    `GET ${target} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    `Sec-WebSocket-Protocol: ${SERVE_WS_PROTOCOL}, ${SERVE_TOKEN_PROTOCOL_PREFIX}${token}`,
    '',
    '',
  ].join('\r\n');
}

/** An API socket as the page opens it. Resolves once open, or with how it was refused. */
function openApi(port: number, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, [SERVE_WS_PROTOCOL, `${SERVE_TOKEN_PROTOCOL_PREFIX}${token}`]);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
    ws.once('error', reject);
    ws.once('close', (code) => reject(new Error(`closed before opening: ${code}`)));
  });
}

/** Everything a socket received, as text, and how it closed. */
function record(ws: WebSocket): { texts: string[]; closed: Promise<number> } {
  const texts: string[] = [];
  ws.on('message', (data: Buffer) => texts.push(data.toString()));
  ws.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  return { texts, closed };
}

/** Sends one message and resolves with the reply carrying `id` (or the first id-less reply). */
function rpc(ws: WebSocket, text: string | Buffer, id: number | null, binary = false): Promise<WireMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (data: Buffer): void => {
      const reply = JSON.parse(data.toString()) as WireMessage;
      if ('id' in reply && reply.id === id) {
        ws.off('message', onMessage);
        resolve(reply);
      }
    };
    ws.on('message', onMessage);
    ws.once('close', (code) => reject(new Error(`closed with ${code}`)));
    ws.send(text, { binary });
  });
}

/** `promise`, or a rejection naming `what` after 8 s (well inside the test's 30 s). */
function within<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 8000);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('serve host under hostile input (a real `thunderhead serve` process)', () => {
  it('survives every malformed request, frame and message; answers after each; keeps the stage; no stack reaches a client', async () => {
    const file = tmp.path('fuzz.th');
    Store.create(file).close();
    const host = await spawnServe(file);
    const { port, token } = host;
    const received: string[] = [];
    let nextId = 100;

    const alive = async (what: string): Promise<void> => {
      expect(host.child.exitCode, `the host exited after: ${what}\n${host.stderr()}`).toBeNull();
      const ws = await openApi(port, token);
      const id = nextId++;
      const reply = await rpc(ws, JSON.stringify({ id, method: 'app.info', params: {} }), id);
      expect(reply, `no answer after: ${what}`).toMatchObject({ id, result: { host: 'serve' } });
      ws.close();
    };

    try {
      // A stage to keep: open the file, switch to edit, stage one change.
      const keeper = await openApi(port, token);
      const opened = await rpc(keeper, JSON.stringify({ id: 1, method: 'store.open', params: { path: file } }), 1);
      if (!('result' in opened)) throw new Error(JSON.stringify(opened));
      const storeId = (opened.result as { storeId: string }).storeId;
      expect(await rpc(keeper, JSON.stringify({ id: 2, method: 'edit.begin', params: { storeId } }), 2)).toHaveProperty('result');
      expect(await rpc(keeper, JSON.stringify({ id: 3, method: 'edit.stage', params: { storeId, change: { op: 'put', key: { json: 'kept' }, value: { json: 1 } } } }), 3)).toHaveProperty('result');

      // --- Raw HTTP: request lines and targets that are not URLs, on plain HTTP and on the upgrade path.
      const httpCases: [string, string | Buffer][] = [
        ['GET http://[ (plain)', `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`],
        ['GET http://[ (upgrade)', upgradeRequest(port, token, 'http://[')],
        ['GET http://[ (upgrade, no token)', upgradeRequest(port, 'x', 'http://[')],
        ['GET //[ (plain)', `GET //[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`],
        ['bad percent-encoding', `GET /%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`],
        ['garbage bytes', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a])],
        ['no HTTP version', `GET /\r\n\r\n`],
        ['oversized header', `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`],
        ['POST to the bundle', `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`],
        ['upgrade without the token', upgradeRequest(port, '').replace(/Sec-WebSocket-Protocol: .*\r\n/, '')],
        ['upgrade with a broken key', upgradeRequest(port, token).replace('dGhlIHNhbXBsZSBub25jZQ==', '!!')],
      ];
      for (const [what, bytes] of httpCases) {
        const reply = await raw(port, bytes);
        received.push(reply);
        expect(reply, what).toMatch(/^HTTP\/1\.1 (4\d\d)/);
        await alive(what);
      }

      // --- No token, wrong token.
      const refused = await new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api`);
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('error', () => resolve(-1));
      });
      expect(refused).toBe(401);
      const wrong = new WebSocket(`ws://127.0.0.1:${port}/api`, [SERVE_WS_PROTOCOL, `${SERVE_TOKEN_PROTOCOL_PREFIX}${'x'.repeat(token.length)}`]);
      expect(await record(wrong).closed).toBe(SERVE_CLOSE_UNAUTHORIZED);
      await alive('wrong token');

      // --- Messages on an authorized socket: each gets a one-line error, the socket stays.
      const ws = await openApi(port, token);
      const seen = record(ws);
      const bad: [string, string | Buffer, number | null, RegExp, boolean?][] = [
        ['not JSON', 'not json', null, /not valid JSON/],
        ['JSON null', 'null', null, /needs \{id/],
        ['JSON array', '[1,2]', null, /needs \{id/],
        ['no method', JSON.stringify({ id: 10 }), 10, /needs \{id/],
        ['method not a string', JSON.stringify({ id: 11, method: 5 }), 11, /needs \{id/],
        ['unknown method', JSON.stringify({ id: 12, method: 'fs.readFile', params: {} }), 12, /unknown method/],
        ['prototype method', JSON.stringify({ id: 13, method: 'constructor', params: {} }), 13, /unknown method/],
        ['schema-invalid params', JSON.stringify({ id: 14, method: 'records.page', params: { storeId, limit: 'all' } }), 14, /limit must be/],
        ['params not an object', JSON.stringify({ id: 15, method: 'records.page', params: 'x' }), 15, /must be an object/],
        ['12 KB deeply nested message', nested(6000), null, /nests more than/],
        ['deeply nested params', `{"id":16,"method":"edit.stage","params":{"storeId":"${storeId}","change":{"op":"put","key":{"text":"k"},"value":{"json":${nested(6000)}}}}}`, 16, /nests more than/],
        ['deeply nested object keys', `{"id":17,"method":"app.info","params":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`, 17, /nests more than/],
        ['binary frame', Buffer.from('{"id":18}'), null, /JSON text/, true],
      ];
      for (const [what, message, id, says, binary] of bad) {
        const reply = await rpc(ws, message, id, binary ?? false);
        expect(reply, what).toMatchObject({ id, error: { code: expect.stringMatching(/^(BAD_REQUEST|UNKNOWN_METHOD)$/) } });
        expect((reply as { error: { message: string } }).error.message, what).toMatch(says);
        await alive(what);
      }

      // --- A legitimate large edit (a 2 MiB JSON value: over the old 1 MiB frame limit) is staged.
      const big = { id: 19, method: 'edit.stage', params: { storeId, change: { op: 'put', key: { json: 'big' }, value: { json: 'v'.repeat(2 << 20) } } } };
      expect(await rpc(ws, JSON.stringify(big), 19)).toMatchObject({ id: 19, result: {} });
      await alive('a 2 MiB edit');
      ws.close();
      received.push(...seen.texts);

      // --- Protocol errors close that socket only: a frame over the limit, invalid UTF-8 in a text frame.
      const oversized = await openApi(port, token);
      const oversizedSeen = record(oversized);
      oversized.send(`"${'x'.repeat(REQUEST_MAX_BYTES)}"`);
      expect(await oversizedSeen.closed).toBe(1009);
      await alive('a frame over the limit');
      const badText = await openApi(port, token);
      const badTextSeen = record(badText);
      badText.send(Buffer.from([0x7b, 0xff, 0xfe, 0xc3, 0x28, 0x7d]), { binary: false });
      expect(await badTextSeen.closed).toBe(1007);
      await alive('invalid UTF-8');
      received.push(...oversizedSeen.texts, ...badTextSeen.texts);

      // The stage survived everything: both changes are listed.
      const list = await rpc(keeper, JSON.stringify({ id: 20, method: 'edit.list', params: { storeId } }), 20);
      const rows = (list as { result: { rows: { key: { json: unknown } }[] } }).result.rows;
      expect(rows.map((r) => r.key.json).sort()).toEqual(['big', 'kept']);
      keeper.close();

      for (const text of received) expect(text).not.toMatch(STACK);
      expect(host.stderr()).not.toMatch(STACK);
    } finally {
      host.child.kill('SIGTERM');
      await new Promise((resolve) => (host.child.exitCode !== null ? resolve(null) : host.child.once('exit', resolve)));
    }
  }, 60_000);
});

describe('serve host with slow and silent clients (in-process, short timeouts)', () => {
  const bundle = (): string => {
    const dir = tmp.path('bundle');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>T</title>');
    return dir;
  };

  it('closes a client that never finishes its headers and one that says nothing, serving others meanwhile', async () => {
    const h = await startServe({ files: [], rendererDir: bundle(), demoPath: null, timeouts: { headersMs: 1000 } });
    try {
      const slow = netConnect({ host: '127.0.0.1', port: h.port });
      const silent = netConnect({ host: '127.0.0.1', port: h.port });
      const slowClosed = new Promise<string>((resolve) => {
        let got = '';
        slow.setEncoding('utf8').on('data', (c: string) => (got += c));
        slow.on('error', () => undefined);
        slow.on('close', () => resolve(got));
      });
      const silentClosed = new Promise<void>((resolve) => {
        silent.on('error', () => undefined);
        silent.on('close', () => resolve());
      });
      slow.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\nX-Slow: `);
      // While they dawdle, others are served.
      // Each wait is bounded and named: this test once timed out whole under a loaded full suite
      // (1 run in ~10, not reproduced alone), and a bare timeout did not say which wait hung.
      const ws = await within('the API socket to open', openApi(h.port, h.token));
      expect(await within('app.info to answer', rpc(ws, JSON.stringify({ id: 1, method: 'app.info', params: {} }), 1))).toMatchObject({ result: { host: 'serve' } });
      ws.close();
      expect(await within('the slow client to be closed', slowClosed)).toMatch(/^(HTTP\/1\.1 408|)/);
      await within('the silent client to be closed', silentClosed);
    } finally {
      await within('the host to close', h.close());
    }
  }, 30_000);

  it('closes a WebSocket whose peer stops answering pings', async () => {
    const h = await startServe({ files: [], rendererDir: bundle(), demoPath: null, timeouts: { heartbeatMs: 50 } });
    try {
      // A peer that completed the handshake and then went silent (it never answers a ping).
      const dead = netConnect({ host: '127.0.0.1', port: h.port }, () => dead.write(upgradeRequest(h.port, h.token)));
      let handshake = '';
      dead.setEncoding('latin1').on('data', (c: string) => (handshake += c));
      dead.on('error', () => undefined);
      await new Promise<void>((resolve) => dead.on('close', () => resolve()));
      expect(handshake).toMatch(/^HTTP\/1\.1 101 /);
      expect(handshake).toContain(`Sec-WebSocket-Protocol: ${SERVE_WS_PROTOCOL}\r\n`);
      expect(handshake).not.toContain(h.token);
    } finally {
      await h.close();
    }
  }, 30_000);
});
