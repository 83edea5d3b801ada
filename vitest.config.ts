import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { PROCESS_TESTS } from './test/suites.js';

/**
 * Longest first, as vitest orders files when its cache holds each one's last duration. Without that
 * (a fresh clone, CI) vitest would go by file size; the process tests go first instead, in the
 * order test/suites.ts lists them: they take longest, and the short in-process files then keep
 * both cores busy to the end.
 */
class ProcessTestsFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const relative = (file: TestSpecification) => path.relative(this.ctx.config.root, file.moduleId).split(path.sep).join('/');
    if (files.every((file) => this.ctx.cache.getFileTestResults(`${file.project.name}:${relative(file)}`))) return sorted;
    const rank = (file: TestSpecification) => {
      const at = PROCESS_TESTS.indexOf(relative(file));
      return at === -1 ? PROCESS_TESTS.length : at;
    };
    return sorted.map((file, i) => ({ file, i })).sort((a, b) => rank(a.file) - rank(b.file) || a.i - b.i).map(({ file }) => file);
  }
}

export default defineConfig({
  // Vite's default cache is node_modules/.vite: writing there changes the installed tree that npm
  // checks, so keep vitest's results cache beside the sources instead (git-ignored).
  cacheDir: '.vitest-cache',
  test: {
    include: ['test/**/*.test.ts'],
    // Opt-in tests (load, stress) run with their own config: npm run test:load. The unit and
    // in-process tests alone: npm run test:fast (vitest.fast.config.ts).
    exclude: ['test/opt-in/**', 'node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // A worker process runs many test files and imports the sources once for all of them, not once
    // per file (about 12 s of CPU for the suite). No test mocks modules or changes globals, and
    // each file writes only in its own temp folders.
    isolate: false,
    // Vitest leaves one core to itself by default; on a 2-core machine that means one test file at a
    // time. Every core runs a file (the main process mostly waits): 69 s -> 52 s for the suite here.
    maxWorkers: Math.max(2, os.availableParallelism()),
    sequence: { sequencer: ProcessTestsFirst },
  },
});
