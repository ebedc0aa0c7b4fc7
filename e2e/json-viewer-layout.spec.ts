/**
 * A developer opens a document with long texts and a binary file: each long string starts
 * beside its key and wraps inside the detail panel, and the binary value stays within the
 * panel too (measured as boxes on the page).
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { openDemoStore, openInspector, screenshot } from './support';

async function box(l: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const b = await l.boundingBox();
  if (!b) throw new Error('element has no box');
  return b;
}

async function openDoc(page: Page, name: string): Promise<Locator> {
  await page.getByTestId('record-row').filter({ hasText: name }).first().click();
  const detail = page.getByTestId('record-detail');
  await expect(detail.getByTestId('detail-key')).toContainText(name);
  await expect(detail.locator('.json-tree')).toBeVisible();
  return detail;
}

test('long strings start beside their key and binary values stay inside the panel', async ({ page }) => {
  await openInspector(page);
  await openDemoStore(page);
  await page.getByTestId('jump-key').fill('"docs"');
  await page.getByTestId('jump-key').press('Enter');

  const detail = await openDoc(page, 'handbook');
  const panel = await box(detail);
  // The first section's text: a 12 KB string.
  const line = detail.locator('.json-line').filter({ has: page.locator('.tok-key', { hasText: '"text"' }) }).first();
  await line.scrollIntoViewIfNeeded();
  const key = await box(line.locator('.tok-key'));
  const value = await box(line.locator('.json-scalar'));
  // The key sits on the value's first line (it used to be centred on the whole wrapped block).
  expect(Math.abs(key.y - value.y)).toBeLessThan(12);
  expect(value.height).toBeGreaterThan(40); // it does wrap
  expect(value.x + value.width).toBeLessThanOrEqual(panel.x + panel.width + 1);
  await screenshot(page, 'issue14-10-after');

  // A binary value: one long run of hex, wrapped within the panel.
  const bin = await openDoc(page, 'logo.bin');
  const bytes = bin.locator('.json-line .tok-bytes').first();
  await expect(bytes).toBeVisible();
  const b = await box(bytes);
  const p = await box(bin);
  expect(b.x).toBeGreaterThanOrEqual(p.x);
  expect(b.x + b.width).toBeLessThanOrEqual(p.x + p.width + 1);
  // Nothing in the panel is wider than it.
  const overflow = await bin.evaluate((el) => [...el.querySelectorAll('.json-tree, .json-line')].some((n) => n.scrollWidth > n.clientWidth + 1));
  expect(overflow).toBe(false);
  await screenshot(page, 'issue14-10-binary-after');
});
