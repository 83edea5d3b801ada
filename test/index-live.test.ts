import { spawn } from 'node:child_process';
import { readFile, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../ingest/build.js';
import { ReloadingEngine } from '../src/core/reloading-engine.js';
import { loadIndex } from '../src/store/load.js';
import { copyFixtureDocs, FIXTURE_CHANGELOGS, tempDir } from './helpers/fixtures.js';
import { CLI, runCli } from './helpers/spawn.js';
import { indexFile } from './helpers/index-files.js';

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
    // The fixture docs hold one file that is not valid MDX: it is indexed as plain Markdown, with a warning.
    expect(rebuild.stderr).toMatch(/broken\.mdx:7/);
    expect(rebuild.stderr).toMatch(/1 fallback, 0 failed/);
    expect(rebuild.code).toBe(0);
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
      const live = await ReloadingEngine.open(indexDir, { modelsDir: '', checkMs: 0 });
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
    // A corpus of a few hundred generated pages builds in a second or two; kills land at spread
    // fractions of a measured build, so each stage (parse, fit, embed, graph, write, switch) is hit
    // whatever the machine's speed.
    const work = await tempDir();
    try {
      const docs = await generatedCorpus(work.dir, 240);
      const indexDir = path.join(work.dir, 'index-data');
      const started = Date.now();
      const first = await runCli(['ingest', '--full', '--docs', docs, '--index', indexDir]);
      expect(first.code).toBe(0);
      const buildMs = Date.now() - started;
      const chunks = loadIndex(indexDir).chunks.length;
      expect(chunks).toBeGreaterThan(200);
      for (const fraction of [0.15, 0.4, 0.65, 0.9]) {
        const child = spawn(process.execPath, [CLI, 'ingest', '--full', '--docs', docs, '--index', indexDir], { stdio: 'ignore' });
        // Listen before the kill: a build that finishes first must not leave the test waiting.
        const closed = new Promise((r) => child.once('close', r));
        await new Promise((r) => setTimeout(r, Math.round(buildMs * fraction)));
        child.kill('SIGKILL');
        await closed;
        expect(loadIndex(indexDir).chunks.length).toBe(chunks);
      }
      const next = await runCli(['ingest', '--docs', docs, '--index', indexDir]);
      expect(next.code).toBe(0);
      expect(loadIndex(indexDir).chunks.length).toBe(chunks);
    } finally {
      await work.cleanup();
    }
  }, 120_000);
});

/** Writes `count` small, distinct MDX pages (three sections each, a code block in one) into a docs folder. */
async function generatedCorpus(root: string, count: number): Promise<string> {
  const { mkdir } = await import('node:fs/promises');
  const docs = path.join(root, 'generated-docs');
  const words = ['hangar', 'wing', 'glider', 'launch', 'crease', 'tunnel', 'gust', 'landing', 'fold', 'paper', 'runway', 'altitude'];
  for (let i = 0; i < count; i++) {
    const dir = path.join(docs, `area-${i % 12}`);
    await mkdir(dir, { recursive: true });
    const w = (k: number) => words[(i * 7 + k) % words.length];
    const body = [
      '---',
      `title: ${w(0)} guide ${i}`,
      `description: How the ${w(1)} and the ${w(2)} work together, page ${i}.`,
      '---',
      '',
      `## ${w(3)} basics`,
      '',
      `The ${w(4)} of page ${i} explains ${w(5)} handling in detail. `.repeat(6),
      '',
      `## Using the ${w(6)} API`,
      '',
      '```js',
      `const result = await hangar.${w(7)}${i}({ ${w(8)}: true });`,
      '```',
      '',
      `## ${w(9)} troubleshooting`,
      '',
      `If the ${w(10)} fails, check the ${w(11)} settings of page ${i}. `.repeat(5),
      '',
    ].join('\n');
    await writeFile(path.join(dir, `page-${i}.mdx`), body);
  }
  return docs;
}
