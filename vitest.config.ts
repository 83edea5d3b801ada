import os from 'node:os';
import { defineConfig } from 'vitest/config';
import { PROCESS_TESTS } from './test/projects.js';

export default defineConfig({
  // Vite's default cache is node_modules/.vite: writing there changes the installed tree that npm
  // checks, so keep vitest's results cache beside the sources instead (git-ignored).
  cacheDir: '.vitest-cache',
  test: {
    // Opt-in tests (load, stress) run with their own config: npm run test:load.
    exclude: ['test/opt-in/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // A worker process runs many test files and imports the sources once for all of them, not once
    // per file (the suite's largest cost: about 12 s of CPU). No test mocks modules or changes
    // globals, and each file builds what it writes in its own temp folder.
    isolate: false,
    // Vitest leaves one core to itself by default; on a 2-core machine that means one test file at a
    // time. Every core runs a file (the main process mostly waits): 69 s -> 52 s for the suite here.
    maxWorkers: Math.max(2, os.availableParallelism()),
    projects: [
      // Unit and in-process tests on the fixture docs: npm run test:fast.
      { extends: true, test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: ['test/opt-in/**', ...PROCESS_TESTS], globalSetup: ['test/global-setup.ts'] } },
      { extends: true, test: { name: 'process', include: PROCESS_TESTS, globalSetup: ['test/global-setup.ts'] } },
    ],
  },
});
