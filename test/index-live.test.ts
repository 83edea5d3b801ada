import { spawn } from 'node:child_process';
import { readFile, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../ingest/build.js';
import { LiveEngine } from '../src/core/live-engine.js';
import { loadIndex } from '../src/store/load.js';
import { copyFixtureDocs, FIXTURE_CHANGELOGS, tempDir } from './helpers/fixtures.js';
import { CLI, runCli } from './helpers/spawn.js';
import { defaultIndex } from './helpers/default-index.js';
import { indexFile } from './helpers/index-files.js';
import { cp } from 'node:fs/promises';

describe('a damaged index through the CLI', () => {
  let work: Awaited<ReturnType<typeof tempDir>>;
  let indexDir: string;
  beforeAll(async () => {
    work = await tempDir();
    indexDir = path.join(work.dir, 'index');
    await buildIndex({ docsDir: await copyFixtureDocs(work.dir), changelogsDir: FIXTURE_CHANGELOGS, indexDir, embedder: 'local', modelsDir: '' });
  });
  afterAll(async () => work.cleanup());

  it.each([
    ['a zero-length chunks file', 'chunks.json', async (f: string) => truncate(f, 0), /chunks\.json: it is 0 bytes/],
    ['a missing embedder file', 'embedder.bin', async (f: string) => rm(f), /embedder\.bin: it is missing/],
    ['a manifest from another embedder', 'manifest.json', async (f: string) => {
      const m = JSON.parse(await readFile(f, 'utf8'));
      await writeFile(f, JSON.stringify({ ...m, embedder: { ...m.embedder, kind: 'transformers', model: 'Xenova/all-MiniLM-L6-v2' } }));
    }, /No transformers model "Xenova\/all-MiniLM-L6-v2"/],
  ])('search refuses %s, naming the file and the fix; ingest --full recovers', async (_label, file, damage, message) => {
    await damage(indexFile(indexDir, file));
    const search = await runCli(['search', 'wind tunnel', '--index', indexDir]);
    expect(search.code).toBe(1);
    expect(search.stderr).toMatch(message);
    expect(search.stderr).toMatch(/Fix:/);
    expect(search.stdout).toBe('');
    const serve = await runCli(['serve', '--index', indexDir]);
    expect(serve.code).toBe(1);
    expect(serve.stderr).toMatch(message);
    const rebuild = await runCli(['ingest', '--full', '--index', indexDir, '--docs', path.join(work.dir, 'docs'), '--changelogs', FIXTURE_CHANGELOGS]);
    // The fixture docs hold one file that does not parse: the index is rebuilt, and the exit status says so.
    expect(rebuild.stderr).toMatch(/1 file failed to parse and is not in the index: broken\.mdx:7/);
    expect(rebuild.code).toBe(1);
    const again = await runCli(['search', 'wind tunnel', '--index', indexDir, '--json']);
    expect(JSON.parse(again.stdout).results[0].path).toBe('guide/testing');
  });
});

describe('reindexing while serving', () => {
  it('keeps answering from the old index during a rebuild and moves to the new one, with no failed request', async () => {
    const work = await tempDir();
    try {
      const docs = await copyFixtureDocs(work.dir);
      const indexDir = path.join(work.dir, 'index');
      const options = { docsDir: docs, changelogsDir: FIXTURE_CHANGELOGS, indexDir, embedder: 'local' as const, modelsDir: '' };
      await buildIndex(options);
      const live = await LiveEngine.open(indexDir, { modelsDir: '', checkMs: 0 });
      await writeFile(path.join(docs, 'guide', 'kites.mdx'), '---\ntitle: Kites\n---\n\n## Kite strings\n\nKites fly on long strings in steady wind.\n');
      let failures = 0;
      let answered = 0;
      let stop = false;
      const load = (async () => {
        while (!stop) {
          try {
            const results = await live.current().retriever.search('wind tunnel sandbox', { limit: 1 });
            if (results[0]?.path !== 'guide/testing') failures++;
            answered++;
          } catch {
            failures++;
          }
          await new Promise((r) => setImmediate(r));
        }
      })();
      await buildIndex(options);
      for (let i = 0; i < 200 && !live.current().docs.has('guide/kites'); i++) {
        await live.settled();
        await new Promise((r) => setTimeout(r, 10));
      }
      stop = true;
      await load;
      expect(failures).toBe(0);
      expect(answered).toBeGreaterThan(10);
      expect(live.current().docs.has('guide/kites')).toBe(true);
      expect((await live.current().retriever.search('kite strings', { limit: 1 }))[0]?.path).toBe('guide/kites');
    } finally {
      await work.cleanup();
    }
  });

  it('never leaves a broken index behind when a build is killed at a random point', async () => {
    const base = await defaultIndex();
    const work = await tempDir();
    try {
      const indexDir = path.join(work.dir, 'index-data');
      await cp(base.dir, indexDir, { recursive: true });
      const before = await readFile(indexFile(indexDir, 'manifest.json'), 'utf8');
      for (const delay of [300, 1500, 3000, 4500]) {
        const child = spawn(process.execPath, [CLI, 'ingest', '--full', '--index', indexDir], { stdio: 'ignore' });
        await new Promise((r) => setTimeout(r, delay));
        child.kill('SIGKILL');
        await new Promise((r) => child.once('close', r));
        const loaded = loadIndex(indexDir);
        expect(loaded.chunks.length).toBeGreaterThan(1000);
      }
      const after = await readFile(indexFile(indexDir, 'manifest.json'), 'utf8');
      expect([before.length > 0, after.length > 0]).toEqual([true, true]);
      const next = await runCli(['ingest', '--index', indexDir]);
      expect(next.code).toBe(0);
      expect(loadIndex(indexDir).chunks.length).toBeGreaterThan(1000);
    } finally {
      await work.cleanup();
      await base.cleanup();
    }
  }, 120_000);
});
