/**
 * A developer looks at one store's tree, opens another file, and goes back to the Tree view:
 * the new file's tree is drawn at once (no blank canvas, no NaN transforms in the console,
 * no need to press Fit).
 */
import { expect, test, type Locator } from '@playwright/test';
import { copyFileSync } from 'node:fs';
import { openDemoStore, openInspector, tmpPath } from './support';

/** Whether a box lies (at least partly) inside another. */
async function overlaps(inner: Locator, outer: Locator): Promise<boolean> {
  const a = await inner.boundingBox();
  const b = await outer.boundingBox();
  if (!a || !b) return false;
  return a.x < b.x + b.width && a.x + a.width > b.x && a.y < b.y + b.height && a.y + a.height > b.y;
}

test('the tree is drawn after switching to another file', async ({ page }) => {
  const demo = process.env.E2E_DEMO_PATH;
  test.skip(!demo, 'needs E2E_DEMO_PATH (scripts/e2e.mjs provides it)');
  const nanMessages: string[] = [];
  page.on('console', (m) => {
    if (m.text().includes('NaN')) nanMessages.push(m.text());
  });

  await openInspector(page);
  await openDemoStore(page);
  await page.getByTestId('nav-tree').click();
  const canvas = page.getByTestId('tree-canvas');
  await expect.poll(() => canvas.getByTestId('tree-node').count()).toBeGreaterThan(1);

  // Another file: every view visited so far remounts for it, hidden behind the Open view.
  const other = tmpPath('switched.th');
  copyFileSync(demo as string, other);
  await page.getByTestId('nav-welcome').click();
  await page.getByTestId('open-path').fill(other);
  await page.getByTestId('open-submit').click();
  await expect(page.getByTestId('file-name')).toHaveText('switched.th');

  await page.getByTestId('nav-tree').click();
  const nodes = canvas.getByTestId('tree-node');
  await expect.poll(() => nodes.count()).toBeGreaterThan(1);
  // The drawing's transform is a real one, and the root and its children are in sight.
  await expect.poll(async () => (await canvas.locator('svg > g').first().getAttribute('transform')) ?? '').toMatch(/^translate\(-?\d/);
  expect((await canvas.locator('svg > g').first().getAttribute('transform')) ?? '').not.toContain('NaN');
  await expect.poll(() => overlaps(nodes.first(), canvas)).toBe(true);
  // At a readable scale (a fit to a hidden 0×0 canvas shrank it to a few pixels).
  await expect.poll(async () => (await nodes.first().boundingBox())?.width ?? 0).toBeGreaterThan(60);
  await expect.poll(() => overlaps(nodes.nth(1), canvas)).toBe(true);
  expect(nanMessages).toEqual([]);
});
