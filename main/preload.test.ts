import { describe, expect, it, vi } from 'vitest';
import type { ServiceEvent, ThunderheadBridge } from '../app/contract';
import { IPC_EVENT_CHANNEL } from '../app/contract';

const state = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  listeners: new Map<string, Set<(event: unknown, payload: unknown) => void>>(),
  invoke: vi.fn(async (channel: string, params: unknown) => {
    if (channel === 'thunderhead:nope') throw new Error("Error invoking remote method 'thunderhead:nope': Error: No handler registered for 'thunderhead:nope'");
    return { result: { channel, params } };
  }),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (name: string, api: unknown) => state.exposed.set(name, api) },
  ipcRenderer: {
    invoke: state.invoke,
    on: (channel: string, fn: (event: unknown, payload: unknown) => void) => {
      const set = state.listeners.get(channel) ?? new Set();
      set.add(fn);
      state.listeners.set(channel, set);
    },
    removeListener: (channel: string, fn: (event: unknown, payload: unknown) => void) => state.listeners.get(channel)?.delete(fn),
  },
  webUtils: { getPathForFile: () => '/dropped/file.th' },
}));

await import('./preload');
const bridge = state.exposed.get('thunderhead') as ThunderheadBridge;

describe('preload bridge', () => {
  it('exposes only call, on and grantDroppedFile', () => {
    expect([...state.exposed.keys()]).toEqual(['thunderhead']);
    expect(Object.keys(bridge).sort()).toEqual(['call', 'grantDroppedFile', 'on']);
  });

  it('grants a drop from the File itself; page script cannot name a path for it', async () => {
    expect(await bridge.grantDroppedFile!({} as File)).toEqual({ result: { channel: 'thunderhead:host.grantDropped', params: { path: '/dropped/file.th' } } });
    expect(await bridge.call('host.grantDropped', { path: '/home/user/.ssh/id_ed25519' })).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(state.invoke).not.toHaveBeenCalledWith('thunderhead:host.grantDropped', { path: '/home/user/.ssh/id_ed25519' });
  });

  it('forwards a call to the method channel and reports unbound ones as unknown', async () => {
    expect(await bridge.call('theme.get', {})).toEqual({ result: { channel: 'thunderhead:theme.get', params: {} } });
    expect(await bridge.call('nope' as 'theme.get', {})).toMatchObject({ error: { code: 'UNKNOWN_METHOD' } });
  });

  it('delivers events, all or by type, until unsubscribed', () => {
    const all: ServiceEvent[] = [];
    const opens: ServiceEvent[] = [];
    const offAll = bridge.on((e) => all.push(e));
    const offOpen = bridge.on('host.open', (e) => opens.push(e));
    const emit = (payload: ServiceEvent): void => state.listeners.get(IPC_EVENT_CHANNEL)?.forEach((fn) => fn({}, payload));
    emit({ type: 'host.open', path: '/a.th', file: 'fh_0123456789abcdef0' });
    emit({ type: 'host.closeStore' });
    expect(all.length).toBe(2);
    expect(opens).toEqual([{ type: 'host.open', path: '/a.th', file: 'fh_0123456789abcdef0' }]);
    offAll();
    offOpen();
    emit({ type: 'host.closeStore' });
    expect(all.length).toBe(2);
  });
});
