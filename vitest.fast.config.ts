import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';
import { PROCESS_TESTS } from './test/suites.js';

// npm run test:fast: every test file except those that start processes or read the whole default
// corpus (test/suites.ts lists them; test/suites.test.ts checks the list).
export default mergeConfig(base, defineConfig({ test: { exclude: PROCESS_TESTS } }));
