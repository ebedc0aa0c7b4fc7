/**
 * Someone edits records in the inspector: switches to edit mode, changes a value, adds and
 * deletes records, reviews the staged diff, commits it as a version, then reverts that version
 * and finds the original data back. Works on a copy of the demo store so other specs are unaffected.
 */
import { expect, test } from '@playwright/test';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openInspector, screenshot, setTheme } from './support';

test('edit, review, commit, revert', async ({ page }) => {
  const demo = process.env.E2E_DEMO_PATH;
  test.skip(!demo, 'needs E2E_DEMO_PATH (scripts/e2e.mjs provides it)');
  const path = join(process.env.E2E_TMP_DIR ?? mkdtempSync(join(tmpdir(), 'thunderhead-e2e-')), 'edit.th');
  copyFileSync(demo as string, path);

  await openInspector(page);
  await page.getByTestId('nav-welcome').click();
  await page.getByTestId('open-path').fill(path);
  await page.getByTestId('open-submit').click();
  await expect(page.getByTestId('file-name')).toHaveText('edit.th');
  await expect(page.getByTestId('readonly-badge')).toBeVisible();

  const rows = page.getByTestId('record-row');
  await expect(rows.first()).toContainText('("config", "api")');
  const firstBefore = await rows.nth(0).textContent();
  const secondBefore = await rows.nth(1).textContent();
  const status = page.getByTestId('records-status');
  const version = page.locator('.fact', { hasText: 'Version' }).locator('.fact-value');
  const startVersion = Number((await version.textContent())?.replace(/[^0-9]/g, ''));

  // Read-only until asked: then the header says so and the edit toolbar appears.
  await page.getByTestId('mode-edit').click();
  await expect(page.getByTestId('editing-badge')).toBeVisible();
  await expect(page.getByTestId('edit-toolbar')).toBeVisible();

  // Change a value in place: Enter on the selected row.
  await rows.nth(0).click();
  await page.getByTestId('records-list').press('Enter');
  const dialog = page.getByTestId('record-dialog');
  await expect(dialog).toBeVisible();
  const json = dialog.getByTestId('value-json');
  await expect(json).not.toHaveValue('');
  await json.fill('{"edited": ');
  await expect(dialog.getByTestId('value-error')).toContainText('not JSON');
  await expect(dialog.getByTestId('record-dialog-submit')).toBeDisabled();
  await json.fill('{"edited": true, "by": "e2e"}');
  await dialog.getByTestId('record-dialog-submit').click();
  await expect(dialog).toBeHidden();
  await expect(rows.nth(0).getByTestId('staged-tag')).toHaveText('changed');

  // Add a record with the key builder: ("aaa", 1).
  await page.getByTestId('edit-insert').click();
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('key-element').first().fill('aaa');
  await dialog.getByTestId('key-add-element').click();
  await dialog.getByTestId('key-element').nth(1).fill('1');
  await dialog.getByTestId('value-json').fill('{"hello": "from the inspector"}');
  await dialog.getByTestId('record-dialog-submit').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('stage-added-key')).toContainText('("aaa", 1)');

  // Delete the second record: Delete on the selected row.
  await rows.nth(1).click();
  await page.getByTestId('records-list').press('Delete');
  await expect(rows.nth(1).getByTestId('staged-tag')).toHaveText('deleted');
  await expect(page.getByTestId('stage-count')).toHaveText('3');
  await expect(page.getByTestId('stage-item')).toHaveCount(3);
  await screenshot(page, 'edit-mode');
  await setTheme(page, 'Light');
  await screenshot(page, 'edit-mode-light');
  await setTheme(page, 'Dark');

  // Nothing is written yet: the version is unchanged.
  await expect(version).toHaveText(`#${startVersion}`);

  // Review (Ctrl+S): the staged diff side by side.
  await page.keyboard.press('Control+s');
  const review = page.getByTestId('review-dialog');
  await expect(review).toBeVisible();
  await expect(review.getByTestId('review-counts')).toContainText('+1 added');
  await expect(review.getByTestId('review-counts')).toContainText('~1 changed');
  await expect(review.getByTestId('review-counts')).toContainText('−1 removed');
  await expect(review.getByTestId('review-rows')).toContainText('("aaa", 1)');
  await expect(review.getByTestId('review-rows')).toContainText('edited');
  await screenshot(page, 'edit-review');
  await review.getByTestId('commit-message').fill('e2e: edit three records');
  await screenshot(page, 'edit-commit');
  await review.getByTestId('commit-submit').click();
  await expect(review).toBeHidden();

  // One new version; the data shows the edit.
  const committed = startVersion + 1;
  await expect(page.getByTestId('edit-notice')).toContainText(`version #${committed}`);
  await expect(version).toHaveText(`#${committed}`);
  await expect(page.getByTestId('stage-count')).toHaveText('0');
  await expect(rows.first()).toContainText('("aaa", 1)');
  await expect(rows.nth(1)).toContainText('edited');
  await expect(page.getByTestId('staged-tag')).toHaveCount(0);
  await screenshot(page, 'edit-committed');

  // The new version is in the lineage, with its message.
  await page.getByTestId('nav-lineage').click();
  await expect(page.getByTestId('lineage-version').filter({ hasText: 'e2e: edit three records' })).toBeVisible();
  await page.getByTestId('nav-records').click();

  // Revert that version: a new version, and the original data is back.
  await page.getByTestId('edit-revert').click();
  const revert = page.getByTestId('version-dialog');
  await expect(revert.getByTestId('revert-version')).toHaveValue(String(committed));
  await revert.getByTestId('version-submit').click();
  await expect(revert).toBeHidden();
  await expect(page.getByTestId('edit-notice')).toContainText(`Reverted #${committed} as version #${committed + 1}`);
  await expect(version).toHaveText(`#${committed + 1}`);
  await expect(rows.first()).toContainText('("config", "api")');
  await expect(rows.nth(0)).toHaveText(firstBefore ?? '');
  await expect(rows.nth(1)).toHaveText(secondBefore ?? '');
  await expect(status).not.toContainText('aaa');

  // Back to read-only: the writer lock is released.
  await page.getByTestId('mode-read').click();
  await expect(page.getByTestId('readonly-badge')).toBeVisible();
  await expect(page.getByTestId('edit-toolbar')).toBeHidden();
});
