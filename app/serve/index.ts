/** The serve host: the inspector over HTTP + WebSocket on loopback with a per-run token. */
export { DEFAULT_DEMO_PATH, DEFAULT_RENDERER_DIR, DEFAULT_SERVE_TIMEOUTS, REPO_ROOT, ServeError, checkLoopback, serveCsp, startServe } from './serve';
export type { ServeHandle, ServeOptions, ServeTimeouts } from './serve';
export { SERVE_USAGE, defaultSettingsPath, serveCommand, stopServeCommand } from './serve-command';
