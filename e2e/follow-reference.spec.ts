/**
 * A developer opens the homepage configuration, follows its reference to the handbook, and —
 * browsing an older version — sees a reference whose target does not exist there marked as
 * dangling.
 */
import { expect, test, type Page } from '@playwright/test';
import { openDemoStore, openInspector, screenshot } from './support';

async function openHomepageConfig(page: Page) {
  await page.getByTestId('jump-key').fill('"config", "homepage"');
  await page.getByTestId('jump-key').press('Enter');
  await page.getByTestId('record-row').first().click();
  const detail = page.getByTestId('record-detail');
  await expect(detail.getByTestId('detail-key')).toContainText('("config", "homepage")');
  return detail;
}

test('follow a reference to its record; a dangling one is marked', async ({ page }) => {
  await openInspector(page);
  await openDemoStore(page);

  // At the head both references resolve.
  let detail = await openHomepageConfig(page);
  const handbook = detail.getByRole('button', { name: /\("docs", "handbook"\)/ });
  const spotlight = detail.getByRole('button', { name: /\("users", \d+\)/ });
  await expect(handbook).toHaveAttribute('data-ref-state', 'ok');
  await expect(spotlight).toHaveAttribute('data-ref-state', 'ok');

  // Click: Records lands on the target record.
  await handbook.click();
  await expect(page.getByTestId('detail-key')).toContainText('("docs", "handbook")');
  await expect(page.getByTestId('value-body')).toContainText('"sections"');

  // Before release 2 the spotlight named a user who had not registered yet.
  await page.getByTestId('nav-lineage').click();
  const imported = page.getByTestId('lineage-version').filter({ has: page.getByTestId('lineage-snapshot').filter({ hasText: 'imported' }) });
  await imported.click();
  await page.getByTestId('browse-version').click();
  await expect(page.getByTestId('time-travel-banner')).toContainText('snapshot imported');

  detail = await openHomepageConfig(page);
  const dangling = detail.getByRole('button', { name: /\("users", \d+\)/ });
  await expect(dangling).toHaveAttribute('data-ref-state', 'dangling');
  await expect(dangling).toHaveAttribute('title', /Dangling reference/);
  await expect(dangling).toContainText('dangling');
  await expect(detail.getByRole('button', { name: /\("docs", "handbook"\)/ })).toHaveAttribute('data-ref-state', 'ok');
  await screenshot(page, 'dangling-reference');

  // Following it anyway shows where the key would be: it is not in that version.
  await dangling.click();
  await expect(page.getByText(/is not in the store; showing the records that follow it/)).toBeVisible();
});
