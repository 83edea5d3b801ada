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
  },
});
