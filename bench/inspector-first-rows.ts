/**
 * Inspector workload: "open a 1M-record store to its first rows". Creates a demo store of N
 * records, then for each run starts a fresh serve host (so the store is opened cold by the
 * service), loads the inspector in Debian's Chromium, types the path in the Open view and
 * measures from the click on Open until the first record row is on screen.
 *
 *   node --import tsx bench/inspector-first-rows.ts [--records N] [--runs N] [--keep FILE]
 *
 * Target (issue 5): under 1 second at 1M records.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServe } from '../app/serve/serve';
import { ensureBuilt, intArg, launchChromium, requireChromium, ROOT } from './browser';

const TARGET_MS = 1000;

/** Options of {@link firstRows}. */
export interface FirstRowsOptions {
  readonly records: number;
  readonly runs: number;
  /** Reuse (or create and keep) the store at this path instead of a temporary one. */
  readonly store?: string;
}

/** Milliseconds from "Open" to the first row, per run. */
export interface FirstRowsResult {
  readonly records: number;
  readonly samples: readonly number[];
  readonly median: number;
}

function ensureStore(path: string, records: number): void {
  if (existsSync(path)) return;
  console.log(`creating a ${records.toLocaleString('en-US')}-record demo store…`);
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'thunderhead.mjs'), 'demo', '--records', String(records), path], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('thunderhead demo failed');
}

/** Runs the workload; see the file comment. */
export async function firstRows(options: FirstRowsOptions): Promise<FirstRowsResult> {
  requireChromium();
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'thunderhead-inspector-bench-'));
  const store = options.store ?? join(dir, 'store.th');
  const browser = await launchChromium();
  try {
    ensureStore(store, options.records);
    const samples: number[] = [];
    for (let run = 0; run < options.runs; run++) {
      const host = await startServe({ files: [], demoPath: null, settingsPath: join(dir, `settings-${run}.json`) });
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      try {
        const page = await context.newPage();
        await page.goto(host.url);
        await page.getByTestId('open-path').fill(store);
        // Warm the page (bundle parsed, socket open) so the number is the open, not the page load.
        await page.getByTestId('open-path').waitFor();
        const started = await page.evaluate(() => performance.now());
        await page.getByTestId('open-submit').click();
        await page.getByTestId('record-row').first().waitFor({ timeout: 60_000 });
        const ended = await page.evaluate(() => performance.now());
        samples.push(ended - started);
      } finally {
        await context.close();
        await host.close();
      }
    }
    const sorted = [...samples].sort((a, b) => a - b);
    return { records: options.records, samples, median: sorted[Math.floor(sorted.length / 2)] ?? NaN };
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const records = intArg('--records', 1_000_000);
  const runs = intArg('--runs', 3);
  const keep = process.argv.indexOf('--keep');
  const store = keep >= 0 ? process.argv[keep + 1] : undefined;
  firstRows(store ? { records, runs, store } : { records, runs })
    .then((r) => {
      const ms = r.samples.map((s) => `${s.toFixed(0)} ms`).join(', ');
      console.log(`inspector: open a ${r.records.toLocaleString('en-US')}-record store to first rows: median ${r.median.toFixed(0)} ms (${ms}); target < ${TARGET_MS} ms: ${r.median < TARGET_MS ? 'met' : 'MISSED'}`);
    })
    .catch((e: unknown) => {
      console.error(`inspector bench: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    });
}
