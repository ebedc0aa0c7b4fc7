// `npm run test:e2e`: builds the renderer, serves a freshly generated demo store (and a corrupt
// file) from a temp dir, and runs the Playwright specs in Debian's Chromium against it.
// SERVE_URL is the URL with its token in the fragment (`/#token=…`: no cookie, nothing in the
// query); E2E_DEMO_PATH and E2E_CORRUPT_PATH name the files.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, buildIfStale, ensureDemo, serveInProcess } from './lib.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function fail(message) {
  console.error(`test:e2e: ${message}`);
  process.exit(1);
}

if (!existsSync(CHROMIUM)) fail(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH`);
if (!existsSync(join(ROOT, 'e2e', 'playwright.config.ts'))) fail('e2e/playwright.config.ts is missing');

/**
 * A failed spec's page snapshot (error-context.md) is written under test-results/, which a CI
 * run does not keep: print each one (bounded) so the log says what the page showed.
 */
function printErrorContexts() {
  const results = join(ROOT, 'test-results');
  if (!existsSync(results)) return;
  for (const entry of readdirSync(results, { recursive: true })) {
    const file = String(entry);
    if (!file.endsWith('error-context.md')) continue;
    const text = readFileSync(join(results, file), 'utf8');
    console.error(`\n--- ${file} ---\n${text.length > 6000 ? `${text.slice(0, 6000)}\n… (${text.length} characters)` : text}`);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'thunderhead-e2e-'));
let handle;
let code = 1;
try {
  buildIfStale();
  const demo = join(dir, 'demo.th');
  ensureDemo(demo);
  // A file that is not a store at all: the UI must say so, not show a blank window.
  const corrupt = join(dir, 'corrupt.th');
  writeFileSync(corrupt, Buffer.from('this is not a thunderhead store, just text pretending to be one\n'.repeat(64)));
  // Specs make their stores in the temp folder (E2E_TMP_DIR or their own mkdtemp there): allow it.
  handle = await serveInProcess({ files: [demo], demoPath: demo, settingsPath: join(dir, 'settings.json'), allowDirs: [tmpdir()] });
  console.log(`Serving the inspector for e2e at ${handle.origin}`);
  code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', '-c', join(ROOT, 'e2e', 'playwright.config.ts'), ...process.argv.slice(2)], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, SERVE_URL: handle.url, E2E_DEMO_PATH: demo, E2E_CORRUPT_PATH: corrupt, E2E_TMP_DIR: dir, CHROMIUM_PATH: CHROMIUM },
    });
    child.on('exit', (status, signal) => resolve(signal ? 1 : status ?? 1));
    child.on('error', (error) => {
      console.error(`test:e2e: could not start Playwright: ${error.message}`);
      resolve(1);
    });
  });
  if (code !== 0) printErrorContexts();
} catch (error) {
  console.error(`test:e2e: ${error instanceof Error ? error.message : String(error)}`);
  code = 1;
} finally {
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(code);
