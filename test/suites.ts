/**
 * The test files that start processes (the built CLI, a server, npm) or read the whole default
 * WorkOS corpus: the files that vitest.fast.config.ts leaves out. `npm test` runs every test file;
 * `npm run test:fast` runs the others: the unit and in-process tests on the fixture docs.
 * test/suites.test.ts fails when a file that starts processes is missing from this list.
 *
 * Longest first: a run without vitest's cache of durations (a fresh clone, CI) starts them in this
 * order (vitest.config.ts), so that no long file is left running alone at the end.
 */
export const PROCESS_TESTS = [
  'test/corpus.test.ts',
  'test/index-live.test.ts',
  'test/hostile-guard.test.ts',
  'test/result-size.test.ts',
  'test/index-safety.test.ts',
  'test/stdio-lifecycle.test.ts',
  'test/install.test.ts',
  'test/http-security.test.ts',
  'test/list-changed.test.ts',
  'test/http.test.ts',
  'test/stdio-e2e.test.ts',
  'test/sources.test.ts',
  'test/early-initialize.test.ts',
  'test/serve-bundle.test.ts',
];
