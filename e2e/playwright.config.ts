/**
 * Playwright against whichever host SERVE_URL points at (scripts/e2e.mjs starts the serve host
 * with a fresh demo store and passes its URL, token included). Debian's Chromium: browsers are
 * never downloaded here.
 */
import { defineConfig, devices } from '@playwright/test';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const config = defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: '../test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // Generous for a busy 2-core CI machine: a spec's longest run here must stay under half of it.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: process.env.SERVE_URL,
    viewport: { width: 1440, height: 900 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1440, height: 900 },
        // Screenshots default to the dark theme (the inspector follows the system); specs take light ones too.
        colorScheme: 'dark',
        launchOptions: {
          executablePath,
          args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        },
      },
    },
  ],
});

// Playwright loads the default export of its config file.
export default config;
