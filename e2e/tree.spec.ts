/**
 * A developer looks at the shape of the tree: expands the root's children, opens the root's
 * panel to see the writes waiting in its hitchhiker buffer, and finds where one key lives.
 */
import { expect, test } from '@playwright/test';
import { openDemoStore, openInspector, screenshot, setTheme } from './support';

test('expand the tree and open a node panel with buffered messages', async ({ page }) => {
  await openInspector(page);
  await openDemoStore(page);
  await page.getByTestId('nav-tree').click();

  const canvas = page.getByTestId('tree-canvas');
  const nodes = canvas.getByTestId('tree-node');
  // The root opens expanded: its children are drawn, each with fill and buffer bars.
  await expect.poll(() => nodes.count()).toBeGreaterThan(1);
  const rootLevel = await nodes.first().getAttribute('data-level');
  const level1 = canvas.locator(`[data-testid=tree-node][data-kind=internal]:not([data-level="${rootLevel}"])`);
  await expect(level1.first()).toBeVisible();

  // Expand a child whose buffer holds pending writes: only its children are fetched and drawn.
  const busy = level1.filter({ hasText: /buffer\s*[1-9]\d*%/ }).first();
  await expect(busy).toBeVisible();
  const before = await nodes.count();
  await busy.getByTestId('tree-expander').click();
  await expect.poll(() => nodes.count()).toBeGreaterThan(before);
  await expect(canvas.locator('[data-testid=tree-node][data-kind=leaf]').first()).toBeVisible();

  // Its panel: address, journal chain and the messages waiting in its buffer.
  await busy.click({ position: { x: 30, y: 12 } });
  const panel = page.getByTestId('node-panel');
  await expect(panel).toContainText('L1 internal');
  await expect(panel).toContainText('Offset');
  await panel.getByTestId('tab-buffer').click();
  const messages = panel.getByTestId('buffer-message');
  await expect(messages.first()).toBeVisible();
  await expect(messages.first()).toContainText(/put|delete/);
  await screenshot(page, 'tree');

  // The root's panel too, after fitting the drawing to the window.
  await canvas.getByRole('button', { name: 'Fit' }).click();
  await nodes.first().click({ position: { x: 30, y: 12 } });
  await expect(panel).toContainText('root');
  await expect(panel.getByTestId('buffer-message').first()).toBeVisible();

  // Keyboard: Escape closes the panel.
  await canvas.focus();
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();

  // Find a key: its root-to-leaf path is highlighted and the leaf's panel opens.
  await page.getByTestId('tree-search').fill('"users", 7');
  await page.getByTestId('tree-search').press('Enter');
  const result = page.getByTestId('search-result');
  await expect(result).toContainText('found');
  await expect(result).toContainText('("users", 7)');
  await expect(page.getByTestId('node-panel')).toContainText('L0 leaf');
  await expect(canvas.locator('.tree-node.on-path')).not.toHaveCount(0);
  await screenshot(page, 'tree-search');
  await setTheme(page, 'Light');
  await screenshot(page, 'tree-light');
  await setTheme(page, 'Dark');
});
