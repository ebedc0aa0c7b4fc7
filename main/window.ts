/**
 * Creating the inspector window and its session with the rules from ./security applied:
 * secure webPreferences, the CSP on every response, the app scheme serving only the bundle,
 * navigation and new windows denied, permission requests refused.
 */
import { BrowserWindow, dialog, net, protocol, session } from 'electron';
import type { Session } from 'electron';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_SCHEME, APP_URL, decideNavigation, mainWindowOptions, withCsp } from './security';

/** Must run before `app.ready`: makes the app scheme a standard, secure origin. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/**
 * Serves `rendererDir` on the app scheme. Paths are confined to that directory, and unknown
 * paths fall back to index.html (client-side routes).
 */
export function serveRenderer(ses: Session, rendererDir: string): void {
  const root = normalize(rendererDir);
  ses.protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'app') return new Response('not found', { status: 404 });
    const file = normalize(join(root, decodeURIComponent(url.pathname)));
    if (file !== root && !file.startsWith(root + sep)) return new Response('not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString()).catch(() => null);
    const found = response && response.ok ? response : await net.fetch(pathToFileURL(join(root, 'index.html')).toString());
    const headers = new Headers(found.headers);
    for (const [name, values] of Object.entries(withCsp({}))) headers.set(name, values.join(', '));
    return new Response(found.body, { status: found.status, headers });
  });
}

/** Applies the session-wide rules: CSP on every response, and no permission is ever granted. */
export function secureSession(ses: Session): void {
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details.responseHeaders) });
  });
  ses.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

/** Options of {@link createMainWindow}. */
export interface MainWindowOptions {
  readonly preloadPath: string;
  readonly dark: boolean;
  /** The electron-vite dev server (development only); the app scheme otherwise. */
  readonly devUrl?: string;
  /** A file dropped on the window that the page did not handle. */
  readonly onOpenPath: (path: string) => void;
}

/** Creates the main window with every guard in place, and loads the renderer. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions(options.preloadPath, options.dark));
  const contents = window.webContents;
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const guard = (event: { preventDefault(): void }, url: string): void => {
    event.preventDefault();
    const decision = decideNavigation(url);
    if (decision.openPath) options.onOpenPath(decision.openPath);
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // The renderer refuses to unload while changes are staged (beforeunload); Electron would then
  // silently keep the window open. Ask, as an editor does, and close only if told to.
  contents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(window, {
      type: 'warning',
      buttons: ['Keep editing', 'Discard changes and close'],
      defaultId: 0,
      cancelId: 0,
      message: 'Staged changes are not committed',
      detail: 'Closing drops them. Review & commit them first to keep them.',
    });
    if (choice === 1) event.preventDefault();
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(options.devUrl ?? APP_URL);
  return window;
}

/** The default session (exported so tests and index share one place that names it). */
export function defaultSession(): Session {
  return session.defaultSession;
}
