/**
 * Someone manages versions from the Lineage: read-only, the actions are there but disabled and
 * say why; after switching to Edit they name the head as a snapshot (a duplicate name is refused
 * in one line), start a branch at an older version, revert the head (a new version that undoes
 * it) and undo that revert (the head moves back; the revert stays in the lineage). Records says
 * the head came from this window. A second story scrolls a 5,000-version lineage, virtualized.
 * Both work on copies in E2E_TMP_DIR so other specs are unaffected.
 */
import { expect, test, type Page } from '@playwright/test';
import { copyFileSync } from 'node:fs';
import { Store } from '../engine/index';
import { encodeKey, encodeValue } from '../engine/records/index';
import { openFile, screenshot, setTheme, tmpPath } from './support';

/** The head id as the lineage summary states it ("… · head #12 on main"). */
async function summaryHead(page: Page): Promise<number> {
  const text = (await page.getByTestId('lineage-summary').textContent()) ?? '';
  const m = /head #([\d,]+) on/.exec(text);
  expect(m, text).not.toBeNull();
  return Number(m![1]!.replace(/,/g, ''));
}

test('snapshot, branch, revert and undo from the lineage', async ({ page }) => {
  const demo = process.env.E2E_DEMO_PATH;
  test.skip(!demo, 'needs E2E_DEMO_PATH (scripts/e2e.mjs provides it)');
  const path = tmpPath('lineage-actions.th');
  copyFileSync(demo as string, path);
  await openFile(page, path, 'lineage-actions.th');
  await expect(page.getByTestId('readonly-badge')).toBeVisible();

  // Read-only: the actions show, disabled, with the reason.
  await page.getByTestId('nav-lineage').click();
  const panel = page.getByTestId('version-panel');
  await expect(panel).toContainText('head');
  await expect(page.getByTestId('action-snapshot')).toBeDisabled();
  await expect(page.getByTestId('action-branch')).toBeDisabled();
  await expect(page.getByTestId('action-revert')).toBeDisabled();
  await expect(page.getByTestId('action-undo')).toBeDisabled();
  await expect(page.getByTestId('actions-readonly')).toContainText('switch to Edit in Records to change the store');

  // Switch to Edit in Records; the actions come on.
  await page.getByTestId('nav-records').click();
  await page.getByTestId('mode-edit').click();
  await expect(page.getByTestId('editing-badge')).toBeVisible();
  await page.getByTestId('nav-lineage').click();
  await expect(page.getByTestId('action-snapshot')).toBeEnabled();
  await expect(page.getByTestId('actions-readonly')).toHaveCount(0);
  const head = await summaryHead(page);
  const versions = page.getByTestId('lineage-version');
  const row = (id: number) => page.locator(`[data-testid=lineage-version][data-version="${id}"]`);
  await expect(row(head)).toHaveAttribute('aria-selected', 'true');

  // Snapshot the head: the label shows on its row at once.
  const dialog = page.getByTestId('lineage-action-dialog');
  await page.getByTestId('action-snapshot').click();
  await expect(dialog).toContainText(`Names version #${head}`);
  await expect(dialog.getByTestId('action-submit')).toBeDisabled();
  await dialog.getByTestId('snapshot-name').fill('e2e-release');
  await dialog.getByTestId('snapshot-message').fill('named from the lineage');
  await dialog.getByTestId('action-submit').click();
  await expect(dialog).toBeHidden();
  await expect(row(head).getByTestId('lineage-snapshot').filter({ hasText: 'e2e-release' })).toBeVisible();
  await expect(page.getByTestId('action-notice')).toContainText(`Snapshot “e2e-release” names #${head}`);
  await expect(page.getByTestId('lineage-summary')).toContainText('3 snapshots');

  // The same name again: refused, in one line, inside the dialog; nothing changes.
  await page.getByTestId('action-snapshot').click();
  await dialog.getByTestId('snapshot-name').fill('e2e-release');
  await dialog.getByTestId('action-submit').click();
  const error = dialog.getByTestId('action-error');
  await expect(error).toContainText('already exists');
  expect((await error.textContent())?.includes('\n')).toBe(false);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('lineage-summary')).toContainText('3 snapshots');

  // A branch from the version the "imported" snapshot names: its chip appears on that row.
  const imported = versions.filter({ has: page.getByTestId('lineage-snapshot').filter({ hasText: 'imported' }) });
  const importedId = Number(await imported.getAttribute('data-version'));
  await imported.click();
  await page.getByTestId('action-branch').click();
  await dialog.getByTestId('branch-name').fill('bad name');
  await expect(dialog.getByTestId('action-submit')).toBeDisabled();
  await dialog.getByTestId('branch-name').fill('e2e/hotfix');
  await dialog.getByTestId('action-submit').click();
  await expect(dialog).toBeHidden();
  await expect(row(importedId).locator('.chip-branch', { hasText: 'e2e/hotfix' })).toBeVisible();
  await expect(page.getByTestId('lineage-summary')).toContainText('3 branches');
  // main did not move.
  expect(await summaryHead(page)).toBe(head);

  // A version committed on another branch reverts onto that branch by default; main stays put.
  const experiment = versions.filter({ has: page.locator('.chip-branch', { hasText: 'experiment' }) });
  const experimentHead = Number(await experiment.getAttribute('data-version'));
  await experiment.click();
  await page.getByTestId('action-revert').click();
  await expect(dialog.getByTestId('revert-branch')).toHaveValue('experiment');
  await expect(dialog.getByTestId('action-confirm')).toContainText(`a new version on experiment that undoes #${experimentHead}`);
  await dialog.getByTestId('revert-branch').selectOption('main');
  await expect(dialog.getByTestId('action-confirm')).toContainText(`a new version on main that undoes #${experimentHead}`);
  await dialog.getByTestId('revert-branch').selectOption('experiment');
  await dialog.getByTestId('action-submit').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('action-notice')).toContainText(`on experiment`);
  const experimentRevert = Number(/as version #(\d+)/.exec((await page.getByTestId('action-notice').textContent()) ?? '')![1]);
  await expect(row(experimentRevert).locator('.chip-branch', { hasText: 'experiment' })).toBeVisible();
  expect(await summaryHead(page)).toBe(head);

  // Revert the head: the confirmation says what happens; a new version appears and is selected.
  await row(head).click();
  await page.getByTestId('action-revert').click();
  await expect(dialog.getByTestId('action-confirm')).toContainText(`a new version on main that undoes #${head}`);
  await expect(dialog.getByTestId('action-confirm')).toContainText('Nothing is deleted');
  await screenshot(page, 'lineage-actions');
  await dialog.getByTestId('action-submit').click();
  await expect(dialog).toBeHidden();
  const notice = page.getByTestId('action-notice');
  await expect(notice).toContainText(`Reverted #${head} as version #`);
  const reverted = Number(/as version #(\d+)/.exec((await notice.textContent()) ?? '')![1]);
  expect(reverted).toBeGreaterThan(head);
  await expect(versions.first()).toHaveAttribute('data-version', String(reverted));
  await expect(versions.first()).toContainText(`Revert #${head}`);
  await expect(row(reverted)).toHaveAttribute('aria-selected', 'true');
  await expect(row(reverted).locator('.chip-branch', { hasText: 'main' })).toBeVisible();
  expect(await summaryHead(page)).toBe(reverted);
  await screenshot(page, 'lineage-actions-reverted');

  // Records says the head is this window's revert, not someone else's commit.
  await page.getByTestId('nav-records').click();
  await expect(page.getByTestId('records-status')).toContainText(`reverted as v#${reverted}`);
  await expect(page.getByTestId('records-status')).not.toContainText('live');

  // Undo the revert: main's head moves back; the revert stays in the lineage.
  await page.getByTestId('nav-lineage').click();
  await row(reverted).click();
  await page.getByTestId('action-undo').click();
  await expect(dialog.getByTestId('action-confirm')).toContainText(`back from #${reverted}`);
  await expect(dialog.getByTestId('action-confirm')).toContainText(`to its parent #${head}`);
  await dialog.getByTestId('action-submit').click();
  await expect(dialog).toBeHidden();
  await expect(notice).toContainText(`Moved main back to #${head}`);
  await expect(row(head).locator('.chip-branch', { hasText: 'main' })).toBeVisible();
  await expect(row(reverted)).toBeVisible();
  await expect(row(reverted).locator('.chip-branch')).toHaveCount(0);
  await expect(row(head)).toHaveAttribute('aria-selected', 'true');
  expect(await summaryHead(page)).toBe(head);
  await setTheme(page, 'Light');
  await screenshot(page, 'lineage-actions-light');
  await setTheme(page, 'Dark');

  // A commit made here: Records says "committed", the lineage has it at the top.
  await page.getByTestId('nav-records').click();
  await expect(page.getByTestId('records-status')).toContainText(`undone back to v#${head}`);
  await page.getByTestId('record-row').first().click();
  await page.getByTestId('records-list').press('Delete');
  await expect(page.getByTestId('stage-count')).toHaveText('1');
  await page.keyboard.press('Control+s');
  const review = page.getByTestId('review-dialog');
  await review.getByTestId('commit-message').fill('e2e: delete one from records');
  await review.getByTestId('commit-submit').click();
  await expect(review).toBeHidden();
  await expect(page.getByTestId('edit-notice')).toContainText('as version #');
  const committed = Number(/as version #(\d+)/.exec((await page.getByTestId('edit-notice').textContent()) ?? '')![1]);
  expect(committed).toBeGreaterThan(reverted);
  await expect(page.getByTestId('records-status')).toContainText(`committed v#${committed}`);
  await expect(page.getByTestId('records-status')).not.toContainText('live');
  await page.getByTestId('nav-lineage').click();
  await expect(versions.first()).toContainText('e2e: delete one from records');

  // Back to read-only: the actions are disabled again.
  await page.getByTestId('nav-records').click();
  await page.getByTestId('mode-read').click();
  await expect(page.getByTestId('readonly-badge')).toBeVisible();
  await page.getByTestId('nav-lineage').click();
  await expect(page.getByTestId('action-revert')).toBeDisabled();
});

test('a 5,000-version lineage stays virtualized while scrolling and moving with the keyboard', async ({ page }) => {
  const path = tmpPath('long-lineage.th');
  // 5,200 commits on main, a short side branch every 1,000 (bulk load: no fsync per commit).
  const store = Store.create(path, { durable: false });
  for (let i = 0; i < 5200; i++) {
    store.put(encodeKey(['k', i % 300]), encodeValue({ i }), { message: `commit ${i}` });
    if (i % 1000 === 999) {
      store.branch(`side-${i}`);
      const tx = store.begin({ branch: `side-${i}` });
      tx.put(encodeKey(['side', i]), encodeValue(1));
      tx.commit({ message: `side ${i}` });
    }
  }
  const total = store.versions().length;
  store.close();
  expect(total).toBeGreaterThan(5000);

  await openFile(page, path, 'long-lineage.th');
  await page.getByTestId('nav-lineage').click();
  const versions = page.getByTestId('lineage-version');
  await expect(versions.first()).toBeVisible();
  // Load every page (500 versions each): the button loads the next one, and scrolling to the
  // oldest loaded row fetches the next page by itself, until there is none.
  const older = page.getByTestId('lineage-older');
  const untouched = (await older.textContent()) ?? '';
  await older.click();
  await expect(older).not.toHaveText(untouched);
  await expect(older).toHaveText(/^Load older versions/);
  await expect(async () => {
    await page.getByTestId('lineage-list').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    expect(await older.count()).toBe(0);
  }).toPass({ timeout: 45_000 });
  await expect(older).toHaveCount(0);
  const rowsInDom = await versions.count();
  const dotsInDom = await page.locator('[data-testid=lineage-graph] [data-dot]').count();
  const pathsInDom = await page.locator('[data-testid=lineage-graph] path').count();
  console.log(`lineage of ${total} versions: ${rowsInDom} rows, ${dotsInDom} dots, ${pathsInDom} edges in the DOM`);
  expect(rowsInDom).toBeLessThan(100);
  expect(dotsInDom).toBe(rowsInDom);

  const list = page.getByTestId('lineage-list');
  const selected = page.locator('[data-testid=lineage-version][aria-selected=true]');
  /** The selected row's dot sits on the row (same vertical centre, within a pixel). */
  const dotAligned = async () => {
    const id = await selected.getAttribute('data-version');
    const rowBox = await selected.boundingBox();
    const dotBox = await page.locator(`[data-testid=lineage-graph] [data-dot="${id}"]`).boundingBox();
    expect(rowBox && dotBox).toBeTruthy();
    expect(Math.abs(rowBox!.y + rowBox!.height / 2 - (dotBox!.y + dotBox!.height / 2))).toBeLessThanOrEqual(1.5);
  };

  // End: the oldest version (#1, the store's creation), rendered and selected; its dot beside it.
  await list.focus();
  await page.keyboard.press('End');
  await expect(selected).toHaveAttribute('data-version', '1');
  await expect(selected).toBeInViewport();
  await dotAligned();
  expect(await versions.count()).toBeLessThan(100);
  // PageUp moves ten rows; ArrowUp one; both stay on screen.
  await page.keyboard.press('PageUp');
  await expect(selected).toHaveAttribute('data-version', '11');
  await page.keyboard.press('ArrowUp');
  await expect(selected).toHaveAttribute('data-version', '12');
  await expect(selected).toBeInViewport();
  await dotAligned();
  // Scrolling to the middle renders the rows there, and only those.
  await list.evaluate((el) => {
    el.scrollTop = el.scrollHeight / 2;
  });
  await expect(versions.first()).not.toHaveAttribute('data-version', '12');
  const middle = Number(await versions.nth(20).getAttribute('data-version'));
  expect(middle).toBeGreaterThan(1000);
  expect(middle).toBeLessThan(4500);
  expect(await versions.count()).toBeLessThan(100);
  // Home: back to the newest.
  await list.focus();
  await page.keyboard.press('Home');
  await expect(selected).toBeInViewport();
  await expect(versions.first()).toHaveAttribute('data-version', String(total));
  await dotAligned();
});
