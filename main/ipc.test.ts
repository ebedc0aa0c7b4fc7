import { describe, expect, it, vi } from 'vitest';
import { contract, ipcChannel } from '../app/contract';
import type { Method, Outcome } from '../app/contract';

vi.mock('electron', () => ({ ipcMain: { handle: vi.fn(), removeHandler: vi.fn() } }));

const { bindIpc, checkCall, trustedSender } = await import('./ipc');
const { isAppUrl } = await import('./security');

type Listener = (event: unknown, ...args: unknown[]) => Promise<Outcome<Method>>;

function recorder() {
  const handlers = new Map<string, Listener>();
  return {
    handlers,
    ipcMain: {
      handle: vi.fn((channel: string, listener: Listener) => void handlers.set(channel, listener)),
      removeHandler: vi.fn((channel: string) => void handlers.delete(channel)),
    },
  };
}

const frame = { url: 'thunderhead://app/index.html' };
const goodEvent = { sender: { id: 7, mainFrame: frame }, senderFrame: frame };
const isTrusted = trustedSender((url) => isAppUrl(url), (id) => id === 7);

describe('IPC binding', () => {
  it('binds exactly one channel per contract method and nothing else', () => {
    const { ipcMain, handlers } = recorder();
    const service = { call: vi.fn() };
    const unbind = bindIpc(ipcMain as never, service, isTrusted);
    expect([...handlers.keys()].sort()).toEqual(Object.keys(contract).map((m) => ipcChannel(m as Method)).sort());
    unbind();
    expect(handlers.size).toBe(0);
  });

  it('forwards a valid call from the app window to the service', async () => {
    const { ipcMain, handlers } = recorder();
    const service = { call: vi.fn(async () => ({ result: { theme: 'dark' } }) as Outcome<Method>) };
    const seen: Method[] = [];
    bindIpc(ipcMain as never, service, isTrusted, (method) => seen.push(method));
    const outcome = await handlers.get(ipcChannel('theme.set'))!(goodEvent, { theme: 'dark' });
    expect(outcome).toEqual({ result: { theme: 'dark' } });
    expect(service.call).toHaveBeenCalledWith('theme.set', { theme: 'dark' });
    expect(seen).toEqual(['theme.set']);
  });

  it('rejects calls from other frames, windows or pages without reaching the service', async () => {
    const { ipcMain, handlers } = recorder();
    const service = { call: vi.fn() };
    bindIpc(ipcMain as never, service, isTrusted);
    const open = handlers.get(ipcChannel('store.open'))!;
    const iframe = { url: 'thunderhead://app/index.html' };
    const bad = [
      { sender: { id: 7, mainFrame: frame }, senderFrame: { url: 'https://evil.example/' } },
      { sender: { id: 8, mainFrame: frame }, senderFrame: frame },
      { sender: { id: 7, mainFrame: frame }, senderFrame: iframe },
      { sender: { id: 7, mainFrame: frame }, senderFrame: null },
      { sender: null, senderFrame: frame },
      { sender: { id: 7, mainFrame: { url: 'file:///x' } }, senderFrame: { url: 'file:///x' } },
    ];
    for (const event of bad) {
      const outcome = await open(event, { path: '/etc/passwd' });
      expect(outcome).toMatchObject({ error: { code: 'FORBIDDEN' } });
    }
    expect(service.call).not.toHaveBeenCalled();
  });

  it('rejects malformed arguments with the contract message', async () => {
    const { ipcMain, handlers } = recorder();
    const service = { call: vi.fn() };
    bindIpc(ipcMain as never, service, isTrusted);
    const page = handlers.get(ipcChannel('records.page'))!;
    expect(await page(goodEvent, { storeId: 's1', limit: 'all' })).toEqual({ error: { code: 'BAD_REQUEST', message: 'bad request to records.page: limit must be a positive integer' } });
    expect(await page(goodEvent, { storeId: 's1' }, 'extra')).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    expect(await page(goodEvent, 'storeId')).toMatchObject({ error: { code: 'BAD_REQUEST', message: 'bad request to records.page: request must be an object' } });
    expect(service.call).not.toHaveBeenCalled();
    expect(checkCall('app.info', goodEvent, [], isTrusted)).toBeNull();
  });
});

describe('IPC handler under hostile arguments (protocol fuzz)', () => {
  const STACK = /\n\s+at\s|\bat\s.*\(.*:\d+:\d+\)|\.(?:ts|js|mjs):\d+:\d+/;
  const nestedArray = (depth: number): unknown => {
    let v: unknown = 1;
    for (let i = 0; i < depth; i++) v = [v];
    return v;
  };
  const nestedObject = (depth: number): unknown => {
    let v: unknown = 1;
    for (let i = 0; i < depth; i++) v = { a: v };
    return v;
  };

  it('answers every hostile call with a one-line outcome, never a rejection or a stack, and still answers after each', async () => {
    const { ipcMain, handlers } = recorder();
    const calls: unknown[] = [];
    const service = {
      call: vi.fn(async (method: string, params: unknown) => {
        calls.push(params);
        if (method === 'store.close') throw new TypeError('boom from the service');
        return { result: { ok: true } } as Outcome<Method>;
      }),
    };
    bindIpc(ipcMain as never, service, isTrusted, (method) => {
      if (method === 'store.recent') throw new Error('observer failed');
    });
    const cyclic: Record<string, unknown> = { storeId: 's1' };
    cyclic.self = cyclic;
    const throwing = { get storeId(): string { throw new Error('getter exploded'); } };
    const wide = { storeId: 's1', range: { from: { json: Array.from({ length: 3_000_000 }, () => 1) } } };
    const cases: [string, string, unknown[], RegExp][] = [
      ['deep array (12 KB of brackets)', 'records.page', [{ storeId: 's1', range: { from: { json: nestedArray(6000) } } }], /nests more than 300 levels/],
      ['deep object', 'edit.stage', [{ storeId: 's1', change: { op: 'put', key: { json: 'k' }, value: { json: nestedObject(6000) } } }], /nests more than 300 levels/],
      ['deep top level', 'app.info', [nestedArray(100_000)], /nests more than 300 levels/],
      ['cyclic', 'records.page', [cyclic], /nests more than 300 levels/],
      ['huge string', 'records.page', [{ storeId: 'x'.repeat(17 * 1024 * 1024) }], /larger than 16 MiB/],
      ['huge array', 'records.page', [wide], /larger than 16 MiB/],
      ['huge typed array', 'records.page', [{ storeId: 's1', after: new Uint8Array(17 * 1024 * 1024) }], /larger than 16 MiB/],
      ['a getter that throws', 'records.page', [throwing], /could not be read/],
      ['schema-invalid', 'records.page', [{ storeId: 5 }], /storeId must be a string/],
      ['a Map', 'records.page', [new Map([['storeId', 's1']])], /bad request to records\.page/],
      ['extra arguments', 'records.page', [{ storeId: 's1' }, 'extra'], /expected one parameters object/],
      ['the service throws', 'store.close', [{ storeId: 's1' }], /^internal error while handling store\.close$/],
    ];
    for (const [what, method, args, says] of cases) {
      const handler = handlers.get(ipcChannel(method as Method))!;
      const outcome = await handler(goodEvent, ...args);
      expect(outcome, what).toHaveProperty('error');
      const message = (outcome as { error: { message: string } }).error.message;
      expect(message, what).toMatch(says);
      expect(message, what).not.toMatch(STACK);
      expect(message.split('\n'), what).toHaveLength(1);
      expect(await handlers.get(ipcChannel('app.info'))!(goodEvent, {}), `still answers after: ${what}`).toEqual({ result: { ok: true } });
    }
    // An observer that throws does not fail a call that succeeded.
    expect(await handlers.get(ipcChannel('store.recent'))!(goodEvent, {})).toEqual({ result: { ok: true } });
    // Only the valid calls (and the one the service threw on) reached the service.
    expect(calls.length).toBe(cases.length + 2);
  });

  it('refuses a hostile call from a foreign frame before measuring it', async () => {
    const { ipcMain, handlers } = recorder();
    const service = { call: vi.fn() };
    bindIpc(ipcMain as never, service, isTrusted);
    const outcome = await handlers.get(ipcChannel('records.page'))!({ sender: null, senderFrame: null }, nestedArray(6000));
    expect(outcome).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(service.call).not.toHaveBeenCalled();
  });
});
