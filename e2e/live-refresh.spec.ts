/**
 * Someone keeps the inspector open on a store that another process is writing. New commits
 * appear without reopening the file, and the file stays read-only in the inspector.
 */
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openInspector } from './support';

test('commits from another process show up while the store is open', async ({ page }) => {
  const demo = process.env.E2E_DEMO_PATH;
  test.skip(!demo, 'needs E2E_DEMO_PATH (scripts/e2e.mjs provides it)');
  const path = join(process.env.E2E_TMP_DIR ?? mkdtempSync(join(tmpdir(), 'thunderhead-e2e-')), 'live.th');
  copyFileSync(demo as string, path);

  await openInspector(page);
  await page.getByTestId('nav-welcome').click();
  await page.getByTestId('open-path').fill(path);
  await page.getByTestId('open-submit').click();
  await expect(page.getByTestId('file-name')).toHaveText('live.th');
  const rows = page.getByTestId('record-row');
  await expect(rows.first()).toContainText('("config", "api")');

  // Another process commits a record that sorts first.
  const cli = join(import.meta.dirname, '..', 'bin', 'thunderhead.mjs');
  execFileSync(process.execPath, [cli, 'put', path, '["aaa", 1]', '{"hello": "from another process"}', '-m', 'live test'], { stdio: 'pipe' });

  await expect(rows.first()).toContainText('("aaa", 1)', { timeout: 15_000 });
  await expect(page.getByTestId('records-status')).toContainText('live');
  await expect(page.getByTestId('readonly-badge')).toBeVisible();
});
