import { spawn } from 'node:child_process';
import { readFile, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../ingest/build.js';
import { ReloadingEngine } from '../src/core/reloading-engine.js';
import { loadIndex } from '../src/store/load.js';
import { cliInProcess } from './helpers/cli.js';
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
    // search and ingest run in this process (the code the bin runs); serve is the built bin, whose
    // process must exit 1 rather than wait on stdin.
    await damage(indexFile(indexDir, file));
    const search = await cliInProcess(['search', 'wind tunnel', '--index', indexDir]);
    expect(search.code).toBe(1);
    expect(search.stderr).toMatch(message);
    expect(search.stderr).toMatch(/Fix:/);
    expect(search.stdout).toBe('');
    const serve = await runCli(['serve', '--index', indexDir]);
    expect(serve.code).toBe(1);
    expect(serve.stderr).toMatch(message);
    const rebuild = await cliInProcess(['ingest', '--full', '--index', indexDir, '--docs', path.join(work.dir, 'docs'), '--changelogs', FIXTURE_CHANGELOGS]);
    // The fixture docs hold one file that is not valid MDX: it is indexed as plain Markdown, with a warning.
    expect(rebuild.stderr).toMatch(/broken\.mdx:7/);
    expect(rebuild.stderr).toMatch(/1 fallback, 0 failed/);
    expect(rebuild.code).toBe(0);
    const again = await cliInProcess(['search', 'wind tunnel', '--index', indexDir, '--json']);
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

  it('never leaves a broken index behind when a build is killed in any stage', async () => {
    // Each kill is timed by the build's own progress lines, so it lands in its stage whatever the
    // machine's speed: while parsing (the lock is held, nothing written yet), as the search
    // structures start (the new version folder fills), and part way from there to the end (writing,
    // checking, switching). The builds before and after the kills run in this process.
    const work = await tempDir();
    try {
      const docs = await generatedCorpus(work.dir, 100);
      const indexDir = path.join(work.dir, 'index-data');
      const options = { docsDir: docs, changelogsDir: null, indexDir, embedder: 'local' as const, modelsDir: '' };
      let indexStageAt = 0;
      await buildIndex({ ...options, full: true, progress: (stage) => (indexStageAt ||= stage === 'index' ? performance.now() : 0) });
      const toTheEndMs = performance.now() - indexStageAt;
      const chunks = loadIndex(indexDir).chunks.length;
      expect(chunks).toBeGreaterThan(100);
      for (const [stage, delayMs] of [['parse', 0], ['index', 0], ['index', toTheEndMs / 2]] as const) {
        const child = spawn(process.execPath, [CLI, 'ingest', '--full', '--docs', docs, '--index', indexDir], { stdio: ['ignore', 'ignore', 'pipe'] });
        // Listen before the kill: a build that finishes first must not leave the test waiting.
        const closed = new Promise((r) => child.once('close', r));
        let stderr = '';
        let timer: NodeJS.Timeout | undefined;
        let seen = false;
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (seen || !new RegExp(`^${stage}: `, 'm').test(stderr)) return;
          seen = true;
          if (delayMs === 0) child.kill('SIGKILL');
          else timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
        });
        await closed;
        clearTimeout(timer);
        expect(stderr, `no "${stage}:" progress line`).toMatch(new RegExp(`^${stage}: `, 'm'));
        // A kill at the start of a stage always lands; a later one may find the build finished.
        if (delayMs === 0) expect(child.signalCode, `killed at "${stage}:"`).toBe('SIGKILL');
        expect(loadIndex(indexDir).chunks.length).toBe(chunks);
      }
      const next = await buildIndex(options);
      expect(next.chunks).toBe(chunks);
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
