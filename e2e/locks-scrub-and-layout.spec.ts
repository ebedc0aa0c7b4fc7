/**
 * Someone watches a busy workload (24 clients, deadlocks) in the Locks view: the waits-for graph
 * keeps every transaction and its label apart, deadlock cycles and lock chips are never cut
 * mid-word, the timeline lists the longest waits first; scrubbing back rewinds the lock table
 * and lets go of a deadlock pinned from the future; when the workload exits, what was recorded
 * stays on screen.
 */
import { expect, test, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { openInspector, screenshot, tmpPath } from './support';

const CLI = join(import.meta.dirname, '..', 'bin', 'thunderhead.mjs');

/** Median of the transaction ids shown in an area of the page. */
async function medianTx(page: Page, selector: string, attribute?: string): Promise<number> {
  const ids = await page.evaluate(
    ([sel, attr]) =>
      [...document.querySelectorAll(sel as string)].map((el) => Number(attr ? el.getAttribute(attr as string) : /tx\s*(\d+)/.exec(el.textContent ?? '')?.[1])).filter((n) => Number.isFinite(n) && n > 0),
    [selector, attribute ?? null],
  );
  ids.sort((a, b) => a - b);
  return ids[Math.floor(ids.length / 2)] ?? NaN;
}

test('a busy lock graph stays readable; scrubbing rewinds table and pin; the recording outlives the workload', async ({ page }) => {
  const demo = process.env.E2E_DEMO_PATH;
  test.skip(!demo, 'needs E2E_DEMO_PATH (scripts/e2e.mjs provides it)');
  const path = tmpPath('busy-locks.th');
  copyFileSync(demo as string, path);
  let workload: ChildProcess | null = spawn(process.execPath, [CLI, 'workload', path, '--clients', '24', '--hot-keys', '8', '--deadlocks', '--seconds', '0'], { stdio: 'ignore' });
  try {
    await expect.poll(() => existsSync(`${path}.monitor.json`), { timeout: 30_000 }).toBe(true);
    await openInspector(page);
    await page.getByTestId('nav-welcome').click();
    await page.getByTestId('open-path').fill(path);
    await page.getByTestId('open-submit').click();
    await expect(page.getByTestId('file-name')).toHaveText('busy-locks.th');
    await page.getByTestId('nav-locks').click();
    await page.getByTestId('locks-attach').click();
    await expect(page.getByTestId('locks-state')).toHaveText(/Live/);
    const graph = page.getByTestId('locks-graph');
    await expect(graph.locator('[data-role="victim"]').first()).toBeVisible({ timeout: 30_000 });
    // Several seconds recorded, so there is somewhere to scrub back to.
    await expect
      .poll(async () => Number(/last ([\d.]+) s/.exec((await page.getByTestId('locks-scrub-label').textContent()) ?? '')?.[1] ?? 0), { timeout: 40_000 })
      .toBeGreaterThanOrEqual(6);

    // The graph: many transactions, none drawn over another, every victim label inside.
    expect(await graph.locator('.wf-node').count()).toBeGreaterThan(15);
    const layout = await graph.evaluate((svg) => {
      const box = svg.getBoundingClientRect();
      const circles = [...svg.querySelectorAll('.wf-node > circle:not(.wf-victim-ring)')].map((c) => c.getBoundingClientRect());
      let overlaps = 0;
      for (let i = 0; i < circles.length; i++)
        for (let j = i + 1; j < circles.length; j++) {
          const a = circles[i] as DOMRect;
          const b = circles[j] as DOMRect;
          if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) overlaps += 1;
        }
      const labels = [...svg.querySelectorAll('.wf-victim-label, .wf-label')].map((t) => t.getBoundingClientRect());
      const outside = labels.filter((r) => r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5).length;
      return { overlaps, outside };
    });
    expect(layout).toEqual({ overlaps: 0, outside: 0 });

    // Cycles and chips: whole words only (a chip is wholly shown or wholly hidden).
    const cut = await page.evaluate(() => {
      const cycles = [...document.querySelectorAll('.deadlock-cycle')].filter((el) => el.scrollWidth > el.clientWidth + 1).length;
      let chips = 0;
      for (const chip of document.querySelectorAll('[data-testid=lock-table] .lock-chip')) {
        const c = chip.getBoundingClientRect();
        const p = (chip.parentElement as HTMLElement).getBoundingClientRect();
        const inside = c.left >= p.left - 0.5 && c.right <= p.right + 0.5 && c.top >= p.top - 0.5 && c.bottom <= p.bottom + 0.5;
        const hidden = c.left >= p.right || c.top >= p.bottom;
        if (!inside && !hidden) chips += 1;
      }
      return { cycles, chips };
    });
    expect(cut).toEqual({ cycles: 0, chips: 0 });

    // The timeline: longest waits first.
    const totals = (await page.locator('[data-testid=wait-timeline] .wt-lane').evaluateAll((lanes) => lanes.map((l) => Number(l.getAttribute('data-total-ms')))));
    expect(totals.length).toBeGreaterThan(1);
    for (let i = 1; i < totals.length; i++) expect(totals[i - 1]).toBeGreaterThanOrEqual(totals[i] as number);
    await screenshot(page, 'issue14-11-after');

    // Pin the newest deadlock, pause, scrub back to the oldest frame kept.
    const list = page.getByTestId('deadlock-list');
    await list.locator('.deadlock-item').first().click();
    await expect(list.locator('.deadlock-item.selected')).toHaveCount(1);
    await page.getByTestId('locks-pause').click();
    await expect(page.getByTestId('locks-state')).toHaveText(/Paused/);
    const newestTable = await medianTx(page, '[data-testid=lock-table] .lock-chip');
    await page.getByTestId('locks-scrubber').focus();
    await page.keyboard.press('Home');
    await expect(page.getByTestId('locks-scrub-label')).toContainText('behind');
    // The pinned deadlock had not happened yet at that frame: no longer pinned or drawn.
    await expect(list.locator('.deadlock-item.selected')).toHaveCount(0);
    // The table rewound with the graph: the transactions it shows are the ones of that moment.
    const graphTx = await medianTx(page, '[data-testid=locks-graph] .wf-node', 'data-tx');
    const tableTx = await medianTx(page, '[data-testid=lock-table] .lock-chip');
    expect(Math.abs(tableTx - graphTx), `table ~tx ${tableTx}, graph ~tx ${graphTx}, newest table ~tx ${newestTable}`).toBeLessThan(Math.max(100, Math.abs(newestTable - graphTx) / 2));
    await screenshot(page, 'issue14-11-scrub-after');

    // The workload exits: what was recorded stays, and says so.
    await page.getByTestId('locks-resume').click();
    const exited = new Promise((r) => workload?.once('exit', r));
    workload.kill('SIGINT');
    await exited;
    workload = null;
    await expect(page.getByTestId('locks-state')).toHaveText(/Detached/, { timeout: 30_000 });
    await expect(page.getByTestId('lock-table')).toBeVisible();
    await expect(page.getByText('Reading the lock table…')).toHaveCount(0);
  } finally {
    if (workload && workload.exitCode === null) {
      const done = new Promise((r) => workload?.once('exit', r));
      workload.kill('SIGINT');
      await Promise.race([done, new Promise((r) => setTimeout(r, 10_000))]);
      if (workload.exitCode === null) workload.kill('SIGKILL');
    }
  }
});
