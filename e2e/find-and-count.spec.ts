/**
 * A developer asks the store questions: how many records there are (the exact total, and a
 * scrollbar that spans a million of them: one drag to the middle lands there), which orders are
 * pending (a query in Records, its mistakes pointed at), which orders changed status between
 * two releases (one query in Diff), and which prefixes take the space (the key-space treemap in
 * the Overview, each prefix opening in Records).
 */
import { expect, test, type Page } from '@playwright/test';
import { rmSync } from 'node:fs';
import { itemsStore, openDemoStore, openFile, openInspector, screenshot } from './support';

/** Row numbers (as numbers) and keys on screen. */
async function visibleRows(page: Page): Promise<{ n: number; key: string }[]> {
  const rows = await page.locator('[data-testid=record-row]').evaluateAll((els) =>
    els.map((r) => ({ n: r.querySelector('.num')?.textContent ?? '', key: r.querySelector('.cell-key')?.textContent ?? '' })),
  );
  return rows.map((r) => ({ n: Number(r.n.replace(/,/g, '')), key: r.key }));
}

test('1,000,000 records: the exact total, and one drag of the scrollbar to the middle shows the middle rows', async ({ page }) => {
  const n = 1_000_000;
  const path = itemsStore('million.th', n);
  try {
    await openFile(page, path, 'million.th');
    const list = page.getByTestId('records-list');
    await expect(page.getByTestId('record-row').first()).toBeVisible();
    await expect(page.getByTestId('records-status')).toContainText('1,000,000 records');

    // One hop of the scrollbar to the middle of its track (what dropping the thumb there does;
    // headless Chromium draws no scrollbar to drag). 26 px × 1,000,000 rows would be taller
    // than a browser lets an element be: the track is scaled, not cut off.
    const track = await list.evaluate((el) => {
      el.scrollTop = (el.scrollHeight - el.clientHeight) / 2;
      return el.scrollHeight;
    });
    expect(track).toBeLessThan(26 * n);
    // The rows drawn are the middle of the range, numbered by their real position.
    await expect
      .poll(async () => {
        const rows = await visibleRows(page);
        return rows.length > 0 && rows.every((r) => r.key === `("item", ${r.n - 1})`) ? rows[0]!.n : 0;
      })
      .toBeGreaterThan(400_000);
    const middle = await visibleRows(page);
    expect(middle[middle.length - 1]!.n).toBeLessThan(600_000);

    // The last row is the millionth: the scrollbar spans all of them.
    await list.focus();
    await page.keyboard.press('End');
    await expect(page.locator('[data-testid=record-row][aria-selected=true] .num').first()).toHaveText('1,000,000');
    await expect(page.getByTestId('detail-key')).toHaveText('("item", 999999)');

    // A jump by key: the list starts there, its rows numbered by the key's real position.
    await page.getByTestId('jump-key').fill('"item", 765432');
    await page.getByTestId('jump-key').press('Enter');
    await expect(page.locator('#rec-0 .num').first()).toHaveText('765,433');
  } finally {
    rmSync(path, { force: true });
  }
});

test('a query in Records: the syntax shown, a mistake pointed at, then the matching records and their total', async ({ page }) => {
  await openInspector(page);
  await openDemoStore(page);
  await expect(page.getByTestId('records-status')).toContainText('20,000 records');
  const query = page.getByTestId('records-query');
  await query.click();
  await expect(page.getByTestId('records-query-help')).toContainText('status = "pending"');
  // A mistake: the caret sits under the column, the message names it, Find is disabled.
  await query.fill('status = "pending" and total >> 100');
  await expect(page.getByTestId('records-query-help')).toContainText('Column 31');
  const caret = page.getByTestId('records-query-caret');
  await expect(caret).toHaveText(`${' '.repeat(30)}^`);
  await expect(page.getByTestId('records-query-apply')).toBeDisabled();
  await screenshot(page, 'records-query-error');

  await query.fill('status = "pending" and total > 100');
  await expect(caret).toHaveCount(0);
  await query.press('Enter');
  const status = page.getByTestId('records-status');
  await expect(status).toContainText(/matching records/);
  await expect(status).toContainText(/^[\d,]+ matching records · where status = "pending" and total > 100/, { timeout: 30_000 });
  const total = Number(((await status.textContent()) ?? '').split(' ')[0]!.replace(/,/g, ''));
  expect(total).toBeGreaterThan(0);
  expect(total).toBeLessThan(20_000);
  const first = page.getByTestId('record-row').first();
  await expect(first).toContainText('"pending"');
  await first.click();
  await expect(page.getByTestId('record-detail')).toContainText('pending');
  await screenshot(page, 'records-total-query');

  // The history: the query comes back with the up arrow after clearing.
  await page.getByTitle('Clear the query', { exact: true }).click();
  await expect(status).toContainText('20,000 records');
  await query.click();
  await query.press('ArrowUp');
  await expect(query).toHaveValue('status = "pending" and total > 100');
});

test('a query in Diff: the orders whose status changed between imported and v2', async ({ page }) => {
  await openInspector(page);
  await openDemoStore(page);
  await page.getByTestId('nav-diff').click();
  await page.getByTestId('diff-a').fill('imported');
  await page.getByTestId('diff-b').fill('v2');
  await page.getByTestId('diff-prefix').fill('"orders"');
  await page.getByTestId('diff-apply').click();
  const rows = page.getByTestId('diff-rows').getByTestId('diff-row');
  await expect(rows.first()).toBeVisible();
  const query = page.getByTestId('diff-query');
  await query.fill('changed(status)');
  await query.press('Enter');
  await expect(page.getByTestId('diff-status')).toContainText('matching the query');
  await expect(rows.first()).toBeVisible();
  // Every row is a changed order whose status differs (shipped now).
  const types = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-type')));
  expect(types.every((t) => t === 'changed')).toBe(true);
  await expect(rows.first()).toContainText('shipped');
  await screenshot(page, 'diff-query');
  // changed() in Records is a mistake, said as such.
  await page.getByTestId('nav-records').click();
  await page.getByTestId('records-query').fill('changed(status)');
  await expect(page.getByTestId('records-query-help')).toContainText('use it in Diff');
});

test('the key-space treemap: prefixes by bytes or records, drill into one, open it in Records', async ({ page }) => {
  await openInspector(page);
  await openDemoStore(page);
  await page.getByTestId('nav-overview').click();
  const card = page.getByTestId('keyspace');
  const cells = card.getByTestId('keyspace-cell');
  await expect(cells.first()).toBeVisible({ timeout: 30_000 });
  const labels = await cells.evaluateAll((els) => els.map((e) => e.getAttribute('data-label')));
  expect(labels).toEqual(expect.arrayContaining(['orders', 'users', 'events']));
  await expect(card.getByTestId('keyspace-largest').locator('li').first()).toBeVisible();
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'keyspace-treemap');
  // By records: the same prefixes, other areas.
  await card.getByRole('radio', { name: 'Records' }).click();
  await expect(card.locator('[data-label=orders] .keyspace-value')).toContainText('records');
  // Into orders, then one of its level-2 prefixes opens Records filtered by it.
  await card.locator('[data-label=orders]').click();
  await expect(card.getByTestId('keyspace-drill')).toHaveText('orders');
  const child = card.locator('[data-testid=keyspace-cell].clickable').first();
  const label = await child.getAttribute('data-label');
  await child.click();
  await expect(page.getByTestId('filter-prefix')).toHaveValue(`("orders", ${label})`);
  await expect(page.getByTestId('record-row').first()).toContainText(`("orders", ${label},`);
  await expect(page.getByTestId('records-status')).toContainText(/^[\d,]+ records? · prefix \("orders", /);
});
