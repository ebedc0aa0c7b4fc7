/**
 * The Electron host's security rules as pure functions, so tests check them without Electron:
 * window options, the Content-Security-Policy, which URLs count as the app, and what to do
 * when something tries to navigate or open a window.
 */
import { fileURLToPath } from 'node:url';
import type { BrowserWindowConstructorOptions } from 'electron';

/** The privileged scheme the renderer bundle is served from (a real origin, unlike file://). */
export const APP_SCHEME = 'thunderhead';
/** The renderer's origin in the packaged app. */
export const APP_ORIGIN = `${APP_SCHEME}://app`;
/** The renderer's start page. */
export const APP_URL = `${APP_ORIGIN}/index.html`;

/**
 * The Content-Security-Policy of every response the renderer receives: its own origin only,
 * no inline or eval'd script, no remote content of any kind, no plugins, no framing.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** webPreferences every window gets. The preload is the renderer's only door to the host. */
export function secureWebPreferences(preloadPath: string): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  };
}

/** Options of the main window. */
export function mainWindowOptions(preloadPath: string, dark: boolean): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Thunderhead',
    // Paint the theme's background before the first frame, so opening never flashes white.
    backgroundColor: dark ? '#14161a' : '#fafafa',
    webPreferences: secureWebPreferences(preloadPath),
  };
}

/** Response headers with the CSP set (replacing any the response carried, whatever its case). */
export function withCsp(headers: Record<string, string[] | string> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    out[name] = Array.isArray(value) ? value : [value];
  }
  out['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  out['X-Content-Type-Options'] = ['nosniff'];
  return out;
}

/**
 * True when `url` belongs to the app: the packaged scheme's origin, or (development only) the
 * electron-vite dev server origin passed in `devOrigin`.
 */
export function isAppUrl(url: string, devOrigin?: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (`${parsed.protocol}//${parsed.host}` === APP_ORIGIN) return true;
  return devOrigin !== undefined && parsed.origin === devOrigin;
}

/** What to do with an attempted navigation. */
export type NavigationDecision = { readonly allow: false; readonly openPath?: string };

/**
 * Navigations are never allowed: the app is a single page. A file dropped on the window that
 * the page did not handle becomes a navigation to its file:// URL; we turn that into "open
 * this store" instead of loading the file as a page.
 */
export function decideNavigation(url: string): NavigationDecision {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'file:') return { allow: false, openPath: decodeURIComponent(parsed.pathname.replace(/^\/([A-Za-z]:)/, '$1')) };
  } catch {
    // Not a URL at all: deny.
  }
  return { allow: false };
}

/**
 * Store files named on the command line. Electron's argv is `[exe, …args]` when packaged and
 * `[exe, appPath, …args]` in development; flags (Chromium's and ours) are skipped. A Linux
 * desktop entry opens a double-clicked file with `%U`, which file managers may fill with a
 * `file://` URL: that becomes its path.
 */
export function filesFromArgv(argv: readonly string[], packaged: boolean): string[] {
  return argv
    .slice(packaged ? 1 : 2)
    .filter((arg) => arg !== '' && !arg.startsWith('-') && arg !== '.')
    .map((arg) => (arg.startsWith('file://') ? fileURLToPath(arg) : arg));
}
