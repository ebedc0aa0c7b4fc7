import { describe, expect, it } from 'vitest';
import type { ServiceEvent } from '../../../app/contract';
import { ApiError, preloadTransport, requestTooLarge, serveSocketUrl, takeToken, toApiError, webSocketTransport } from './transport';

/** A stand-in WebSocket: records what is sent, lets the test play the server. */
class FakeSocket {
  static readonly OPEN = 1;
  static instances: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string, readonly protocols: string[] = []) {
    FakeSocket.instances.push(this);
  }
  send(text: string) {
    this.sent.push(text);
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  reply(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

const transport = (token: string | null = 'tok', maxRequestBytes?: number) => {
  FakeSocket.instances = [];
  const t = webSocketTransport({ url: 'ws://h/api', token, WebSocketImpl: FakeSocket as unknown as typeof WebSocket, minDelay: 1, maxDelay: 2, ...(maxRequestBytes ? { maxRequestBytes } : {}) });
  return { t, socket: () => FakeSocket.instances[FakeSocket.instances.length - 1] as FakeSocket };
};

describe('webSocketTransport', () => {
  it('queues calls until open and matches replies by id', async () => {
    const { t, socket } = transport();
    const a = t.call('store.recent', {});
    const b = t.call('app.info', {});
    expect(socket().sent).toHaveLength(0);
    socket().open();
    const sent = socket().sent.map((s) => JSON.parse(s) as { id: number; method: string });
    expect(sent.map((s) => s.method)).toEqual(['store.recent', 'app.info']);
    socket().reply({ id: sent[1]?.id, result: { host: 'serve' } });
    socket().reply({ id: sent[0]?.id, error: { code: 'NOT_FOUND', message: '/x does not exist' } });
    await expect(b).resolves.toEqual({ host: 'serve' });
    await expect(a).rejects.toMatchObject({ code: 'NOT_FOUND', message: '/x does not exist' });
  });
  it('delivers events and reconnects after a drop, failing calls in flight', async () => {
    const { t, socket } = transport();
    const events: ServiceEvent[] = [];
    t.on((e) => events.push(e));
    const states: string[] = [];
    t.onState((s) => states.push(s));
    socket().open();
    socket().reply({ event: { type: 'theme.changed', theme: 'dark' } });
    expect(events).toEqual([{ type: 'theme.changed', theme: 'dark' }]);
    const pending = t.call('app.info', {});
    const first = socket();
    first.drop();
    await expect(pending).rejects.toMatchObject({ code: 'DISCONNECTED' });
    await new Promise((r) => setTimeout(r, 10));
    expect(socket()).not.toBe(first);
    socket().open();
    expect(states).toEqual(['open', 'reconnecting', 'open']);
  });
  it('stops on a refused token', async () => {
    const { t, socket } = transport();
    socket().drop(4401);
    expect(t.state).toBe('unauthorized');
    await expect(t.call('app.info', {})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
  it('presents the token as a subprotocol, never in the URL', () => {
    const { socket } = transport('s3cret');
    expect(socket().url).toBe('ws://h/api');
    expect(socket().protocols).toEqual(['thunderhead.v1', 'thunderhead.token.s3cret']);
  });
  it('without a token, says so at once instead of trying', async () => {
    const { t } = transport(null);
    expect(FakeSocket.instances).toHaveLength(0);
    expect(t.state).toBe('unauthorized');
    await expect(t.call('app.info', {})).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/no token/) });
  });
  it('refuses a request over the host\'s limit with a clear error, sends nothing, and keeps the connection', async () => {
    const { t, socket } = transport('tok', 4096);
    socket().open();
    const call = t.call('edit.stage', { storeId: 's1', change: { op: 'put', key: { json: 'k' }, value: { json: 'v'.repeat(5000) } } });
    await expect(call).rejects.toMatchObject({ code: 'TOO_LARGE', message: expect.stringMatching(/more than the 4 KiB the inspector host accepts in one message; nothing was sent; stage a value this large from a file/) });
    expect(socket().sent).toHaveLength(0);
    expect(t.state).toBe('open');
    // Multi-byte text counts in UTF-8 bytes: 1500 × 3 bytes is over 4 KiB although 1500 characters are not.
    await expect(t.call('theme.set', { theme: '\u20ac'.repeat(1500) as never })).rejects.toMatchObject({ code: 'TOO_LARGE' });
    const small = t.call('app.info', {});
    expect(socket().sent).toHaveLength(1);
    socket().reply({ id: (JSON.parse(socket().sent[0]!) as { id: number }).id, result: { host: 'serve' } });
    await expect(small).resolves.toEqual({ host: 'serve' });
  });
});

describe('preloadTransport', () => {
  it('unwraps outcomes into results and ApiErrors', async () => {
    const t = preloadTransport({
      call: async (method) => (method === 'app.info' ? { result: { host: 'electron' } } : { error: { code: 'CORRUPT', message: 'damaged at byte 9' } }) as never,
      on: () => () => undefined,
    });
    await expect(t.call('app.info', {})).resolves.toEqual({ host: 'electron' });
    await expect(t.call('store.recent', {})).rejects.toBeInstanceOf(ApiError);
  });
  it('refuses a request over the limit before it reaches main, with the same clear error', async () => {
    const sent: string[] = [];
    const t = preloadTransport({ call: async (method) => (sent.push(method), { result: {} }) as never, on: () => () => undefined });
    const huge = { storeId: 's1', change: { op: 'put', key: { json: 'k' }, value: { json: 'v'.repeat(17 << 20) } } } as const;
    await expect(t.call('edit.stage', huge)).rejects.toMatchObject({ code: 'TOO_LARGE', message: expect.stringMatching(/more than the 16 MiB .* stage a value this large from a file/) });
    expect(sent).toEqual([]);
    expect(requestTooLarge('app.info', '{}')).toBeNull();
  });
});

describe('token and URL', () => {
  it('takes the token from the URL fragment once, then from session storage', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    let replaced = '';
    expect(takeToken({ search: '?x=1', pathname: '/', hash: '#token=abc&r=2' }, storage, (u) => (replaced = u))).toBe('abc');
    expect(replaced).toBe('/?x=1#r=2');
    expect(takeToken({ search: '', pathname: '/', hash: '#token=def' }, storage, (u) => (replaced = u))).toBe('def');
    expect(replaced).toBe('/');
    expect(takeToken({ search: '', pathname: '/', hash: '' }, storage)).toBe('def');
    // A token in the query string is not taken: it would have reached the server and its logs.
    const empty = { getItem: () => null, setItem: () => undefined };
    expect(takeToken({ search: '?token=abc', pathname: '/', hash: '' }, empty)).toBeNull();
    expect(serveSocketUrl({ protocol: 'http:', host: '127.0.0.1:5000' })).toBe('ws://127.0.0.1:5000/api');
    expect(serveSocketUrl({ protocol: 'https:', host: 'x' })).toBe('wss://x/api');
  });
  it('unwraps Electron remote-method errors', () => {
    expect(toApiError({ message: "Error invoking remote method 'thunderhead:call': Error: boom" }).message).toBe('boom');
  });
});
