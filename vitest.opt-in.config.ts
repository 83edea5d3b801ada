import { defineConfig } from 'vitest/config';

// Tests that take minutes or load the machine: run on purpose (npm run test:load), never in npm test.
export default defineConfig({
  cacheDir: '.vitest-cache',
  test: {
    include: ['test/opt-in/**/*.test.ts'],
    testTimeout: 600_000,
    pool: 'forks',
  },
});
