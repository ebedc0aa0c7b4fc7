/**
 * Someone reverts a version that added 2,000 users: before anything is written, the dialog says
 * the revert deletes 2,000 records and lists the first of them, as the diff view would (issue
 * 14.6); the revert then writes exactly that. From the lineage, a revert whose keys changed
 * again since shows the conflicts and cannot be confirmed.
 */
import { expect, test } from '@playwright/test';
import { copyFileSync } from 'node:fs';
import { Store } from '../engine/index';
import { encodeKey, encodeValue } from '../engine/records/index';
import { openFile, screenshot, tmpPath } from './support';

test('a revert shows what it will change before it commits', async ({ page }) => {
  const demo = process.env.E2E_DEMO_PATH;
  test.skip(!demo, 'needs E2E_DEMO_PATH (scripts/e2e.mjs provides it)');
  const path = tmpPath('revert-preview.th');
  copyFileSync(demo as string, path);
  const store = Store.open(path);
  let tx = store.begin();
  for (let i = 0; i < 2000; i++) tx.put(encodeKey(['people', i]), encodeValue({ name: `person ${i}` }));
  const imported = tx.commit({ message: 'import 2,000 people' }).version;
  tx = store.begin();
  tx.put(encodeKey(['people', 7]), encodeValue({ name: 'renamed since' }));
  const renamed = tx.commit({ message: 'rename person 7' }).version;
  store.close();

  await openFile(page, path, 'revert-preview.th');
  await page.getByTestId('mode-edit').click();
  await expect(page.getByTestId('editing-badge')).toBeVisible();

  // Revert from the edit bar: the head (the rename) by default; then the import.
  await page.getByTestId('edit-revert').click();
  const dialog = page.getByTestId('version-dialog');
  await expect(dialog.getByTestId('revert-version')).toHaveValue(String(renamed));
  await expect(dialog.getByTestId('revert-counts')).toContainText(`Reverting #${renamed} on main writes 1 record: 1 changed back`);
  await dialog.getByTestId('revert-version').fill(String(imported));
  // Person 7 changed again since the import: the revert would refuse, so it cannot be confirmed.
  await expect(dialog.getByTestId('revert-counts')).toContainText('writes 1,999 records: 1,999 deleted');
  await expect(dialog.getByTestId('revert-conflicts')).toContainText('1 key it changed holds other values');
  await expect(dialog.getByTestId('version-submit')).toBeDisabled();

  // Revert the rename first; now the import's preview is clean and says what it deletes.
  await dialog.getByTestId('revert-version').fill(String(renamed));
  await expect(dialog.getByTestId('version-submit')).toHaveText(`Revert #${renamed}: write 1 record`);
  await dialog.getByTestId('version-submit').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('edit-notice')).toContainText(`Reverted #${renamed}`);

  await page.getByTestId('edit-revert').click();
  await dialog.getByTestId('revert-version').fill(String(imported));
  await expect(dialog.getByTestId('revert-counts')).toContainText(`Reverting #${imported} on main writes 2,000 records: 2,000 deleted`);
  await expect(dialog.getByTestId('revert-preview').locator('.revert-row')).toHaveCount(50);
  await expect(dialog.getByTestId('revert-preview').locator('.revert-row').first()).toContainText('("people", 0)');
  await expect(dialog.getByTestId('revert-preview')).toContainText('…and 1,950 more');
  await screenshot(page, 'revert-preview');
  await dialog.getByTestId('version-submit').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('edit-notice')).toContainText('(2000 keys)');

  // The lineage's revert shows the same preview.
  await page.getByTestId('nav-lineage').click();
  await page.locator(`[data-testid="lineage-version"][data-version="${renamed}"]`).click();
  await page.getByTestId('action-revert').click();
  const action = page.getByTestId('lineage-action-dialog');
  await expect(action.getByTestId('revert-preview')).toBeVisible();
  await expect(action.getByTestId('revert-conflicts')).toContainText('1 key it changed holds other values on main');
  await expect(action.getByTestId('action-submit')).toBeDisabled();
  await screenshot(page, 'revert-preview-lineage');
});
