/**
 * Someone tries the contention demo, then stops it: the workload runs on a temporary copy, so
 * the demo store everyone browses gains no versions, and Stop in the Locks view ends it and
 * removes the copy. Then someone edits a file in a tab and closes the tab: the writer lock goes
 * with it, and the CLI can write the file at once.
 */
import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../engine/index';
import { openInspector, screenshot, tmpPath } from './support';

const CLI = join(import.meta.dirname, '..', 'bin', 'thunderhead.mjs');

function versionsOf(path: string): number {
  const store = Store.open(path, { readOnly: true });
  try {
    return store.versions().length;
  } finally {
    store.close();
  }
}

/**
 * `thunderhead put` from another process; its exit code and message. Bounded: spawnSync blocks
 * the test's event loop, so a CLI that never returned would surface only as the test's timeout
 * with no clue; killed after 30 s it fails here, saying so.
 */
function cliPut(path: string): { code: number; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'put', path, '["from-cli", 1]', '{"ok": true}', '-m', 'from the CLI'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, THUNDERHEAD_DEBUG: '' } });
  if (r.error || r.signal) throw new Error(`thunderhead put did not finish: ${r.error?.message ?? r.signal}; stderr: ${r.stderr}`);
  return { code: r.status ?? -1, stderr: r.stderr };
}

test('the contention demo runs on a copy, and Stop ends it and removes the copy', async ({ page }) => {
  test.setTimeout(90_000);
  const demo = process.env.E2E_DEMO_PATH;
  test.skip(!demo, 'needs E2E_DEMO_PATH (scripts/e2e.mjs provides it)');
  const before = versionsOf(demo as string);

  await openInspector(page);
  await page.getByTestId('nav-welcome').click();
  await page.getByTestId('contention-demo').click();
  await expect(page.getByTestId('locks-state')).toHaveText(/Live/, { timeout: 30_000 });
  await expect(page.getByTestId('file-name')).toHaveText('contention-demo.th');
  const stop = page.getByTestId('locks-stop-demo');
  await expect(stop).toBeVisible();
  // Let the workload commit for a while: deadlocks are drawn, versions pile up on the copy.
  await expect(page.getByTestId('locks-graph').locator('[data-cycle="true"]').first()).toBeVisible({ timeout: 30_000 });
  const copy = await page.getByTestId('locks-bar-path').getAttribute('title');
  expect(copy).toBeTruthy();
  expect(copy).not.toBe(demo);
  await expect.poll(() => versionsOf(copy as string), { timeout: 20_000 }).toBeGreaterThan(before);
  await screenshot(page, 'locks-demo-stop');

  // The demo everyone browses took none of the workload's commits.
  expect(versionsOf(demo as string)).toBe(before);

  await stop.click();
  await expect(page.getByText(/the contention demo stopped \(stopped\); its temporary copy was removed/)).toBeVisible();
  await expect.poll(() => existsSync(copy as string)).toBe(false);
  expect(versionsOf(demo as string)).toBe(before);
});

test('closing a tab in edit mode releases the writer lock: the CLI can write right away', async ({ context }) => {
  test.setTimeout(90_000);
  const demo = process.env.E2E_DEMO_PATH;
  test.skip(!demo, 'needs E2E_DEMO_PATH (scripts/e2e.mjs provides it)');
  const path = tmpPath('tab-lock.th');
  copyFileSync(demo as string, path);

  const tab = await context.newPage();
  await test.step('open the copy for writing in a new tab', async () => {
    await openInspector(tab);
    await tab.getByTestId('nav-welcome').click();
    await tab.getByTestId('open-path').fill(path);
    await tab.getByText('Open for writing (otherwise read-only)').click();
    await tab.getByTestId('open-submit').click();
    await expect(tab.getByTestId('file-name')).toHaveText('tab-lock.th');
    await expect(tab.getByTestId('readonly-badge')).toHaveCount(0);
  });

  await test.step('the CLI is refused while the tab holds the lock', () => {
    const locked = cliPut(path);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toMatch(/open for writing by process/);
  });

  const versions = versionsOf(path);
  await test.step('close the tab', () => tab.close());
  // The server notices the socket close; then the file is free (no server restart needed).
  await test.step('the CLI can write once the tab is gone', () =>
    expect.poll(() => cliPut(path).code, { timeout: 20_000, intervals: [250, 500, 1000] }).toBe(0));
  expect(versionsOf(path)).toBe(versions + 1);
});
