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
