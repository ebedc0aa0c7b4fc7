import { beforeEach, describe, expect, it, vi } from 'vitest';

// A stand-in for the parts of Electron the window code touches; no binary needed.
const state = vi.hoisted(() => ({
  windows: [] as { options: unknown; handlers: Map<string, (...args: unknown[]) => void>; openHandler?: (d: unknown) => unknown; url?: string }[],
  headersListener: undefined as undefined | ((details: unknown, cb: (r: unknown) => void) => void),
  permission: undefined as undefined | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void),
  schemes: [] as unknown[],
  answer: 0,
  asked: [] as unknown[],
}));

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: unknown;
    constructor(options: unknown) {
      const record = { options, handlers: new Map<string, (...args: unknown[]) => void>() } as (typeof state.windows)[number];
      state.windows.push(record);
      this.webContents = {
        setWindowOpenHandler: (fn: (d: unknown) => unknown) => (record.openHandler = fn),
        on: (name: string, fn: (...args: unknown[]) => void) => record.handlers.set(name, fn),
      };
      this.loadURL = async (url: string) => void (record.url = url);
    }
    loadURL: (url: string) => Promise<void>;
    once(): void {}
    show(): void {}
  }
  return {
    BrowserWindow,
    net: { fetch: vi.fn() },
    protocol: { registerSchemesAsPrivileged: (s: unknown[]) => state.schemes.push(...s), handle: vi.fn() },
    session: { defaultSession: {} },
    dialog: { showMessageBoxSync: (_win: unknown, options: unknown) => (state.asked.push(options), state.answer) },
  };
});

const { createMainWindow, registerAppScheme, secureSession } = await import('./window');
const { APP_URL, CONTENT_SECURITY_POLICY } = await import('./security');

beforeEach(() => {
  state.windows.length = 0;
});

describe('main window', () => {
  it('is created with the secure options and loads the app URL', () => {
    createMainWindow({ preloadPath: '/out/preload/index.cjs', dark: true, onOpenPath: () => undefined });
    const [win] = state.windows;
    expect(win!.options).toMatchObject({ webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, preload: '/out/preload/index.cjs' } });
    expect(win!.url).toBe(APP_URL);
  });

  it('asks before a window with staged changes closes, and closes only when told to discard', () => {
    createMainWindow({ preloadPath: '/p', dark: false, onOpenPath: () => undefined });
    const [win] = state.windows;
    const unload = win!.handlers.get('will-prevent-unload')!;
    const keep = vi.fn();
    state.answer = 0;
    unload({ preventDefault: keep });
    expect(keep).not.toHaveBeenCalled();
    const discard = vi.fn();
    state.answer = 1;
    unload({ preventDefault: discard });
    expect(discard).toHaveBeenCalledTimes(1);
    expect(state.asked[0]).toMatchObject({ message: 'Staged changes are not committed', buttons: ['Keep editing', 'Discard changes and close'] });
  });

  it('denies new windows and navigation, and opens dropped files instead', () => {
    const opened: string[] = [];
    createMainWindow({ preloadPath: '/p', dark: false, onOpenPath: (p) => opened.push(p) });
    const [win] = state.windows;
    expect(win!.openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    const prevent = vi.fn();
    win!.handlers.get('will-navigate')!({ preventDefault: prevent }, 'https://example.com/');
    win!.handlers.get('will-navigate')!({ preventDefault: prevent }, 'file:///data/a.th');
    win!.handlers.get('will-redirect')!({ preventDefault: prevent }, 'https://example.com/');
    expect(prevent).toHaveBeenCalledTimes(3);
    expect(opened).toEqual(['/data/a.th']);
    const attach = vi.fn();
    win!.handlers.get('will-attach-webview')!({ preventDefault: attach });
    expect(attach).toHaveBeenCalled();
  });

  it('sets the CSP on every response and refuses every permission', () => {
    const ses = {
      webRequest: { onHeadersReceived: (fn: typeof state.headersListener) => (state.headersListener = fn) },
      setPermissionRequestHandler: (fn: typeof state.permission) => (state.permission = fn),
      setPermissionCheckHandler: vi.fn(),
    };
    secureSession(ses as never);
    let response: { responseHeaders: Record<string, string[]> } | undefined;
    state.headersListener!({ responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => (response = r as typeof response));
    expect(response!.responseHeaders['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    let granted: boolean | undefined;
    state.permission!({}, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
  });

  it('registers the app scheme as a secure standard origin', () => {
    registerAppScheme();
    expect(state.schemes).toContainEqual(expect.objectContaining({ scheme: 'thunderhead', privileges: expect.objectContaining({ standard: true, secure: true }) }));
  });
});
