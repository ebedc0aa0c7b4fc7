/**
 * Someone types numbers a plain JSON parser would change into the value editor: a float beyond
 * the double range is refused before anything is staged, and a 64-bit integer and -0 are
 * committed exactly and come back exactly in the viewer and the editor (issue 14.1). The
 * Records prefix filter takes their key's first letters as a text prefix (14.14).
 */
import { expect, test } from '@playwright/test';
import { copyFileSync } from 'node:fs';
import { openFile, screenshot, tmpPath } from './support';

test('numbers round-trip exactly through the value editor', async ({ page }) => {
  const demo = process.env.E2E_DEMO_PATH;
  test.skip(!demo, 'needs E2E_DEMO_PATH (scripts/e2e.mjs provides it)');
  const path = tmpPath('numbers.th');
  copyFileSync(demo as string, path);
  await openFile(page, path, 'numbers.th');
  await page.getByTestId('mode-edit').click();
  await expect(page.getByTestId('editing-badge')).toBeVisible();

  await page.getByTestId('edit-insert').click();
  const dialog = page.getByTestId('record-dialog');
  await dialog.getByTestId('key-element').first().fill('fidelity');
  const json = dialog.getByTestId('value-json');
  await json.fill('{"big": 1e400, "int": 12345678901234567890}');
  await expect(dialog.getByTestId('value-error')).toContainText('1e400 is too large for a 64-bit float');
  await expect(dialog.getByTestId('record-dialog-submit')).toBeDisabled();
  await screenshot(page, 'edit-number-refused');

  await json.fill('{"int": 12345678901234567890, "neg": -0, "f": 1152921504606846976.0}');
  await expect(dialog.getByTestId('value-error')).toHaveCount(0);
  await dialog.getByTestId('record-dialog-submit').click();
  await expect(dialog).toBeHidden();
  await page.keyboard.press('Control+s');
  const review = page.getByTestId('review-dialog');
  await review.getByTestId('commit-message').fill('e2e: exact numbers');
  await review.getByTestId('commit-submit').click();
  await expect(review).toBeHidden();

  // A text prefix finds the record: its first element starts with "fidel".
  await page.getByTestId('filter-prefix').fill('fidel');
  await page.getByTestId('filter-apply').click();
  const rows = page.getByTestId('record-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('12345678901234567890');
  await rows.first().click();
  const detail = page.getByTestId('value-body');
  await expect(detail).toContainText('12345678901234567890');
  await expect(detail).toContainText('-0');
  await expect(detail).toContainText('1152921504606846976.0');
  await expect(detail).not.toContainText('12345678901234567000');
  await screenshot(page, 'edit-number-exact');

  // The editor prefills the stored value as it was typed.
  await page.getByTestId('edit-value').click();
  await expect(dialog.getByTestId('value-json')).toHaveValue('{\n  "int": 12345678901234567890,\n  "neg": -0,\n  "f": 1152921504606846976.0\n}');
});
