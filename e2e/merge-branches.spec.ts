/**
 * Someone brings the demo's experiment branch back into main. Both branches changed user 1's
 * name (a conflict) and user 2's city (a conflict on a nested field); they changed different
 * fields of user 3 (merged field by field); experiment alone changed user 4's plan and the
 * first orders. Diff shows what experiment did since the fork (not main's new users as
 * "removed"), with the two-way compare one click away. From the Lineage they open the merge,
 * step through the conflicts with n, keep main's name, type a city, commit, and see the merge
 * commit joining the two lanes. Works on a copy in E2E_TMP_DIR.
 */
import { expect, test } from '@playwright/test';
import { copyFileSync } from 'node:fs';
import { Store } from '../engine/index';
import { decodeValue, encodeKey, encodeValue } from '../engine/records/index';
import { openFile, screenshot, setTheme, tmpPath } from './support';

type User = { name: string; email: string; plan: string; address: { city: string; country: string } } & Record<string, unknown>;

/** Changes `ids`' documents on `branch` in one commit. */
function change(store: Store, branch: string, message: string, edits: Record<number, (u: User) => User>): void {
  const tx = store.begin({ branch });
  for (const [id, edit] of Object.entries(edits)) {
    const key = encodeKey(['users', Number(id)]);
    tx.put(key, encodeValue(edit(decodeValue(store.at(branch).get(key)!) as User)));
  }
  tx.commit({ message });
}

function userAt(path: string, id: number): User {
  const store = Store.open(path, { readOnly: true });
  try {
    return decodeValue(store.get(encodeKey(['users', id]))!) as User;
  } finally {
    store.close();
  }
}

test('merge experiment into main: field-level auto-merge, conflicts resolved in the inspector, the merge in the lineage', async ({ page }) => {
  const demo = process.env.E2E_DEMO_PATH;
  test.skip(!demo, 'needs E2E_DEMO_PATH (scripts/e2e.mjs provides it)');
  const path = tmpPath('merge-branches.th');
  copyFileSync(demo as string, path);
  const store = Store.open(path);
  const user3 = decodeValue(store.get(encodeKey(['users', 3]))!) as User;
  change(store, 'main', 'main: names, cities and emails', {
    1: (u) => ({ ...u, name: 'Ada Main' }),
    2: (u) => ({ ...u, address: { ...u.address, city: 'Oslo' } }),
    3: (u) => ({ ...u, email: 'three@main.example' }),
  });
  change(store, 'experiment', 'experiment: names, cities, plans', {
    1: (u) => ({ ...u, name: 'Ada Experiment' }),
    2: (u) => ({ ...u, address: { ...u.address, city: 'Bergen' } }),
    3: (u) => ({ ...u, plan: 'enterprise' }),
    4: (u) => ({ ...u, plan: 'team' }),
  });
  const experimentHead = store.head('experiment').id;
  const mainHead = store.head('main').id;
  store.close();

  await openFile(page, path, 'merge-branches.th');
  await page.getByTestId('nav-records').click();
  await page.getByTestId('mode-edit').click();
  await expect(page.getByTestId('editing-badge')).toBeVisible();

  // From the Lineage: the experiment head offers "Merge experiment into…".
  await page.getByTestId('nav-lineage').click();
  await page.locator(`[data-testid=lineage-version][data-version="${experimentHead}"]`).click();
  await page.getByTestId('action-merge').click();

  // The preview: two conflicts, the rest merged automatically; commit waits for both.
  const summary = page.getByTestId('merge-summary');
  await expect(summary).toHaveAttribute('data-status', 'conflicts');
  await expect(page.getByTestId('merge-counts')).toContainText('2 conflicts (0 resolved)');
  await expect(summary).toContainText(`ours main #${mainHead}`);
  await expect(summary).toContainText(`theirs experiment #${experimentHead}`);
  const commit = page.getByTestId('merge-commit');
  await expect(commit).toBeDisabled();
  const cards = page.getByTestId('merge-conflict');
  await expect(cards).toHaveCount(2);
  await expect(cards.nth(0)).toContainText('name');
  await expect(cards.nth(0).getByTestId('conflict-ours')).toHaveText('"Ada Main"');
  await expect(cards.nth(0).getByTestId('conflict-theirs')).toHaveText('"Ada Experiment"');
  await expect(cards.nth(1)).toContainText('address.city');
  await expect(page.getByTestId('merge-origins')).toContainText('201 from experiment only · 1 merged field by field');
  // User 3: main's email and experiment's plan, merged field by field, in Diff's rows (after
  // the repriced orders, in key order: scroll to the end of the list).
  await page.getByTestId('merge-change-rows').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  const user3Row = page.getByTestId('merge-change-rows').locator('[data-testid=diff-row]').filter({ hasText: '"users", 3' });
  await expect(user3Row).toBeVisible();
  await expect(user3Row.locator('.diff-line[data-kind=changed]')).toContainText('plan');

  // "Changes since the fork": Diff lists what experiment did (no main users as removed).
  await page.getByTestId('merge-see-fork').click();
  const mode = page.getByTestId('diff-compare-mode');
  await expect(mode).toContainText('Changes on experiment since it forked from main');
  await expect(page.getByTestId('count-removed').locator('b')).toHaveText('0');
  await expect(page.getByTestId('count-added').locator('b')).toHaveText('0');
  await screenshot(page, 'diff-since-fork');
  // The two-way compare, one click away, lists main's newer users as removed.
  await page.getByTestId('diff-toggle-fork').click();
  await expect(mode).toHaveAttribute('data-mode', 'two-way');
  await expect(page.getByTestId('count-removed').locator('b')).toHaveText(/^[1-9][\d,]*$/);
  await page.getByTestId('nav-merge').click();
  await expect(cards).toHaveCount(2);
  // The rows are still drawn after the view was hidden (it lost its scroll position meanwhile).
  const drawnInView = () =>
    page.getByTestId('merge-change-rows').evaluate((el) => {
      const box = el.getBoundingClientRect();
      return [...el.querySelectorAll('[data-testid=diff-row]')].some((r) => {
        const b = r.getBoundingClientRect();
        return b.bottom > box.top && b.top < box.bottom;
      });
    });
  await expect.poll(drawnInView).toBe(true);

  // n selects the first unresolved conflict; keep ours for the name.
  await page.keyboard.press('n');
  await expect(cards.nth(0)).toHaveAttribute('aria-current', 'true');
  await cards.nth(0).getByTestId('conflict-ours-btn').click();
  await expect(cards.nth(0)).toHaveAttribute('data-resolved', 'ours');
  await expect(commit).toBeDisabled();
  // n moves on to the one left; type the city.
  await page.keyboard.press('n');
  await expect(cards.nth(1)).toHaveAttribute('aria-current', 'true');
  await cards.nth(1).getByTestId('conflict-edit').click();
  const editor = cards.nth(1).getByTestId('conflict-edit-text');
  await expect(editor).toHaveValue('"Bergen"');
  await editor.fill('"Trondheim');
  await expect(cards.nth(1).getByTestId('conflict-edit-error')).toBeVisible();
  await expect(cards.nth(1).getByTestId('conflict-edit-use')).toBeDisabled();
  await editor.fill('"Trondheim"');
  await cards.nth(1).getByTestId('conflict-edit-use').click();
  await expect(cards.nth(1)).toHaveAttribute('data-resolved', 'edited value');
  await expect(page.getByTestId('merge-counts')).toContainText('2 conflicts (2 resolved)');
  await expect(commit).toBeEnabled();
  await page.getByTestId('merge-message').fill('Merge experiment into main (e2e)');
  // The conflicts grew (an edited value) and the rows' box shrank: the rows are still drawn.
  await expect.poll(drawnInView).toBe(true);
  // Nothing landed since the preview: no stale-preview warning.
  await expect(page.getByTestId('merge-stale')).toHaveCount(0);
  await screenshot(page, 'merge-view');
  await setTheme(page, 'Light');
  await screenshot(page, 'merge-view-light');
  await setTheme(page, 'Dark');

  await commit.click();
  const notice = page.getByTestId('merge-notice');
  await expect(notice).toContainText('Merged experiment into main as version #');
  const merged = Number(/as version #(\d+)/.exec((await notice.textContent()) ?? '')![1]);
  expect(merged).toBeGreaterThan(experimentHead);

  // The Lineage: the merge commit, with both parents, joins the two lanes.
  await notice.getByTestId('merge-see-lineage').click();
  const row = page.locator(`[data-testid=lineage-version][data-version="${merged}"]`);
  await expect(row).toBeVisible();
  await row.click();
  const panel = page.getByTestId('version-panel');
  await expect(panel).toContainText('Merge experiment into main (e2e)');
  await expect(panel.getByRole('button', { name: `#${mainHead}` })).toBeVisible();
  await expect(panel.getByRole('button', { name: `#${experimentHead}` })).toBeVisible();
  await expect(page.locator(`[data-dot="${merged}"] [data-merge=true]`)).toBeVisible();
  await expect(page.locator('.lineage-edge.merge').first()).toBeAttached();
  // The hover card would cover the lanes in the picture.
  await page.mouse.move(90, 700);
  await expect(page.getByTestId('lineage-hover')).toHaveCount(0);
  await screenshot(page, 'lineage-merge');

  // What the store holds now: each choice, field by field.
  expect(userAt(path, 1).name).toBe('Ada Main');
  expect(userAt(path, 2).address.city).toBe('Trondheim');
  expect(userAt(path, 3)).toMatchObject({ email: 'three@main.example', plan: 'enterprise', name: user3.name });
  expect(userAt(path, 4).plan).toBe('team');
});

test('abort leaves nothing behind; cherry-pick one version from the lineage', async ({ page }) => {
  const demo = process.env.E2E_DEMO_PATH;
  test.skip(!demo, 'needs E2E_DEMO_PATH (scripts/e2e.mjs provides it)');
  const path = tmpPath('cherry-pick.th');
  copyFileSync(demo as string, path);
  const before = Store.open(path, { readOnly: true });
  const versions = before.versions().length;
  const picked = before.head('experiment').id;
  const mainHead = before.head('main').id;
  before.close();

  await openFile(page, path, 'cherry-pick.th');
  await page.getByTestId('nav-records').click();
  await page.getByTestId('mode-edit').click();
  await expect(page.getByTestId('editing-badge')).toBeVisible();

  // Preview a merge from the nav, then abort it: nothing is written.
  await page.getByTestId('nav-merge').click();
  await page.getByTestId('merge-theirs').fill('experiment');
  await page.getByTestId('merge-preview').click();
  await expect(page.getByTestId('merge-summary')).toHaveAttribute('data-status', 'clean');
  await expect(page.getByTestId('merge-commit')).toBeEnabled();
  await page.getByTestId('merge-abort').click();
  await expect(page.getByTestId('merge-notice')).toHaveText('Aborted: nothing was written.');
  await expect(page.getByTestId('merge-summary')).toHaveCount(0);
  const after = Store.open(path, { readOnly: true });
  expect([after.versions().length, after.head('main').id]).toEqual([versions, mainHead]);
  after.close();

  // Cherry-pick experiment's repricing onto main from the lineage.
  await page.getByTestId('nav-lineage').click();
  await page.locator(`[data-testid=lineage-version][data-version="${picked}"]`).click();
  await page.getByTestId('action-cherry-pick').click();
  await expect(page.getByTestId('merge-summary')).toHaveAttribute('data-status', 'clean');
  await expect(page.getByTestId('merge-summary')).toContainText(`theirs #${picked}`);
  await expect(page.getByTestId('merge-counts')).toContainText('200 merged automatically');
  await page.getByTestId('merge-commit').click();
  await expect(page.getByTestId('merge-notice')).toContainText(`Cherry-picked #${picked} onto main as version #`);
  const version = Number(/as version #(\d+)/.exec((await page.getByTestId('merge-notice').textContent()) ?? '')![1]);
  const store = Store.open(path, { readOnly: true });
  const head = store.head('main');
  store.close();
  expect(head.id).toBe(version);
  // An ordinary commit: one parent.
  expect(head.parents).toEqual([mainHead]);
});
