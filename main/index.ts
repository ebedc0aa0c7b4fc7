/**
 * Electron main: one window on the inspector service, a native menu, the open dialog, a path
 * on the command line, single instance. All inspector work is the service's (app/service);
 * this file wires the host around it. File paths reach the service only from the user's own
 * choices (./choices); the window is one service session, ended when the window closes.
 */
import { BrowserWindow, Menu, app, dialog, ipcMain, nativeTheme, shell } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IPC_EVENT_CHANNEL } from '../app/contract';
import type { Method, Outcome, ServiceEvent, Theme } from '../app/contract';
import type { Service, ServiceSession } from '../app/service/index';
import { createElectronService, offerOpen } from './choices';
import { bindIpc, trustedSender } from './ipc';
import { menuTemplate } from './menu';
import { filesFromArgv, isAppUrl } from './security';
import { createMainWindow, defaultSession, registerAppScheme, secureSession, serveRenderer } from './window';

const here = dirname(fileURLToPath(import.meta.url));
const devUrl = !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : undefined;
const devOrigin = devUrl ? new URL(devUrl).origin : undefined;

let window: BrowserWindow | null = null;
let service: Service;
/** The window's session: what it opened, edits, jobs and demos end when the window closes. */
let windowSession: ServiceSession | null = null;
let openPath: string | null = null;
let pendingOpen: string[] = [];

function send(event: ServiceEvent): void {
  if (window && !window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, event);
}

/** Grants a file the user chose and asks the renderer to open it (errors show in the window). */
function requestOpen(path: string, kind: 'open' | 'store' = 'store'): void {
  if (!window) {
    pendingOpen.push(path);
    return;
  }
  if (window.isMinimized()) window.restore();
  window.focus();
  offerOpen(service, path, kind);
}

async function chooseOpenPath(): Promise<string | null> {
  const options = { title: 'Open a Thunderhead store', properties: ['openFile'] as ('openFile')[], filters: [{ name: 'Thunderhead stores', extensions: ['th', 'thunderhead', 'db'] }, { name: 'All files', extensions: ['*'] }] };
  const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : result.filePaths[0] ?? null;
}

async function chooseSavePath(request: { defaultName?: string; format?: 'jsonl' | 'csv' }): Promise<string | null> {
  const format = request.format ?? 'jsonl';
  const options = { title: 'Export records', defaultPath: request.defaultName ?? `export.${format}`, filters: [{ name: format.toUpperCase(), extensions: [format] }] };
  const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
  return result.canceled ? null : result.filePath ?? null;
}

async function rebuildMenu(): Promise<void> {
  const recent = await service.call('store.recent', {});
  const theme = await service.call('theme.get', {});
  const template = menuTemplate(
    {
      recent: 'result' in recent ? recent.result.files : [],
      theme: 'result' in theme ? theme.result.theme : 'system',
      hasOpenStore: openPath !== null,
      platform: process.platform,
      appName: app.getName(),
      development: !app.isPackaged,
    },
    {
      open: () => void chooseOpenPath().then((path) => path && requestOpen(path, 'open')),
      openRecent: (path) => requestOpen(path),
      clearRecent: () => void service.call('store.forgetRecent', {}).then(rebuildMenu),
      close: () => service.emit({ type: 'host.closeStore' }),
      reveal: () => openPath && shell.showItemInFolder(openPath),
      setTheme: (value) => void service.call('theme.set', { theme: value }).then(rebuildMenu),
      about: () => void dialog.showMessageBox({ type: 'info', title: 'About Thunderhead', message: `Thunderhead ${app.getVersion()}`, detail: 'A copy-on-write hitchhiker B+tree store and its inspector.' }),
      openDemo: () => {
        const demo = demoPath();
        if (demo) requestOpen(demo);
      },
    },
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function demoPath(): string {
  return app.isPackaged ? join(process.resourcesPath, 'demo.th') : join(app.getAppPath(), 'resources', 'demo.th');
}

function observe(method: Method, outcome: Outcome<Method>): void {
  if (!('result' in outcome)) return;
  if (method === 'store.open') {
    openPath = (outcome.result as { path: string }).path;
    void rebuildMenu();
  } else if (method === 'store.close') {
    openPath = null;
    void rebuildMenu();
  }
}

function applyTheme(theme: Theme): void {
  nativeTheme.themeSource = theme;
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    // Another instance runs: it receives our argv through 'second-instance' and opens the file.
    app.quit();
    return;
  }
  registerAppScheme();
  app.on('second-instance', (_event, argv) => {
    for (const file of filesFromArgv(argv, app.isPackaged)) requestOpen(file);
    if (window) window.focus();
  });
  app.on('open-file', (event, path) => {
    event.preventDefault();
    requestOpen(path);
  });
  app.on('web-contents-created', (_event, contents) => {
    // Belt and braces for any webContents (devtools included): no new windows, no webviews.
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (e) => e.preventDefault());
  });
  await app.whenReady();

  const initialFiles = filesFromArgv(process.argv, app.isPackaged);
  service = createElectronService(
    { version: app.getVersion(), initialFiles, demoPath: existsSync(demoPath()) ? demoPath() : null, settingsPath: join(app.getPath('userData'), 'settings.json') },
    { chooseOpen: chooseOpenPath, chooseSave: chooseSavePath, reveal: (path) => (shell.showItemInFolder(path), true), applyTheme },
  );
  const theme = await service.call('theme.get', {});
  if ('result' in theme) applyTheme(theme.result.theme);
  service.events.on(send);

  const ses = defaultSession();
  secureSession(ses);
  serveRenderer(ses, join(here, '..', 'renderer'));
  const windowTarget = {
    call: (method: string, params: unknown): Promise<Outcome<Method>> => windowSession
      ? windowSession.call(method, params)
      : Promise.resolve({ error: { code: 'CLOSED', message: 'the window is closing' } }),
  };
  bindIpc(ipcMain, windowTarget, trustedSender((url) => isAppUrl(url, devOrigin), (id) => window?.webContents.id === id), observe);
  await rebuildMenu();

  windowSession = service.session();
  window = createMainWindow({
    preloadPath: join(here, '..', 'preload', 'index.cjs'),
    dark: nativeTheme.shouldUseDarkColors,
    ...(devUrl ? { devUrl } : {}),
    onOpenPath: requestOpen,
  });
  window.on('closed', () => {
    window = null;
    // Its opens, edit mode (the writer lock), jobs and the contention demo end with it.
    windowSession?.close();
    windowSession = null;
  });
  window.webContents.once('did-finish-load', () => {
    const queued = pendingOpen;
    pendingOpen = [];
    for (const path of queued) requestOpen(path);
  });
  app.on('window-all-closed', () => {
    service.close();
    app.quit();
  });
}

void main();
