/**
 * Someone compares the inspector's Overview with `thunderhead info`: the file size on disk,
 * the bytes used, the preallocated tail and the dead bytes are the same numbers, labelled the
 * same way, in both (the demo file is preallocated to 8 MiB while 3 MiB of it are used).
 */
import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { openDemoStore, openInspector, screenshot } from './support';

const CLI = join(import.meta.dirname, '..', 'bin', 'thunderhead.mjs');

interface Sizes {
  fileBytes: number;
  usedBytes: number;
  preallocatedBytes: number;
  reachableBytes: number;
  deadBytes: number;
}

test('the Overview and `info --json` show the same sizes', async ({ page }) => {
  const demo = process.env.E2E_DEMO_PATH;
  test.skip(!demo, 'needs E2E_DEMO_PATH (scripts/e2e.mjs provides it)');
  const info = spawnSync(process.execPath, [CLI, 'info', demo as string, '--json'], { encoding: 'utf8' });
  expect(info.status, info.stderr).toBe(0);
  const sizes = (JSON.parse(info.stdout) as { sizes: Sizes }).sizes;
  expect(sizes.fileBytes).toBe(statSync(demo as string).size);
  expect(sizes.preallocatedBytes).toBeGreaterThan(0); // the demo file has a preallocated tail

  await openInspector(page);
  await openDemoStore(page);
  await page.getByTestId('nav-overview').click();
  const bytes = async (id: string) => Number(await page.getByTestId(id).getAttribute('data-bytes'));
  await expect(page.getByTestId('size-file')).toBeVisible({ timeout: 30_000 });
  expect(await bytes('size-file')).toBe(sizes.fileBytes);
  expect(await bytes('size-used')).toBe(sizes.usedBytes);
  expect(await bytes('size-preallocated')).toBe(sizes.preallocatedBytes);
  expect(await bytes('size-reachable')).toBe(sizes.reachableBytes);
  expect(await bytes('size-dead')).toBe(sizes.deadBytes);
  // The headline stat and the header say the size on disk, not the bytes used.
  const onDisk = `${(sizes.fileBytes / 2 ** 20).toFixed(2)} MiB`;
  await expect(page.getByTestId('stat-file-size')).toContainText('File size on disk');
  await expect(page.getByTestId('stat-file-size')).toContainText(onDisk);
  await expect(page.getByTestId('stat-file-size')).toContainText('preallocated tail');
  await expect(page.locator('.header-facts')).toContainText(onDisk);
  await screenshot(page, 'issue14-12-after');
});
