import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildIndex } from '../ingest/build.js';
import { FIXTURE_CHANGELOGS, FIXTURE_DOCS, ROOT, tempDir } from './helpers/fixtures.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A read-only index of the fixture docs, built once per run: tests that write build their own. */
    fixtureIndexDir: string;
  }
}

/**
 * Once per run: rebuild dist/ when a source is newer than it (spawn tests run the built CLI, and
 * a stale build would test old code), and build the shared fixture index.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  buildDistIfStale();
  const work = await tempDir('wdm-fixture-');
  const dir = path.join(work.dir, 'index-data');
  await buildIndex({ docsDir: FIXTURE_DOCS, changelogsDir: FIXTURE_CHANGELOGS, indexDir: dir, embedder: 'local', modelsDir: '' });
  project.provide('fixtureIndexDir', dir);
  return work.cleanup;
}

function buildDistIfStale(): void {
  const built = path.join(ROOT, 'dist', 'cli', 'main.js');
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  const newest = Math.max(...['src', 'ingest', 'cli', 'scripts'].map((dir) => newestMtime(path.join(ROOT, dir))));
  if (builtAt >= newest) return;
  process.stderr.write('[global-setup] dist/ is older than the sources: running npm run build\n');
  const result = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed: the tests that spawn the CLI would run stale code. Fix the type errors above.');
}

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (/\.(ts|mts|cts|json)$/.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}
