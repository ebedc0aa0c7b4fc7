/**
 * A developer compares two snapshots of the demo store: picks `imported` and `v2`, reads the
 * counts, steps through the changes with n / p, switches between split and unified, narrows to
 * a prefix, jumps through the change-density strip, and then sees in the Tree view which nodes
 * the two versions share — the reason the diff is fast.
 */
import { expect, test, type Page } from '@playwright/test';
import { Store } from '../engine/index';
import { encodeKey, encodeValue } from '../engine/records/index';
import { openDemoStore, openFile, openInspector, screenshot, setTheme, tmpPath } from './support';

async function compare(page: Page, a: string, b: string, prefix = ''): Promise<void> {
  await page.getByTestId('diff-a').fill(a);
  await page.getByTestId('diff-b').fill(b);
  await page.getByTestId('diff-prefix').fill(prefix);
  await page.getByTestId('diff-apply').click();
}

function count(page: Page, kind: 'added' | 'removed' | 'changed') {
  return page.getByTestId(`count-${kind}`).locator('b');
}

test('diff two snapshots, step through the changes, and see the shared tree', async ({ page }) => {
  await openInspector(page);
  await openDemoStore(page);
  await page.getByTestId('nav-diff').click();

  await compare(page, 'imported', 'v2');
  const summary = page.getByTestId('diff-summary');
  // Counts come from the diff.summary job: the demo ships orders, expires events and edits config.
  await expect(count(page, 'changed')).toHaveText(/^[1-9][\d,]*$/);
  await expect(count(page, 'removed')).toHaveText(/^[1-9][\d,]*$/);
  await expect(summary).toContainText(/#\d+ → #\d+/);
  const changed = Number((await count(page, 'changed').textContent())!.replace(/,/g, ''));

  const list = page.getByTestId('diff-rows');
  const rows = list.getByTestId('diff-row');
  await expect(rows.first()).toBeVisible();
  // Virtualized and paged: far fewer rows in the DOM than changes in the diff.
  const removed = Number((await count(page, 'removed').textContent())!.replace(/,/g, ''));
  expect(await rows.count()).toBeLessThan(changed + removed);

  // n / p: next and previous change.
  await expect(rows.first()).toHaveAttribute('aria-current', 'true');
  const firstKey = await rows.first().getAttribute('data-key');
  await page.keyboard.press('n');
  await page.keyboard.press('n');
  const current = list.locator('[data-testid=diff-row][aria-current=true]');
  await expect(current).not.toHaveAttribute('data-key', firstKey!);
  const thirdKey = await current.getAttribute('data-key');
  await page.keyboard.press('p');
  await expect(current).not.toHaveAttribute('data-key', thirdKey!);
  await expect(page.getByTestId('diff-status')).toContainText('change 2 selected');

  // A changed record is compared field by field: the changed field is highlighted.
  const changedRow = rows.and(page.locator('[data-type=changed]')).first();
  await expect(changedRow.locator('.diff-line[data-kind=changed]').first()).toBeVisible();
  // Unchanged fields are hidden until asked for.
  const toggle = changedRow.getByRole('button', { name: /unchanged/ });
  if (await toggle.count()) {
    const linesBefore = await changedRow.locator('.diff-line').count();
    await toggle.click();
    await expect.poll(() => changedRow.locator('.diff-line').count()).toBeGreaterThan(linesBefore);
    await expect(changedRow.locator('.diff-line[data-kind=same]').first()).toBeVisible();
  }

  // Unified: a change becomes a removed and an added line.
  await page.getByRole('radiogroup', { name: 'Diff layout' }).getByRole('radio', { name: 'Unified' }).click();
  await expect(list.locator('.diff-unified-line[data-kind=removed]').first()).toBeVisible();
  await expect(list.locator('.diff-unified-line[data-kind=added]').first()).toBeVisible();
  await page.getByRole('radiogroup', { name: 'Diff layout' }).getByRole('radio', { name: 'Split' }).click();
  await expect(list.locator('.diff-split-line').first()).toBeVisible();

  // The density strip: click the busiest slice after the first; the list starts at its first change.
  const buckets = page.getByTestId('density-bucket');
  await expect(buckets.first()).toBeVisible();
  const counts = await buckets.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
  expect(counts.filter((c) => c > 0).length).toBeGreaterThan(1);
  const later = counts.findIndex((c, i) => i > counts.findIndex((x) => x > 0) && c > 0);
  const target = buckets.nth(later);
  const title = (await target.getAttribute('title'))!;
  const jumpKey = /jump to (.*)$/.exec(title)![1]!;
  await target.click();
  await expect(page.getByText(`Showing changes from ${jumpKey} on.`)).toBeVisible();
  await expect(rows.first()).toContainText(jumpKey);
  await screenshot(page, 'diff');
  await page.getByRole('button', { name: 'Show from the start' }).click();
  await expect(rows.first()).toHaveAttribute('data-key', firstKey!);

  // Prefix filter: only config records, and the counts follow.
  await compare(page, 'imported', 'v2', '"config"');
  await expect(summary).toContainText('under prefix "config"');
  await expect(rows.first()).toContainText('config');
  const configChanged = Number((await count(page, 'changed').textContent())!.replace(/,/g, ''));
  expect(configChanged).toBeGreaterThan(0);
  expect(configChanged).toBeLessThan(changed);
  expect(await rows.count()).toBe(configChanged + Number((await count(page, 'added').textContent())!) + Number((await count(page, 'removed').textContent())!));
  for (const text of await rows.locator('.diff-key').allTextContents()) expect(text).toContain('config');
  await setTheme(page, 'Light');
  await screenshot(page, 'diff-light');
  await setTheme(page, 'Dark');

  // Clear messages for an unknown version and for the same version twice.
  await compare(page, 'imported', 'no-such-snapshot');
  await expect(page.getByTestId('error-panel')).toContainText('no version, snapshot or branch named "no-such-snapshot"');
  await compare(page, 'v2', 'v2');
  await expect(page.getByTestId('diff-empty')).toContainText('A and B are the same version');

  // The Tree view's overlay: nodes shared with `imported` vs only in the head.
  await page.getByTestId('nav-tree').click();
  const canvas = page.getByTestId('tree-canvas');
  await expect.poll(() => canvas.getByTestId('tree-node').count()).toBeGreaterThan(1);
  await page.getByTestId('tree-compare').fill('imported');
  await page.getByTestId('tree-compare-apply').click();
  const legend = page.getByTestId('tree-overlay-legend');
  await expect(legend).toContainText('shared with imported');
  await expect(legend).toContainText('only in this version');
  await expect(canvas.locator('[data-testid=tree-node][data-compare=right]').first()).toBeVisible();
  await expect(canvas.locator('[data-testid=tree-node][data-compare=shared]').first()).toBeVisible();
  await canvas.getByRole('button', { name: 'Fit' }).click();
  await screenshot(page, 'tree-overlay');
});

test('a changed large value loads on request and is compared field by field', async ({ page }) => {
  // A settings document well over the 2 KiB off-tree threshold; one field changes between #2 and #3.
  const path = tmpPath('large-diff.th');
  const notes = 'x'.repeat(6000);
  const store = Store.create(path, { durable: false });
  store.put(encodeKey(['settings', 1]), encodeValue({ theme: 'dark', notes, limits: { rows: 100 } }), { message: 'settings' });
  store.put(encodeKey(['settings', 1]), encodeValue({ theme: 'light', notes, limits: { rows: 100 } }), { message: 'light theme' });
  store.close();

  await openFile(page, path, 'large-diff.th');
  await page.getByTestId('nav-diff').click();
  await compare(page, '#2', '#3');
  const row = page.getByTestId('diff-row').first();
  await expect(row).toHaveAttribute('data-type', 'changed');
  await expect(row).toContainText('large value, not loaded here');
  await row.getByTestId('diff-load-values').click();
  // Both sides read in full: the one changed field shows, the note and the button are gone.
  await expect(row.locator('.diff-line[data-kind=changed]')).toContainText('theme');
  await expect(row.locator('.diff-line[data-kind=changed] .diff-before')).toHaveText('"dark"');
  await expect(row.locator('.diff-line[data-kind=changed] .diff-after')).toHaveText('"light"');
  await expect(row).not.toContainText('not loaded');
  await expect(row.getByTestId('diff-load-values')).toHaveCount(0);
  await expect(row.getByRole('button', { name: /unchanged/ })).toBeVisible();
  await row.getByRole('button', { name: /unchanged/ }).click();
  await expect(row.locator('.diff-line[data-kind=same]').first()).toBeVisible();
  await screenshot(page, 'diff-large-value');
});
