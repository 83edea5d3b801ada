import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIndex } from '../ingest/build.js';
import { arrangeSources, folderSource } from '../ingest/sources/sources.js';
import { openEngine, type DocsEngine } from '../src/core/engine.js';
import { readManifest } from '../src/store/load.js';
import { connectClient, textOf } from './helpers/fixture-index.js';
import { tempDir } from './helpers/fixtures.js';
import { cliInProcess } from './helpers/cli.js';
import { requireBuilt, runCli } from './helpers/spawn.js';

/**
 * A small product's docs written for these tests: plain Markdown, no navigation files, upper-case
 * file names and a root page, as most docs folders that are not WorkOS's look.
 */
const LUMEN: Record<string, string> = {
  'index.md': '# Lumen\n\nLumen stores metrics and answers queries over them. Start with the quick start.\n',
  'Guides/Quick-Start.md': '# Quick start\n\nSend your first metric with `lumen push cpu.load 0.5`.\n\n## Install the agent\n\nRun the installer, then check the agent is up with `lumen status`.\n',
  'Guides/Dashboards.md': '# Dashboards\n\nA dashboard groups charts. Charts refresh every ten seconds.\n',
  'API/Authentication.md': '# Authentication\n\nSend the `X-Lumen-Key` header with every request. Keys are rotated from the console.\n',
  'API/Rate-Limits.md': '# Rate limits\n\nEach key may send 500 requests per minute; beyond that the API answers 429.\n',
};

const RIVET: Record<string, string> = {
  'index.md': '# Rivet\n\nRivet schedules background jobs on a queue.\n',
  'jobs/retries.md': '# Retries\n\nA failed job is retried with exponential backoff, at most eight times.\n',
  'jobs/cron.md': '# Cron jobs\n\nA cron job runs on a schedule written as a cron expression.\n',
};

async function writeDocs(dir: string, files: Record<string, string>): Promise<string> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

let work: { dir: string; cleanup: () => Promise<void> };
let lumenDocs: string;
let rivetDocs: string;
beforeAll(async () => {
  work = await tempDir('wdm-sources-');
  lumenDocs = await writeDocs(path.join(work.dir, 'lumen-docs'), LUMEN);
  rivetDocs = await writeDocs(path.join(work.dir, 'rivet'), RIVET);
});
afterAll(() => work.cleanup());

describe('a docs folder with its own name and base URL', () => {
  let engine: DocsEngine;
  let indexDir: string;
  beforeAll(async () => {
    indexDir = path.join(work.dir, 'lumen-index');
    await buildIndex({ docsDir: lumenDocs, name: 'Lumen', baseUrl: 'https://lumen.dev/docs', indexDir, embedder: 'local', modelsDir: '' });
    engine = await openEngine(indexDir, { modelsDir: '' });
  });

  it('gives results URLs under the base URL with the ids in their original case', async () => {
    const [hit] = await engine.retriever.search('how many requests per minute before 429', { limit: 1 });
    expect(hit?.path).toBe('API/Rate-Limits');
    expect(hit?.url.replace(/#.*$/, '')).toBe('https://lumen.dev/docs/API/Rate-Limits');
    expect(engine.docs.resolve('api/rate-limits').doc.id).toBe('API/Rate-Limits');
    expect(engine.docs.resolve('https://lumen.dev/docs/api/rate-limits').doc.id).toBe('API/Rate-Limits');
  });

  it('gives the root page the id "index", the base URL, and a readable docs:// resource', async () => {
    const root = engine.docs.resolve('index').doc;
    expect(root.title).toBe('Lumen');
    expect(root.url).toBe('https://lumen.dev/docs');
    expect(engine.docs.resolve('https://lumen.dev/docs').doc.id).toBe('index');
    const { client, close } = await connectClient(engine);
    try {
      const list = await client.listResources();
      expect(list.resources.map((r) => r.uri)).toContain('docs://index');
      const read = await client.readResource({ uri: 'docs://index' });
      expect((read.contents[0] as { text: string }).text).toContain('Lumen stores metrics');
    } finally {
      await close();
    }
  });

  it('names the docs and their top-level sections in tool titles, descriptions and instructions, not WorkOS', async () => {
    const { client, close } = await connectClient(engine);
    try {
      const { tools } = await client.listTools();
      const search = tools.find((t) => t.name === 'search_docs');
      expect(search?.title).toBe('Search the Lumen docs');
      expect(search?.description).toContain('Find the sections of the Lumen docs that answer a question (');
      expect(search?.description).toMatch(/\(.*API.*Guides.*\)/);
      expect(JSON.stringify(tools)).not.toMatch(/WorkOS|AuthKit/);
      const instructions = client.getInstructions() ?? '';
      expect(instructions).toContain('Answers questions about the Lumen docs');
      expect(instructions).not.toMatch(/WorkOS/);
      expect(instructions).toContain('this index has no changelog entries');
      const none = await client.callTool({ name: 'search_docs', arguments: { query: 'zzqx quantum banana' } });
      expect(textOf(none)).toContain('No sections of the Lumen docs match "zzqx quantum banana"');
      const listed = await client.callTool({ name: 'list_docs', arguments: {} });
      expect(textOf(listed).split('\n')[0]).toBe('Source: Lumen');
    } finally {
      await close();
    }
  });
});

describe('a docs folder without a base URL', () => {
  it('links each page to its file, and names the docs after the folder', async () => {
    const indexDir = path.join(work.dir, 'rivet-index');
    await buildIndex({ docsDir: rivetDocs, indexDir, embedder: 'local', modelsDir: '' });
    const engine = await openEngine(indexDir, { modelsDir: '' });
    const [hit] = await engine.retriever.search('exponential backoff retries', { limit: 1 });
    expect(hit?.path).toBe('jobs/retries');
    const file = fileURLToPath(hit?.url.replace(/#.*$/, '') ?? '');
    expect(file).toBe(path.join(rivetDocs, 'jobs', 'retries.md'));
    expect(existsSync(file)).toBe(true);
    expect(readManifest(indexDir).sources.map((s) => [s.kind, s.name, s.prefix])).toEqual([['folder', 'Rivet', '']]);
  });
});

describe('several sources in one index', () => {
  let engine: DocsEngine;
  let indexDir: string;
  beforeAll(async () => {
    indexDir = path.join(work.dir, 'two-index');
    const config = path.join(work.dir, 'workos-docs-mcp.config.json');
    await writeFile(
      config,
      JSON.stringify({
        index: './two-index',
        sources: [
          { docs: './lumen-docs', name: 'Lumen', baseUrl: 'https://lumen.dev/docs' },
          { docs: './rivet', name: 'Rivet', baseUrl: 'https://rivet.example/docs/' },
        ],
      }),
    );
    requireBuilt();
    const { code, stderr } = await runCli(['ingest'], {}, work.dir); // the config file is found in the working folder
    expect(stderr).toContain(`config: ${config}`);
    expect(code).toBe(0);
    engine = await openEngine(indexDir, { modelsDir: '' });
  });

  it('puts every source but the first under its own id prefix, each with its own URLs', async () => {
    const ids = engine.docs.docs.map((d) => d.id).sort();
    expect(ids).toEqual(['API/Authentication', 'API/Rate-Limits', 'Guides/Dashboards', 'Guides/Quick-Start', 'index', 'rivet', 'rivet/jobs/cron', 'rivet/jobs/retries']);
    expect(engine.docs.resolve('rivet/jobs/cron').doc.url).toBe('https://rivet.example/docs/jobs/cron');
    expect(engine.docs.resolve('https://rivet.example/docs/jobs/cron').doc.id).toBe('rivet/jobs/cron');
    expect(engine.docs.resolve('rivet').doc.url).toBe('https://rivet.example/docs');
    const hits = await engine.retriever.search('retried with exponential backoff', { limit: 3, section: 'rivet' });
    expect(hits.map((h) => h.path)).toEqual(['rivet/jobs/retries', ...hits.slice(1).map((h) => h.path)]);
    expect(hits.every((h) => h.path.startsWith('rivet'))).toBe(true);
  });

  it('shows the sources in list_docs and stats, and the second source as a node of the tree', async () => {
    const { client, close } = await connectClient(engine);
    try {
      const listed = await client.callTool({ name: 'list_docs', arguments: {} });
      const text = textOf(listed);
      expect(text.split('\n')[0]).toBe('Sources: Lumen; Rivet, ids under rivet/');
      expect(text).toMatch(/^- Rivet \(rivet\)\n {2}- .*\n {4}- Cron jobs \(rivet\/jobs\/cron\)$/m);
      const structured = listed.structuredContent as { sources: Array<{ name: string; prefix: string; url: string }> };
      expect(structured.sources.map((s) => [s.name, s.prefix, s.url])).toEqual([
        ['Lumen', '', 'https://lumen.dev/docs'],
        ['Rivet', 'rivet', 'https://rivet.example/docs/'],
      ]);
      expect(client.getInstructions()).toContain('Also indexed: Rivet (rivet/).');
    } finally {
      await close();
    }
    const stats = await cliInProcess(['stats', '--index', indexDir]);
    expect(stats.stdout).toContain('sources:    Lumen (');
    expect(stats.stdout).toContain('Rivet (');
    expect(stats.stdout).toContain(', ids under rivet/, https://rivet.example/docs/');
  });

  it('rebuilds from the sources the index records when ingest is given only --index', async () => {
    const { code, stderr } = await cliInProcess(['ingest', '--index', indexDir, '--full']);
    expect(code).toBe(0);
    expect(stderr).toContain('sources: as recorded in the index (Lumen, Rivet)');
    expect(stderr).toContain('8 docs');
    expect(readManifest(indexDir).sources.map((s) => s.name)).toEqual(['Lumen', 'Rivet']);
  });
});

describe('bad sources and unreadable files', () => {
  it('refuses a config file that does not match, naming the field and showing an example', async () => {
    const config = path.join(work.dir, 'bad.config.json');
    await writeFile(config, JSON.stringify({ sources: [{ docs: './lumen-docs', baseUrl: 7 }] }));
    const { code, stderr } = await cliInProcess(['ingest', '--config', config, '--index', path.join(work.dir, 'never')]);
    expect(code).not.toBe(0);
    expect(stderr).toContain(`The config file ${config} is not valid at sources.0`);
    expect(stderr).toContain('Expected e.g. {"index": "./my-index", "sources": [');
    expect(existsSync(path.join(work.dir, 'never'))).toBe(false);
  });

  it('refuses an --sdk-dir that is not an installed @workos-inc/node, naming what it holds', async () => {
    const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'sdk', 'acme-node');
    const { code, stderr } = await cliInProcess(['ingest', '--sdk-dir', fixture, '--index', path.join(work.dir, 'never')]);
    expect(code).toBe(2);
    expect(stderr).toContain(`--sdk-dir must be the folder of @workos-inc/node, but ${fixture} holds @acme/node.`);
    expect(existsSync(path.join(work.dir, 'never'))).toBe(false);
  });

  it('refuses sources whose id prefixes collide or nest, and a base URL that is not a web address', () => {
    const a = folderSource({ docs: lumenDocs, name: 'Lumen' });
    expect(() => arrangeSources([a, folderSource({ docs: rivetDocs, name: 'Rivet', prefix: 'jobs' }), folderSource({ docs: rivetDocs, name: 'Jobs' })])).toThrow(
      'Two sources would share the id prefix "jobs": Rivet and Jobs. Give one of them its own "prefix" in the config file',
    );
    expect(() => arrangeSources([a, folderSource({ docs: rivetDocs, name: 'Rivet', prefix: 'jobs' }), folderSource({ docs: rivetDocs, name: 'Cron', prefix: 'jobs/cron' })])).toThrow(
      'The id prefix "jobs/cron" of Cron lies inside the prefix "jobs" of Rivet',
    );
    expect(() => folderSource({ docs: lumenDocs, baseUrl: 'lumen.dev/docs' })).toThrow('--base-url must be an absolute URL such as https://example.com/docs, got "lumen.dev/docs".');
    expect(arrangeSources([a, folderSource({ docs: rivetDocs, name: 'Rivet Jobs' })]).map((s) => s.prefix)).toEqual(['', 'rivet-jobs']);
  });

  it('names the missing folder of a recorded source and how to fix it', async () => {
    const gone = await writeDocs(path.join(work.dir, 'gone-docs'), { 'a.md': '# A\n\nA page.\n' });
    const indexDir = path.join(work.dir, 'gone-index');
    await buildIndex({ docsDir: gone, name: 'Gone', indexDir, embedder: 'local', modelsDir: '' });
    await rm(gone, { recursive: true });
    const { code, stderr } = await cliInProcess(['ingest', '--index', indexDir]);
    expect(code).not.toBe(0);
    expect(stderr).toContain(`Docs folder of Gone not found: ${gone}. Pass --docs DIR with a folder of .mdx/.md files.`);
    expect(readManifest(indexDir).sources[0]?.name).toBe('Gone');
  });

  it('refuses --name without --docs with a one-line fix', async () => {
    const { code, stderr } = await cliInProcess(['ingest', '--name', 'Lumen', '--index', path.join(work.dir, 'never')]);
    expect(code).not.toBe(0);
    expect(stderr).toContain('--name, --base-url and --changelogs describe a docs folder or site: pass it with --docs DIR or --llms-txt URL too');
  });

  it('keeps the previous version of a changed doc that cannot be read, and flags it in the summary and stats', async () => {
    const docs = await writeDocs(path.join(work.dir, 'stale-docs'), LUMEN);
    const indexDir = path.join(work.dir, 'stale-index');
    const options = { docsDir: docs, name: 'Lumen', indexDir, embedder: 'local' as const, modelsDir: '', limits: { maxFileBytes: 4000 } };
    await buildIndex(options);
    // Over the size limit: refused before it is read, like a file that cannot be opened.
    await writeFile(path.join(docs, 'Guides', 'Dashboards.md'), `# Dashboards\n\n${'A chart refreshes often. '.repeat(400)}\n`);
    const summary = await buildIndex(options);
    expect(summary.files.stale).toBe(1);
    expect(summary.stale[0]?.path).toBe('Guides/Dashboards.md');
    expect(summary.failures).toEqual([]);
    const engine = await openEngine(indexDir, { modelsDir: '' });
    expect(engine.docs.resolve('Guides/Dashboards').doc.markdown).toContain('Charts refresh every ten seconds.');
    expect(readManifest(indexDir).stale.map((s) => s.path)).toEqual(['Guides/Dashboards.md']);
    const stats = await cliInProcess(['stats', '--index', indexDir]);
    expect(stats.stdout).toContain('stale:      1 doc kept from an earlier build (could not be read): Guides/Dashboards.md');
  });
});
