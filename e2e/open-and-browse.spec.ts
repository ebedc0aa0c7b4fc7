/**
 * A developer opens the demo store, scrolls through its records, narrows them to one user's
 * orders with a prefix, opens an order and follows its reference to the user.
 */
import { expect, test } from '@playwright/test';
import { openDemoStore, openInspector, screenshot, setTheme } from './support';

test('open the demo store, scroll, filter by prefix and open a value', async ({ page }) => {
  await openInspector(page);
  await page.getByTestId('nav-welcome').click();
  await expect(page.getByRole('heading', { name: 'Open a Thunderhead store' })).toBeVisible();
  await screenshot(page, 'welcome');

  await openDemoStore(page);

  // Records shows the first page at once, keys decoded as tuples.
  const rows = page.getByTestId('record-row');
  await expect(rows.first()).toBeVisible();
  await expect(rows.first()).toContainText('(');
  await expect(page.getByTestId('records-status')).toContainText('records');

  // Scrolling fetches further pages on demand: row numbers beyond the first page appear.
  const list = page.getByTestId('records-list');
  await list.hover();
  // Wheel until the rendered rows reach past 450 (a loaded machine may overshoot, so no exact row).
  const lastRow = async (): Promise<number> => Number(((await rows.last().getAttribute('id')) ?? 'rec-0').slice(4));
  await expect(async () => {
    await page.mouse.wheel(0, 800);
    expect(await lastRow()).toBeGreaterThanOrEqual(450);
  }).toPass({ timeout: 30_000 });
  await expect(rows.last()).toBeVisible();
  expect(await rows.count()).toBeLessThan(200); // only the visible rows are in the DOM

  // Keyboard: Home goes back to the first record.
  await list.focus();
  await page.keyboard.press('Home');
  await expect(page.locator('#rec-0')).toBeVisible();

  // One user's orders: prefix ("orders", 7).
  await page.getByTestId('filter-prefix').fill('"orders", 7');
  await page.getByTestId('filter-apply').click();
  await expect(page.getByTestId('records-status')).toContainText('prefix "orders", 7');
  await expect(rows.first()).toContainText('("orders", 7,');
  const keys = await page.locator('[data-testid=record-row] .cell-key').allTextContents();
  expect(keys.length).toBeGreaterThan(0);
  for (const k of keys) expect(k.startsWith('("orders", 7,')).toBe(true);

  // Open an order: its value is a JSON tree with a reference to its user.
  await rows.first().click();
  const detail = page.getByTestId('record-detail');
  await expect(detail.getByTestId('detail-key')).toContainText('("orders", 7,');
  await expect(detail.getByTestId('value-body')).toContainText('"items"');
  await screenshot(page, 'records-prefix');

  // The hex view of the same value.
  await detail.getByRole('radiogroup', { name: 'Value display' }).getByText('Hex').click();
  await expect(detail.locator('.hex-view')).toBeVisible();
  await detail.getByRole('radiogroup', { name: 'Value display' }).getByText('JSON').click();

  // References are links: follow it to the user record.
  await detail.getByRole('button', { name: /\("users", 7\)/ }).click();
  await expect(page.getByTestId('detail-key')).toContainText('("users", 7)');
  await expect(page.getByTestId('value-body')).toContainText('"email"');
  await screenshot(page, 'records');

  // The light theme, same screen.
  await setTheme(page, 'Light');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await screenshot(page, 'records-light');
  await setTheme(page, 'Dark');
});

test('large values load lazily with their size', async ({ page }) => {
  await openInspector(page);
  await openDemoStore(page);
  await page.getByTestId('jump-key').fill('"docs"');
  await page.getByTestId('jump-key').press('Enter');
  const row = page.getByTestId('record-row').filter({ hasText: '"docs"' }).first();
  await expect(row).toContainText('large');
  await row.click();
  const detail = page.getByTestId('record-detail');
  await expect(detail).toContainText('large · off-tree');
  await expect(detail.getByTestId('value-body')).toBeVisible();
});

test('the overview shows the walk of the tree', async ({ page }) => {
  await openInspector(page);
  await openDemoStore(page);
  await page.getByTestId('nav-overview').click();
  const card = (title: string) => page.locator('.card-title', { hasText: title });
  await expect(card('Nodes per level')).toBeVisible({ timeout: 30_000 });
  await expect(card('Leaf fill')).toBeVisible();
  await expect(card('Buffer occupancy')).toBeVisible();
  await expect(card('Space')).toBeVisible();
  await expect(page.getByRole('img', { name: /Leaf fill histogram/ })).toBeVisible();
  await screenshot(page, 'overview');
  await setTheme(page, 'Light');
  await screenshot(page, 'overview-light');
  await setTheme(page, 'Dark');
});
