/**
 * A store whose writer died with commits after its last checkpoint, then lost one bit in the
 * middle of them: the inspector opens it read-only up to the damage and says so in the header,
 * instead of silently showing fewer records (issue 12, item 0).
 */
import { expect, test } from '@playwright/test';
import { writeDamagedStore } from '../engine/testing/damaged-fixture';
import { openFile, screenshot, tmpPath } from './support';

test('a damaged store opens up to the damage and the header says so', async ({ page }) => {
  const path = tmpPath('damaged.th');
  const { offset } = writeDamagedStore(tmpPath('damaged-live.th'), path);

  await openFile(page, path, 'damaged.th');
  const badge = page.getByTestId('damage-badge');
  await expect(badge).toBeVisible();
  await expect(badge).toContainText(`commits after byte ${offset.toLocaleString('en-US')} not shown`);
  await expect(badge).toHaveAttribute('title', /showing the commits before byte \d+ \(run `.*check /);
  await expect(page.getByTestId('readonly-badge')).toBeVisible();
  await screenshot(page, 'damaged-store-badge');
});
