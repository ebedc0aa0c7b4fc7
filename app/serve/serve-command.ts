/**
 * `thunderhead serve FILE… [--allow-dir DIR]… [--read-only] [--port N] [--host H] [--open] [--json]`: runs the serve host until
 * interrupted. The CLI registers this; exit codes follow the CLI contract (0 ok, 1 user error,
 * 2 usage error).
 */
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ServeError, startServe } from './serve';
import type { ServeHandle } from './serve';

/** Help text of the serve command. */
export const SERVE_USAGE = `Usage: thunderhead serve [FILE…] [--allow-dir DIR]… [--read-only] [--port N] [--open] [--json]

Serves the inspector on http://127.0.0.1 with a per-run access token and prints its URL
(http://127.0.0.1:PORT/#token=…: the token rides in the fragment; no cookie is set).
Reach it from another machine through an SSH tunnel (ssh -L PORT:127.0.0.1:PORT host).
The page reaches only the FILEs named here and files inside --allow-dir folders.

Options:
  --allow-dir DIR  let the page open, import from and export into DIR (repeatable)
  --read-only      no session may write: no edit mode, exports or demo workloads
  --port N         listen on port N (default: a random free port)
  --host H         loopback address to bind: 127.0.0.1 (default), localhost or ::1
  --open           open the inspector in the default browser, through a private (0600)
                   launch file, so the token never appears on a command line others can read
  --json           print {"url", "port", "token"} as JSON
  -h, --help       show this help`;

/** Where serve keeps recent files and the theme. */
export function defaultSettingsPath(): string {
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'thunderhead', 'settings.json');
}

/**
 * Runs the serve command with `argv` (the arguments after `serve`). Resolves with the exit code
 * once the host stops (SIGINT/SIGTERM), or at once on an error. `onStarted` lets tests stop it.
 */
export async function serveCommand(argv: readonly string[], onStarted?: (handle: ServeHandle) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        'allow-dir': { type: 'string', multiple: true, default: [] },
        'read-only': { type: 'boolean', default: false },
        host: { type: 'string' },
        open: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`thunderhead serve: ${(error as Error).message}\n${SERVE_USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${SERVE_USAGE}\n`);
    return 0;
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) {
      process.stderr.write(`thunderhead serve: --port must be an integer from 0 to 65535, not ${JSON.stringify(values.port)}\n`);
      return 2;
    }
  }
  const missing = positionals.find((file) => !existsSync(file));
  if (missing) {
    process.stderr.write(`thunderhead serve: ${missing} does not exist\n`);
    return 1;
  }
  const allowDirs = values['allow-dir'] ?? [];
  const notDir = allowDirs.find((dir) => !existsSync(dir) || !statSync(dir).isDirectory());
  if (notDir !== undefined) {
    process.stderr.write(`thunderhead serve: --allow-dir ${notDir} is not a folder\n`);
    return 1;
  }
  let handle: ServeHandle;
  try {
    handle = await startServe({
      files: positionals,
      allowDirs,
      readOnly: values['read-only'],
      ...(port !== undefined ? { port } : {}),
      ...(values.host !== undefined ? { host: values.host } : {}),
      open: values.open,
      settingsPath: defaultSettingsPath(),
    });
  } catch (error) {
    process.stderr.write(`thunderhead serve: ${error instanceof ServeError ? error.message : (error as Error).message.split('\n')[0]}\n`);
    return 1;
  }
  if (values.json) process.stdout.write(`${JSON.stringify({ url: handle.url, port: handle.port, token: handle.token })}\n`);
  else process.stdout.write(`Thunderhead inspector: ${handle.url}\n(press Ctrl+C to stop)\n`);
  onStarted?.(handle);
  return await new Promise<number>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void handle.close().then(() => done(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    stopHooks.set(handle, stop);
  });
}

const stopHooks = new WeakMap<ServeHandle, () => void>();

/** Stops a serve command started by {@link serveCommand} (as Ctrl+C would). */
export function stopServeCommand(handle: ServeHandle): void {
  stopHooks.get(handle)?.();
}
