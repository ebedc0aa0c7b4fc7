// Measures "jump to row 500,000 of 1,000,000: time to rows drawn" in the inspector (issue 18):
// builds a 1M-record store in a temp folder, serves the inspector, opens the store in Debian's
// Chromium, moves the records list's scrollbar to a position in one hop and times until the
// rows of that position are drawn (their numbers and keys in the DOM). A measurement, not a
// test: prints the figures. Run: npx tsx scripts/measure-jump.ts
import { chromium } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../engine/index';
import { encodeKey, encodeValue } from '../engine/records/index';

/** What this script uses of scripts/lib.mjs (untyped JavaScript). */
interface Lib {
  buildIfStale(): void;
  serveInProcess(options: object): Promise<{ readonly url: string; close(): Promise<void> }>;
}
const { buildIfStale, serveInProcess } = (await import(join(import.meta.dirname, 'lib.mjs'))) as Lib;

const N = 1_000_000;
const dir = mkdtempSync(join(tmpdir(), 'th-measure-jump-'));
const path = join(dir, 'million.th');
let handle: { url: string; close(): Promise<void> } | undefined;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
try {
  buildIfStale();
  const t0 = performance.now();
  const store = Store.create(path);
  for (let s = 0; s < N; s += 100_000) store.write((tx) => {
    for (let i = s; i < s + 100_000; i++) tx.put(encodeKey(['item', i]), encodeValue({ i }));
  });
  store.close();
  console.log(`built ${N} records in ${Math.round(performance.now() - t0)} ms`);
  const served = await serveInProcess({ files: [path], demoPath: null, settingsPath: join(dir, 'settings.json'), allowDirs: [dir] });
  handle = served;
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(served.url);
  await page.getByTestId('nav-welcome').click();
  await page.getByTestId('open-path').fill(path);
  await page.getByTestId('open-submit').click();
  await page.getByText('1,000,000 records').waitFor();
  // Fractions of the track: the middle first (row ≈ 500,000), then elsewhere so no block is cached.
  for (const fraction of [0.5, 0.25, 0.75, 0.5003, 0.9, 0.1]) {
    // Plain JavaScript text: tsx would add helpers to a function that the page does not have.
    const ms = (await page.evaluate(`(async () => {
      const el = document.querySelector('[data-testid=records-list]');
      const target = () => {
        const first = el.querySelector('[data-testid=record-row] .num')?.textContent ?? '';
        const key = el.querySelector('[data-testid=record-row] .cell-key')?.textContent ?? '';
        const n = Number(first.replace(/,/g, ''));
        return n > 1 && key === '("item", ' + (n - 1) + ')' ? n : 0;
      };
      const before = target();
      const start = performance.now();
      el.scrollTop = (el.scrollHeight - el.clientHeight) * ${fraction};
      return await new Promise((resolve) => {
        const check = () => {
          const row = target();
          if (row !== 0 && row !== before) resolve({ ms: performance.now() - start, row });
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      });
    })()`)) as { ms: number; row: number };
    console.log(`scroll to ${(fraction * 100).toFixed(2)}% → row ${ms.row.toLocaleString('en')} drawn in ${ms.ms.toFixed(1)} ms`);
  }
} finally {
  await browser.close();
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
}
