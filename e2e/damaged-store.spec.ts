/**
 * A store whose writer died with commits after its last checkpoint, then lost one bit in the
 * middle of them: the inspector opens it read-only up to the damage and says so in the header,
 * instead of silently showing fewer records (issue 12, item 0).
 */
import { expect, test } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { Store } from '../engine/index';
import { openFile, screenshot, tmpPath } from './support';

test('a damaged store opens up to the damage and the header says so', async ({ page }) => {
  const live = tmpPath('damaged-live.th');
  const writer = Store.create(live);
  const roots: { offset: number; length: number }[] = [];
  for (let i = 0; i < 10; i++) {
    writer.put(Buffer.from(`key-${i}`), Buffer.from(`value-${i}`));
    roots.push(writer.head().root);
  }
  const bytes = readFileSync(live);
  writer.close();
  bytes[roots[2].offset + roots[2].length - 2] ^= 0x10;
  const path = tmpPath('damaged.th');
  writeFileSync(path, bytes);

  await openFile(page, path, 'damaged.th');
  const badge = page.getByTestId('damage-badge');
  await expect(badge).toBeVisible();
  await expect(badge).toContainText(`commits after byte ${roots[2].offset.toLocaleString('en-US')} not shown`);
  await expect(badge).toHaveAttribute('title', /showing the commits before byte \d+ \(run `.*check /);
  await expect(page.getByTestId('readonly-badge')).toBeVisible();
  await screenshot(page, 'damaged-store-badge');
});
