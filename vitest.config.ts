import { defineConfig } from 'vitest/config';

export const testConfig = defineConfig({
  test: {
    include: ['engine/**/*.test.ts', 'level/**/*.test.ts', 'app/**/*.test.ts', 'main/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // A temp directory per run; files left in it fail the run (scripts/vitest-tmpdir.ts).
    globalSetup: ['scripts/vitest-tmpdir.ts'],
    // Engine tests: closing a store runs its verify() first (see the file).
    setupFiles: ['engine/testing/verify-on-close.ts'],
  },
});

// vitest loads the default export of its config file; this is the one default export we allow.
export default testConfig;
