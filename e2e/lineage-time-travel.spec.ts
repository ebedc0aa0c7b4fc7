/**
 * A developer opens the demo store's lineage, sees its versions, branches and snapshots, browses
 * the store as it was at the "imported" snapshot (Records shows the old configuration), and
 * comes back to the head.
 */
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDemoStore, openInspector, screenshot, setTheme } from './support';

/** Jumps Records to `key` (tuple notation) and returns the detail of the first row. */
async function showRecord(page: Page, key: string) {
  await page.getByTestId('jump-key').fill(key);
  await page.getByTestId('jump-key').press('Enter');
  await expect(page.getByTestId('record-row').first()).toContainText(`(${key})`);
  await page.getByTestId('record-row').first().click();
  const detail = page.getByTestId('record-detail');
  await expect(detail.getByTestId('detail-key')).toContainText(`(${key})`);
  return detail;
}

test('browse the store as of an older version and go back to head', async ({ page }) => {
  await openInspector(page);
  await openDemoStore(page);

  // At the head, release 2's API configuration.
  let detail = await showRecord(page, '"config", "api"');
  await expect(detail.getByTestId('value-body')).toContainText('"v2"');

  await page.getByTestId('nav-lineage').click();
  const versions = page.getByTestId('lineage-version');
  await expect(versions.first()).toBeVisible();
  expect(await versions.count()).toBeGreaterThanOrEqual(8);
  await expect(page.getByTestId('lineage-summary')).toContainText('2 branches · 2 snapshots');
  await expect(page.getByTestId('lineage-snapshot').filter({ hasText: 'imported' })).toBeVisible();
  await expect(page.getByTestId('lineage-snapshot').filter({ hasText: 'v2' })).toBeVisible();
  await expect(versions.filter({ hasText: 'experiment' }).first()).toBeVisible();
  // The head is selected first; its details are in the panel.
  await expect(page.getByTestId('version-panel')).toContainText('head');
  // Hovering shows what a commit did.
  await versions.filter({ hasText: 'ship' }).first().hover();
  await expect(page.getByTestId('lineage-hover')).toContainText('puts');
  await page.getByTestId('lineage-summary').hover();
  await expect(page.getByTestId('lineage-hover')).toHaveCount(0);
  await screenshot(page, 'lineage');

  // Keyboard: ↓ moves the selection to the next (older) version.
  await page.getByTestId('lineage-list').focus();
  const selectedBefore = await page.locator('[data-testid=lineage-version][aria-selected=true]').getAttribute('data-version');
  await page.keyboard.press('ArrowDown');
  const selectedAfter = await page.locator('[data-testid=lineage-version][aria-selected=true]').getAttribute('data-version');
  expect(selectedAfter).not.toBe(selectedBefore);

  // Click the version the "imported" snapshot names and browse as of it.
  const imported = versions.filter({ has: page.getByTestId('lineage-snapshot').filter({ hasText: 'imported' }) });
  const importedId = await imported.getAttribute('data-version');
  await imported.click();
  await expect(page.getByTestId('version-panel')).toContainText(`Version #${importedId}`);
  await page.getByTestId('browse-version').click();

  // Records now reads that version: the banner says so, the API config is release 1's.
  const banner = page.getByTestId('time-travel-banner');
  await expect(banner).toContainText(`Viewing version #${importedId}`);
  await expect(banner).toContainText('snapshot imported');
  await expect(page.locator('[data-view=records]')).toBeVisible();
  detail = await showRecord(page, '"config", "api"');
  await expect(detail.getByTestId('value-body')).toContainText('"v1"');
  await expect(detail.getByTestId('value-body')).not.toContainText('"v2"');
  await screenshot(page, 'time-travel');

  // The tree shows that version's root too, and the banner stays above it.
  await page.getByTestId('nav-tree').click();
  await expect(banner).toBeVisible();

  // Back to head: the banner goes, the head's data returns.
  await banner.getByTestId('back-to-head').click();
  await expect(banner).toHaveCount(0);
  await page.getByTestId('nav-records').click();
  detail = await showRecord(page, '"config", "api"');
  await expect(detail.getByTestId('value-body')).toContainText('"v2"');

  // Two versions selected (shift-click the second): "Diff these" opens the Diff view.
  await page.getByTestId('nav-lineage').click();
  await imported.click();
  await versions.filter({ hasText: 'config: enable lock monitor' }).click({ modifiers: ['Shift'] });
  const diffThese = page.getByTestId('diff-these');
  await expect(diffThese).toContainText(`#${importedId} →`);
  await diffThese.click();
  await expect(page.locator('[data-view=diff]')).toBeVisible();

  // The lineage in the light theme.
  await page.getByTestId('nav-lineage').click();
  await setTheme(page, 'Light');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await screenshot(page, 'lineage-light');
  await setTheme(page, 'Dark');
});

test('new commits appear in the lineage as they land', async ({ page }) => {
  const demo = process.env.E2E_DEMO_PATH;
  test.skip(!demo, 'needs E2E_DEMO_PATH (scripts/e2e.mjs provides it)');
  const path = join(process.env.E2E_TMP_DIR ?? mkdtempSync(join(tmpdir(), 'thunderhead-e2e-')), 'lineage-live.th');
  copyFileSync(demo as string, path);

  await openInspector(page);
  await page.getByTestId('nav-welcome').click();
  await page.getByTestId('open-path').fill(path);
  await page.getByTestId('open-submit').click();
  await expect(page.getByTestId('file-name')).toHaveText('lineage-live.th');
  await page.getByTestId('nav-lineage').click();
  const versions = page.getByTestId('lineage-version');
  await expect(versions.first()).toBeVisible();
  const before = await versions.count();

  // Another process commits: the new version shows at the top, as main's head.
  const cli = join(import.meta.dirname, '..', 'bin', 'thunderhead.mjs');
  execFileSync(process.execPath, [cli, 'put', path, '["aaa", 1]', '{"hello": "lineage"}', '-m', 'a commit from elsewhere'], { stdio: 'pipe' });
  await expect(versions.first()).toContainText('a commit from elsewhere', { timeout: 15_000 });
  await expect(versions.first()).toContainText('main');
  expect(await versions.count()).toBe(before + 1);
});
