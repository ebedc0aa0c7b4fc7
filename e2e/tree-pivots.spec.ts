/**
 * A developer reads an internal node: its pivots (keys cut short by suffix truncation) read as
 * the tuples they start, with the cut marked and the raw hex a click away. Finding a key then
 * opens its leaf with the Keys tab selected, whatever tab the previous node showed.
 */
import { expect, test } from '@playwright/test';
import { openDemoStore, openInspector, screenshot } from './support';

test('pivots decode as cut tuples, hex on demand; the leaf panel opens on its keys', async ({ page }) => {
  await openInspector(page);
  await openDemoStore(page);
  await page.getByTestId('nav-tree').click();
  const canvas = page.getByTestId('tree-canvas');
  const nodes = canvas.getByTestId('tree-node');
  await expect.poll(() => nodes.count()).toBeGreaterThan(1);

  // The root's pivots: every one reads as a tuple, whole or cut; none is a bare hex string.
  await nodes.first().click({ position: { x: 30, y: 12 } });
  const panel = page.getByTestId('node-panel');
  await expect(panel).toContainText('root');
  await panel.getByTestId('tab-keys').click();
  const pivots = panel.getByTestId('node-key');
  await expect(pivots.first()).toBeVisible();
  const texts = await pivots.allTextContents();
  expect(texts.length).toBeGreaterThan(1);
  for (const t of texts) expect(t).toMatch(/^\(/);
  // The demo's pivots include cut ones (the engine truncates them), marked as cut.
  const cut = panel.locator('[data-testid=node-key] [data-partial=true]');
  await expect(cut.first()).toBeVisible();
  await expect(cut.first()).toContainText('…');
  await expect(cut.first()).toHaveAttribute('title', /0x[0-9a-f]+/);
  // The drawing's boxes show their first key the same way, not as hex.
  for (const t of await canvas.locator('text.node-key').allTextContents()) expect(t.startsWith('0x')).toBe(false);
  await screenshot(page, 'issue14-09-after');

  // Hex on demand.
  await panel.getByTestId('panel-hex-keys').check();
  await expect(pivots.first()).toHaveText(/^[0-9a-f]{2}( [0-9a-f]{2})*/);
  await panel.getByTestId('panel-hex-keys').uncheck();

  // The Buffer tab on the root, then a key's path: the leaf opens on its Keys tab.
  await panel.getByTestId('tab-buffer').click();
  await page.getByTestId('tree-search').fill('"users", 7');
  await page.getByTestId('tree-search').press('Enter');
  await expect(panel).toContainText('L0 leaf');
  await expect(panel.getByTestId('tab-keys')).toHaveAttribute('aria-selected', 'true');
  await expect(panel.locator('tr.hit')).toContainText('("users", 7)');
  await screenshot(page, 'issue14-09-leaf-after');
});
