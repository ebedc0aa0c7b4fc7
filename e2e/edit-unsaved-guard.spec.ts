/**
 * Someone has staged changes and closes the store, or opens another file: the inspector asks
 * before dropping them, as an editor asks about an unsaved document (issue 14.5). "Keep
 * editing" keeps the file open with the stage intact; "Discard" goes on.
 */
import { expect, test } from '@playwright/test';
import { copyFileSync } from 'node:fs';
import { openFile, screenshot, tmpPath } from './support';

test('closing or switching files with staged changes asks first', async ({ page }) => {
  const demo = process.env.E2E_DEMO_PATH;
  test.skip(!demo, 'needs E2E_DEMO_PATH (scripts/e2e.mjs provides it)');
  const path = tmpPath('unsaved.th');
  copyFileSync(demo as string, path);
  await openFile(page, path, 'unsaved.th');
  await page.getByTestId('mode-edit').click();
  const rows = page.getByTestId('record-row');
  await rows.nth(1).click();
  await page.getByTestId('records-list').press('Delete');
  await expect(page.getByTestId('stage-count')).toHaveText('1');

  // Close the store: asked, and "Keep editing" keeps everything.
  await page.getByRole('button', { name: 'Close store' }).click();
  const ask = page.getByTestId('unsaved-dialog');
  await expect(ask.getByTestId('unsaved-message')).toContainText('unsaved.th has 1 staged change (1 key)');
  await screenshot(page, 'edit-unsaved-guard');
  await ask.getByTestId('unsaved-keep').click();
  await expect(ask).toBeHidden();
  await expect(page.getByTestId('file-name')).toHaveText('unsaved.th');
  await expect(page.getByTestId('stage-count')).toHaveText('1');

  // Closing the tab asks too (beforeunload; Electron's main shows its own box for the same event).
  const asked = new Promise<string>((resolve) => page.once('dialog', (d) => void d.dismiss().then(() => resolve(d.type()))));
  await page.close({ runBeforeUnload: true });
  expect(await asked).toBe('beforeunload');
  await expect(page.getByTestId('stage-count')).toHaveText('1');

  // Open another file: asked again; Discard opens it.
  await page.getByTestId('nav-welcome').click();
  await page.getByTestId('open-path').fill(demo as string);
  await page.getByTestId('open-submit').click();
  await expect(ask.getByTestId('unsaved-message')).toContainText('If you open demo.th now, it is dropped');
  await ask.getByTestId('unsaved-discard').click();
  await expect(page.getByTestId('file-name')).toHaveText('demo.th');
});
