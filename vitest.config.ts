import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Vite's default cache is node_modules/.vite: writing there changes the installed tree that npm
  // checks, so keep vitest's results cache beside the sources instead (git-ignored).
  cacheDir: '.vitest-cache',
  test: {
    include: ['test/**/*.test.ts'],
    // Opt-in tests (load, stress) run with their own config: npm run test:load.
    exclude: ['test/opt-in/**', 'node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest leaves one core to itself by default; on a 2-core machine that means one test file at a
    // time. Every core runs a file (the main process mostly waits): 69 s -> 52 s for the suite here.
    maxWorkers: Math.max(2, os.availableParallelism()),
  },
});
