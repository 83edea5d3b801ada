/**
 * The test files that start processes (the built CLI, a server, npm) or read the whole default
 * WorkOS corpus: the `process` project of vitest.config.ts. `npm test` runs every project;
 * `npm run test:fast` runs only `fast`, the unit and in-process tests on the fixture docs.
 * test/suites.test.ts fails when a file that starts processes is missing from this list.
 */
export const PROCESS_TESTS = [
  'test/corpus.test.ts',
  'test/hostile-guard.test.ts',
  'test/http-security.test.ts',
  'test/http.test.ts',
  'test/index-live.test.ts',
  'test/index-safety.test.ts',
  'test/install.test.ts',
  'test/list-changed.test.ts',
  'test/result-size.test.ts',
  'test/stdio-e2e.test.ts',
  'test/stdio-lifecycle.test.ts',
];
