/**
 * Someone debugs lock contention: a workload with deadlocks runs against a store, the inspector
 * opens that file, attaches to the process's lock monitor and watches it. A deadlock cycle is
 * drawn with its victim named; pausing freezes the picture while the workload goes on, and
 * resuming catches up.
 */
import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe } from '../app/serve/serve';
import { openInspector, screenshot, setTheme } from './support';

const CLI = join(import.meta.dirname, '..', 'bin', 'thunderhead.mjs');

async function until(check: () => boolean, what: string, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('attach to a workload, see a deadlock cycle and its victim, pause and resume', async ({ page }) => {
  test.setTimeout(120_000);
  const demo = process.env.E2E_DEMO_PATH;
  test.skip(!demo, 'needs E2E_DEMO_PATH (scripts/e2e.mjs provides it)');
  const path = join(process.env.E2E_TMP_DIR ?? mkdtempSync(join(tmpdir(), 'thunderhead-e2e-')), 'contention.th');
  copyFileSync(demo as string, path);

  let workload: ChildProcess | null = null;
  let stderr = '';
  try {
    // A workload that keeps deadlocking: 8 clients fighting over 8 keys, some in opposite orders.
    workload = spawn(process.execPath, [CLI, 'workload', path, '--clients', '8', '--hot-keys', '8', '--deadlocks', '--seconds', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    workload.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    let exited = false;
    workload.once('exit', () => (exited = true));
    await until(() => existsSync(`${path}.monitor.json`) || exited, 'the workload to advertise its monitor');
    expect(exited, `workload exited early: ${stderr}`).toBe(false);

    await openInspector(page);
    await page.getByTestId('nav-welcome').click();
    await page.getByTestId('open-path').fill(path);
    await page.getByTestId('open-submit').click();
    await expect(page.getByTestId('file-name')).toHaveText('contention.th');
    await expect(page.getByTestId('readonly-badge')).toBeVisible();

    await page.getByTestId('nav-locks').click();
    await page.getByTestId('locks-attach').click();
    await expect(page.getByTestId('locks-state')).toHaveText(/Live/);
    await expect(page.getByTestId('lock-table')).toBeVisible();

    // A deadlock is drawn: red cycle edges, a ringed victim named in the graph and in the list.
    const graph = page.getByTestId('locks-graph');
    await expect(graph.locator('[data-cycle="true"]').first()).toBeVisible({ timeout: 30_000 });
    const victim = graph.locator('[data-role="victim"]').first();
    await expect(victim).toBeVisible();
    await expect(victim).toContainText('victim');
    const list = page.getByTestId('deadlock-list');
    await expect(list).toContainText(/victim tx \d+/);
    // The list names a victim that the graph marks (both drawn from the same frame; read together).
    const shared = await page.evaluate(() => {
      const drawn = [...document.querySelectorAll('[data-testid="locks-graph"] [data-role="victim"]')].map((el) => el.getAttribute('data-tx'));
      const listed = [...document.querySelectorAll('[data-testid="deadlock-list"] .deadlock-victim')].map((el) => el.textContent ?? '');
      return drawn.filter((tx) => listed.some((t) => t.includes(`tx ${tx}`)));
    });
    expect(shared.length).toBeGreaterThan(0);

    // Picking a deadlock from the list keeps it listed and draws its victim, however many follow.
    await list.locator('.deadlock-item').last().click();
    const picked = list.locator('.deadlock-item.selected');
    await expect(picked).toHaveCount(1);
    const pickedTx = /tx (\d+)/.exec((await picked.locator('.deadlock-victim').textContent()) ?? '')?.[1];
    expect(pickedTx).toBeTruthy();
    await expect(graph.locator(`[data-role="victim"][data-tx="${pickedTx}"]`)).toBeVisible();
    await page.waitForTimeout(1500);
    await expect(picked).toHaveCount(1);
    await expect(graph.locator(`[data-role="victim"][data-tx="${pickedTx}"]`)).toBeVisible();

    await expect(page.getByTestId('wait-timeline')).toBeVisible();
    await expect(page.getByTestId('heat-strip')).toBeVisible();
    await screenshot(page, 'locks');
    await setTheme(page, 'Light');
    await screenshot(page, 'locks-light');
    await setTheme(page, 'Dark');

    // Pause: the picture stops while the workload goes on (its deadlocks keep counting).
    const deadlocks = page.getByTestId('locks-facts').locator('.fact', { hasText: 'Deadlocks' }).locator('.fact-value');
    await page.getByTestId('locks-pause').click();
    await expect(page.getByTestId('locks-state')).toHaveText(/Paused/);
    const frozen = await deadlocks.textContent();
    const count = (s: string | null) => Number((s ?? '').replace(/[^0-9]/g, ''));
    // Scrub back to the oldest frame kept: the view says how far behind it is.
    await page.getByTestId('locks-scrubber').focus();
    await page.keyboard.press('Home');
    await expect(page.getByTestId('locks-scrub-label')).toContainText('behind');
    // Still frozen after more deadlocks happened in the workload (the scrubbed frame is older still).
    expect(count(await deadlocks.textContent())).toBeLessThanOrEqual(count(frozen));

    await page.getByTestId('locks-resume').click();
    await expect(page.getByTestId('locks-state')).toHaveText(/Live/);
    await expect.poll(async () => count(await deadlocks.textContent()), { timeout: 30_000 }).toBeGreaterThan(count(frozen));

    // Away on another view the stream keeps recording; back here it shows the newest frame.
    const recorded = await page.getByTestId('locks-scrub-label').textContent();
    await page.getByTestId('nav-records').click();
    await expect(page.getByTestId('record-row').first()).toBeVisible();
    await page.getByTestId('nav-locks').click();
    await expect(page.getByTestId('locks-state')).toHaveText(/Live/);
    await expect(page.getByTestId('locks-scrub-label')).not.toHaveText(recorded ?? '');

    await page.getByTestId('locks-detach').click();
    await expect(page.getByTestId('locks-attach')).toBeVisible();
    await screenshot(page, 'locks-attach');
  } finally {
    if (workload && workload.exitCode === null) {
      // Ctrl-C: the workload removes its advert and exits cleanly.
      const done = new Promise((r) => workload?.once('exit', r));
      workload.kill('SIGINT');
      await Promise.race([done, new Promise((r) => setTimeout(r, 10_000))]);
      if (workload.exitCode === null) workload.kill('SIGKILL');
    }
  }
});

test('the contention demo on the Open view starts a workload and attaches to it', async ({ page }) => {
  test.setTimeout(120_000);
  const demo = process.env.E2E_DEMO_PATH;
  test.skip(!demo || !process.env.SERVE_URL, 'needs the serve host and E2E_DEMO_PATH (scripts/e2e.mjs provides them)');
  // The demo writes to its store for minutes: give it a host of its own over a copy, so the
  // shared demo store the other stories read stays as it was.
  const dir = process.env.E2E_TMP_DIR ?? mkdtempSync(join(tmpdir(), 'thunderhead-e2e-'));
  const copy = join(dir, 'contention-demo.th');
  copyFileSync(demo as string, copy);
  const host = await startServe({ files: [], demoPath: copy, settingsPath: join(dir, 'contention-demo-settings.json') });
  try {
    await page.goto(host.url);
    await page.getByTestId('nav-welcome').click();
    await page.getByTestId('contention-demo').click();
    await expect(page.getByTestId('file-name')).toHaveText('contention-demo.th', { timeout: 30_000 });
    await expect(page.getByTestId('locks-state')).toHaveText(/Live/, { timeout: 30_000 });
    await expect(page.getByTestId('locks-graph').locator('[data-role="victim"]').first()).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('deadlock-list')).toContainText(/victim tx \d+/);
  } finally {
    // Closing the host stops the workload it started; make sure, by the advert's pid.
    const advert = `${copy}.monitor.json`;
    const pid = existsSync(advert) ? (JSON.parse(readFileSync(advert, 'utf8')) as { pid?: number }).pid : undefined;
    await host.close();
    if (pid) {
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        // already gone
      }
    }
  }
});
