/**
 * Someone commits an edit and saves it as a snapshot in the same step, on a store whose policy
 * takes automatic snapshots: the Lineage shows their named snapshot as a filled diamond and the
 * policy's as hollow ones, with the policy in the header.
 */
import { expect, test } from '@playwright/test';
import { Store } from '../engine/index';
import { encodeKey, encodeValue } from '../engine/records/index';
import { openFile, screenshot, tmpPath } from './support';

test('save a commit as a snapshot; automatic snapshots drawn apart', async ({ page }) => {
  const path = tmpPath('save-as-snapshot.th');
  const store = Store.create(path);
  store.setSnapshotPolicy({ everyCommits: 2, keepLast: 3 });
  for (let i = 0; i < 8; i++) store.put(encodeKey(['item', i]), encodeValue({ n: i }), i === 3 ? { snapshot: 'before-import', message: 'import half' } : { message: `item ${i}` });
  store.close();

  await openFile(page, path, 'save-as-snapshot.th');
  await page.getByTestId('mode-edit').click();
  await expect(page.getByTestId('editing-badge')).toBeVisible();
  const rows = page.getByTestId('record-row');
  await rows.nth(0).click();
  await page.getByTestId('records-list').press('Delete');
  await expect(page.getByTestId('stage-count')).toHaveText('1');

  await page.keyboard.press('Control+s');
  const review = page.getByTestId('review-dialog');
  await expect(review).toBeVisible();
  await review.getByTestId('commit-message').fill('drop item 0');
  await review.getByTestId('commit-save-snapshot').check();
  await expect(review.getByTestId('commit-submit')).toBeDisabled();
  await review.getByTestId('commit-snapshot-name').fill('release-1');
  await expect(review.getByTestId('commit-submit')).toBeEnabled();
  await screenshot(page, 'commit-save-as-snapshot');
  await review.getByTestId('commit-submit').click();
  await expect(review).toBeHidden();
  await expect(page.getByTestId('edit-notice')).toContainText('version #10');

  await page.getByTestId('nav-lineage').click();
  const head = page.getByTestId('lineage-version').filter({ hasText: 'drop item 0' });
  await expect(head.getByTestId('lineage-snapshot')).toHaveText('◆ release-1');
  // The commit was due under the policy too: it also carries the automatic one.
  await expect(head.getByTestId('lineage-auto-snapshot')).toHaveText('◇ auto-10');
  await expect(page.getByTestId('lineage-auto-snapshot')).toHaveCount(3);
  await expect(page.getByTestId('lineage-snapshot')).toHaveCount(2);
  await expect(page.getByTestId('lineage-policy')).toHaveText('◇ auto every 2 commits · keep 3');
  await expect(page.getByTestId('lineage-summary')).toContainText('2 snapshots + 3 automatic');
  await expect(page.locator('.lineage-dot.snapshot.auto')).toHaveCount(2);
  await screenshot(page, 'lineage-automatic-snapshots');
});
