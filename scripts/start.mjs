// `npm start [-- FILE…]`: build what is stale, make sure the demo store exists, then launch
// Electron; where no Electron binary exists and none can be fetched, serve the inspector over
// HTTP instead and print its URL.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, buildIfStale, ensureDemo, serveInProcess } from './lib.mjs';

const DEMO = join(ROOT, 'resources', 'demo.th');
const files = process.argv.slice(2);

/** Fetches the Electron binary if missing. Returns '' on success, else why it is unavailable. */
function ensureElectronBinary() {
  if (existsSync(join(ROOT, 'node_modules', 'electron', 'dist'))) return '';
  const install = join(ROOT, 'node_modules', 'electron', 'install.js');
  if (!existsSync(install)) return 'the electron package is not installed';
  // Offline boxes fail in about a second; cap it so a stalled proxy cannot hang `npm start`.
  const result = spawnSync(process.execPath, [install], { cwd: join(ROOT, 'node_modules', 'electron'), encoding: 'utf8', timeout: 120_000 });
  if (result.status === 0 && existsSync(join(ROOT, 'node_modules', 'electron', 'dist'))) return '';
  const text = `${result.stderr ?? ''}\n${result.stdout ?? ''}`;
  const line = text.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('at '));
  return result.error ? result.error.message : `download failed: ${line ?? `exit code ${result.status}`}`;
}

async function serveInstead(reason) {
  const handle = await serveInProcess({ files: files.length ? files : [DEMO], demoPath: DEMO });
  // The URL carries the token in its fragment: open it as printed (the page keeps the token for
  // its tab and takes it out of the address bar).
  console.log(`Electron binary unavailable (${reason}); serving the inspector at ${handle.url} instead`);
  const stop = () => void handle.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function launchElectron() {
  const electron = join(ROOT, 'node_modules', 'electron', 'cli.js');
  const child = spawn(process.execPath, [electron, ROOT, ...(files.length ? files : [])], { cwd: ROOT, stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : code ?? 0));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
}

try {
  buildIfStale();
  ensureDemo(DEMO);
  const reason = ensureElectronBinary();
  if (reason) await serveInstead(reason);
  else launchElectron();
} catch (error) {
  console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
