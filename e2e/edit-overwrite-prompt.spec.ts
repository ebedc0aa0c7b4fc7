/**
 * Someone inserts a record under a key that already exists: the inspector asks before the insert
 * replaces it (issue 14.4), keeps the record when told to, and once replacing is confirmed the
 * records list and the detail panel show the staged value, not the stored one (14.5).
 */
import { expect, test } from '@playwright/test';
import { copyFileSync } from 'node:fs';
import { openFile, screenshot, tmpPath } from './support';

test('insert asks before overwriting an existing record', async ({ page }) => {
  const demo = process.env.E2E_DEMO_PATH;
  test.skip(!demo, 'needs E2E_DEMO_PATH (scripts/e2e.mjs provides it)');
  const path = tmpPath('overwrite.th');
  copyFileSync(demo as string, path);
  await openFile(page, path, 'overwrite.th');
  await page.getByTestId('mode-edit').click();
  const rows = page.getByTestId('record-row');
  await expect(rows.first()).toContainText('("config", "api")');
  const storedPreview = await rows.first().locator('.cell-value').textContent();

  await page.getByTestId('edit-insert').click();
  const dialog = page.getByTestId('record-dialog');
  await dialog.getByTestId('key-element').first().fill('config');
  await dialog.getByTestId('key-add-element').click();
  await dialog.getByTestId('key-element-type').nth(1).selectOption('string');
  await dialog.getByTestId('key-element').nth(1).fill('api');
  await dialog.getByTestId('value-json').fill('{"replaced": true}');
  await dialog.getByTestId('record-dialog-submit').click();

  // The service refused the silent overwrite; the dialog asks.
  const confirm = dialog.getByTestId('overwrite-confirm');
  await expect(confirm).toContainText('["config","api"] already exists');
  await expect(dialog.getByTestId('record-dialog-submit')).toBeDisabled();
  await screenshot(page, 'edit-overwrite-prompt');
  await confirm.getByTestId('overwrite-keep').click();
  await expect(confirm).toBeHidden();
  await expect(page.getByTestId('stage-count')).toHaveText('0');

  await dialog.getByTestId('record-dialog-submit').click();
  await dialog.getByTestId('overwrite-replace').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('stage-count')).toHaveText('1');

  // The list and the detail show what will be committed.
  await expect(rows.first().getByTestId('staged-tag')).toHaveText('changed');
  await expect(rows.first().locator('.cell-value')).toContainText('replaced: true');
  expect(storedPreview).not.toContain('replaced');
  await rows.first().click();
  await expect(page.getByTestId('detail-staged')).toContainText('Staged, not committed');
  await expect(page.getByTestId('value-body')).toContainText('"replaced"');
  await screenshot(page, 'edit-staged-value');

  // Editing it again starts from the staged value, not the stored one.
  await page.getByTestId('edit-value').click();
  await expect(dialog.getByTestId('value-json')).toHaveValue('{\n  "replaced": true\n}');
});
