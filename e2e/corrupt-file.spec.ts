/**
 * Someone opens a file that is not a healthy store. The window says what is wrong and where,
 * instead of going blank.
 */
import { expect, test } from '@playwright/test';
import { copyFileSync, mkdtempSync, openSync, closeSync, rmSync, statSync, writeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openInspector, screenshot } from './support';

const tmp = () => process.env.E2E_TMP_DIR ?? mkdtempSync(join(tmpdir(), 'thunderhead-e2e-'));

/** The e2e runner provides a corrupt file; standalone runs make one. */
function corruptPath(): string {
  if (process.env.E2E_CORRUPT_PATH) return process.env.E2E_CORRUPT_PATH;
  const path = join(mkdtempSync(join(tmpdir(), 'thunderhead-e2e-')), 'corrupt.th');
  writeFileSync(path, Buffer.from('this is not a thunderhead store\n'.repeat(64)));
  return path;
}

test('opening a corrupt file shows what is wrong and where', async ({ page }) => {
  const path = corruptPath();
  await openInspector(page);
  await page.getByTestId('nav-welcome').click();
  await page.getByTestId('open-path').fill(path);
  await page.getByTestId('open-submit').click();

  const error = page.getByTestId('error-panel');
  await expect(error).toBeVisible();
  await expect(error).toContainText('Not a Thunderhead store');
  await expect(error).toContainText(path);
  await expect(error).not.toContainText(/\bat \S+\.(?:ts|js):\d+/); // a message, never a stack
  await screenshot(page, 'corrupt-file');
});

test('opening a missing file says it does not exist', async ({ page }) => {
  await openInspector(page);
  await page.getByTestId('nav-welcome').click();
  const missing = join(mkdtempSync(join(tmpdir(), 'thunderhead-e2e-')), 'missing.th');
  await page.getByTestId('open-path').fill(missing);
  await page.getByTestId('open-submit').click();
  const error = page.getByTestId('error-panel');
  await expect(error).toBeVisible();
  await expect(error).toContainText(`${missing} does not exist`);
  // Outside the server's allowed places the answer does not say whether the file exists.
  await page.getByTestId('open-path').fill('/nonexistent/dir/store.th');
  await page.getByTestId('open-submit').click();
  await expect(error).toContainText('/nonexistent/dir/store.th is outside the places this server may reach');
  rmSync(dirname(missing), { recursive: true, force: true });
});

test('a store damaged inside says which block is bad, at which byte', async ({ page }) => {
  const demo = process.env.E2E_DEMO_PATH;
  test.skip(!demo, 'needs E2E_DEMO_PATH (scripts/e2e.mjs provides it)');
  // A copy of the demo store with bytes overwritten in the middle: it opens (header and
  // superblocks are intact) but walking the tree meets the damaged blocks.
  const path = join(tmp(), 'damaged.th');
  copyFileSync(demo as string, path);
  const size = statSync(path).size;
  const fd = openSync(path, 'r+');
  for (const at of [0.3, 0.47, 0.6, 0.75]) writeSync(fd, Buffer.alloc(64, 0xff), 0, 64, Math.floor(size * at));
  closeSync(fd);

  await openInspector(page);
  await page.getByTestId('nav-welcome').click();
  await page.getByTestId('open-path').fill(path);
  await page.getByTestId('open-submit').click();
  await expect(page.getByTestId('file-name')).toHaveText('damaged.th');
  await page.getByTestId('nav-overview').click();
  // The overview walks every node, so it is the view that meets the damage for sure (its tree
  // statistics and its key-space card each say so; the first is the tree walk's).
  const error = page.getByRole('region', { name: 'overview' }).getByTestId('error-panel').first();
  await expect(error).toBeVisible({ timeout: 30_000 });
  await expect(error).toContainText('damaged');
  await expect(error).toContainText(/byte [\d,]+/);
  await screenshot(page, 'damaged-file');
});
