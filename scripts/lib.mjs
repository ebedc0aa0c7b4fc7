// Shared by scripts/start.mjs and scripts/e2e.mjs: build freshness, the demo store, and an
// in-process serve host (through tsx, the same loader bin/thunderhead.mjs uses).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const SOURCES = ['main', 'app', 'engine', 'renderer', 'electron.vite.config.ts', 'package.json', 'tsconfig.json'];
const OUTPUTS = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.') || entry.name.endsWith('.test.ts')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}

/** Why `outputs` need a rebuild from `sources` ('' when they are up to date). */
export function staleReason(outputs = OUTPUTS, sources = SOURCES) {
  const missing = outputs.find((file) => !existsSync(join(ROOT, file)));
  if (missing) return `${missing} is missing`;
  const built = Math.min(...outputs.map((file) => statSync(join(ROOT, file)).mtimeMs));
  const source = Math.max(...sources.map((path) => newestMtime(join(ROOT, path))));
  return source > built ? 'sources changed since the last build' : '';
}

/** Runs a command from the repository root, inheriting stdio; throws with `what` on failure. */
export function run(what, command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (result.error) throw new Error(`${what} failed: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${what} failed (exit code ${result.status})`);
  return result;
}

/** Builds main, preload and renderer with electron-vite when out/ is stale or missing. */
export function buildIfStale() {
  const reason = staleReason();
  if (!reason) return;
  console.log(`Building the app (${reason})…`);
  run('electron-vite build', process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']);
}

/** Creates a demo store at `path` with the CLI when it does not exist yet. */
export function ensureDemo(path, extra = []) {
  if (existsSync(path)) return;
  console.log(`Creating the demo store ${path}…`);
  run('thunderhead demo', process.execPath, [join(ROOT, 'bin', 'thunderhead.mjs'), 'demo', path, ...extra]);
}

/** Starts the serve host in this process. Resolves with its handle ({ url, close }); `url` carries the token in its fragment. */
export async function serveInProcess(options) {
  const { register } = await import('tsx/esm/api');
  register();
  const { startServe } = await import(join(ROOT, 'app', 'serve', 'serve.ts'));
  return startServe(options);
}
