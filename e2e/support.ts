/**
 * What every story starts with, written against the UI only so the same specs run against the
 * serve host (SERVE_URL, its token in the URL fragment) or the Electron window.
 */
import { expect, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../engine/index';
import { encodeKey, encodeValue } from '../engine/records/index';

export const SCREENSHOTS = join(import.meta.dirname, '..', 'docs', 'screenshots');

/**
 * Loads the inspector. The serve URL carries its token in the fragment (`/#token=…`); the page
 * keeps it for the tab and takes it out of the address bar. Electron runs start with the window open.
 */
export async function openInspector(page: Page): Promise<void> {
  const url = process.env.SERVE_URL;
  if (url) await page.goto(url);
  await expect(page.getByRole('navigation', { name: 'Views' })).toBeVisible();
  if (url) await expect(page).not.toHaveURL(/token=/);
}

/** Goes to the Open view and opens the demo store through its button. */
export async function openDemoStore(page: Page): Promise<void> {
  await page.getByTestId('nav-welcome').click();
  const demo = page.getByTestId('open-demo');
  await expect(demo).toBeEnabled();
  await demo.click();
  await expect(page.getByTestId('file-name')).toHaveText(/\.th$/);
  await expect(page.getByTestId('readonly-badge')).toBeVisible();
}

/** A path for a store a spec makes itself (in the run's temp directory when the runner set one). */
export function tmpPath(name: string): string {
  return join(process.env.E2E_TMP_DIR ?? mkdtempSync(join(tmpdir(), 'thunderhead-e2e-')), name);
}

/** Loads the inspector and opens the store at `path` by typing it into the Open view. */
export async function openFile(page: Page, path: string, name: string): Promise<void> {
  await openInspector(page);
  await page.getByTestId('nav-welcome').click();
  await page.getByTestId('open-path').fill(path);
  await page.getByTestId('open-submit').click();
  await expect(page.getByTestId('file-name')).toHaveText(name);
}

/** Saves a screenshot of the window to docs/screenshots/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Let transitions (zoom, progress bars) settle so the picture shows the resting state.
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** Switches the theme with the control in the nav. */
export async function setTheme(page: Page, theme: 'Light' | 'Dark' | 'System'): Promise<void> {
  const titles = { Light: 'Light theme', Dark: 'Dark theme', System: 'Follow the system theme' } as const;
  await page.getByRole('radiogroup', { name: 'Theme' }).getByTitle(titles[theme]).click();
}

/**
 * A store of `n` records `["item", i]` → `{ i }` in the run's temp folder, written 100,000 per
 * commit; returns its path. For specs about large stores (totals, positions, scrolling).
 */
export function itemsStore(name: string, n: number): string {
  const path = tmpPath(name);
  const store = Store.create(path);
  for (let s = 0; s < n; s += 100_000) {
    store.write((tx) => {
      for (let i = s; i < Math.min(n, s + 100_000); i++) tx.put(encodeKey(['item', i]), encodeValue({ i }));
    });
  }
  store.close();
  return path;
}
