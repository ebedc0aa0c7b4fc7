/** The serve host: the inspector over HTTP + WebSocket on loopback with a per-run token. */
export { DEFAULT_DEMO_PATH, DEFAULT_RENDERER_DIR, REPO_ROOT, ServeError, checkLoopback, serveCsp, startServe } from './serve';
export type { ServeHandle, ServeOptions } from './serve';
export { SERVE_USAGE, defaultSettingsPath, serveCommand, stopServeCommand } from './serve-command';
