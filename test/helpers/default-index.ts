import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildIndex } from '../../ingest/build.js';
import { ROOT, tempDir } from './fixtures.js';
import { resolveIndexFolder } from '../../src/store/index-dir.js';

/** The real default index: the one `npm install` built, or a fresh build in a temp dir. */
export async function defaultIndex(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const installed = path.join(ROOT, 'index-data');
  if (existsSync(path.join(resolveIndexFolder(installed).folder, 'manifest.json'))) return { dir: installed, cleanup: async () => {} };
  const work = await tempDir();
  const dir = path.join(work.dir, 'index-data');
  await buildIndex({ indexDir: dir, embedder: 'local', modelsDir: path.join(ROOT, 'models') });
  return { dir, cleanup: work.cleanup };
}
