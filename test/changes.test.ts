import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asksAboutChanges } from '../src/core/retriever.js';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { create } from 'tar';
import { buildIndex } from '../ingest/build.js';
import { folderSource } from '../ingest/sources/sources.js';
import { integrityOf } from '../ingest/sources/npm-package.js';
import type { SourceRecord } from '../src/store/format/manifest.js';
import { openEngine, type DocsEngine } from '../src/core/engine.js';
import { connectClient, textOf, useFixtureServer } from './helpers/fixture-index.js';
import { ROOT, tempDir } from './helpers/fixtures.js';

/**
 * Changes as their own kind of page: the fixture changelog's entries found by search_docs with
 * their dates, filtered by section, and a fixture package's CHANGELOG.md (packed as a tarball,
 * no network) joining them, dated by its headings or by the publish times the registry gives.
 */
describe('telling a question about changes from one about how things work', () => {
  it('takes "what changed", "when was X released", "is X deprecated", "since which version" and "was that fixed" as questions about changes', () => {
    for (const q of ['what changed in the widgets package?', 'when was FGA released', 'is the mfa API deprecated?', "what's new in AuthKit", 'since which version does the SDK support PKCE?', 'was the session crash fixed?', 'which widgets version added the filter prop?']) {
      expect([q, asksAboutChanges(q)]).toEqual([q, true]);
    }
  });

  it('does not take how-to questions that use the same words as questions about changes', () => {
    for (const q of ["change a user's email address", 'recent sign-ins in the audit log', 'how do I fix a redirect_uri mismatch error', 'which version of the SDK do I need', 'add a new organization']) {
      expect([q, asksAboutChanges(q)]).toEqual([q, false]);
    }
  });
});

describe('changelog entries in search_docs', () => {
  const server = useFixtureServer();

  it('finds a changelog entry with its date and URL when the question asks what changed', async () => {
    const result = await server.call('search_docs', { query: 'when were foldable gliders released? foldPlane', limit: 3 });
    const results = (result.structuredContent as { results: Array<{ path: string; url: string; title: string }> }).results;
    expect(results[0]).toMatchObject({ path: 'changelog/2026-01-10-gliders', url: 'https://example.com/changelog/gliders', title: 'Gliders' });
    expect(textOf(result)).toContain('## 1. Gliders\nhttps://example.com/changelog/gliders\npath: changelog/2026-01-10-gliders\n\n_Changelog, 2026-01-10_\n\nGliders can now be folded with foldPlane().');
  });

  it('leaves the changes out of a question about how something works, unless the section names them', async () => {
    const paths = async (section?: string) =>
      ((await server.call('search_docs', { query: 'fold gliders foldPlane', limit: 10, ...(section ? { section } : {}) })).structuredContent as { results: Array<{ path: string }> }).results.map((r) => r.path);
    const docs = await paths();
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.filter((p) => p.startsWith('changelog'))).toEqual([]);
    expect((await paths('changelog'))[0]).toBe('changelog/2026-01-10-gliders');
  });

  it('searches only the changes with section "changelog", and none of them with "!changelog"', async () => {
    const paths = async (section: string) =>
      ((await server.call('search_docs', { query: 'planes', limit: 20, section })).structuredContent as { results: Array<{ path: string }> }).results.map((r) => r.path);
    expect((await paths('changelog')).sort()).toEqual(['changelog/2025-06-01-paint-colours', 'changelog/2026-01-10-gliders']);
    const docs = await paths('!changelog');
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.filter((p) => p.startsWith('changelog'))).toEqual([]);
  });

  it('names the changelog prefix in the section filter and the instructions', async () => {
    const { tools } = await server.client.listTools();
    const section = (tools.find((t) => t.name === 'search_docs')?.inputSchema.properties as Record<string, { description?: string }>).section?.description;
    expect(section).toContain('Changelog entries (dated changes, including SDK package releases) are pages under "changelog", searched when the question asks what changed, was released or deprecated: "changelog" searches only them, "!changelog" leaves them out.');
    expect(server.client.getInstructions()).toContain('search_docs finds them too when a question asks what changed, was released or deprecated, each with its date (section "changelog" for changes only, "!changelog" to leave them out)');
  });

  it('lists the changes under one Changelog node, newest first', async () => {
    const result = await server.call('list_docs', { prefix: 'changelog' });
    expect(textOf(result)).toContain('- Changelog\n  - Gliders (2026-01-10) (changelog/2026-01-10-gliders)\n  - Paint colours (2025-06-01) (changelog/2025-06-01-paint-colours)');
  });
});

const WIDGETS_DIR = path.join(ROOT, 'test', 'fixtures', 'sdk', 'acme-widgets');

describe("an SDK package's CHANGELOG.md", () => {
  let work: { dir: string; cleanup: () => Promise<void> };
  let engine: DocsEngine;
  let docsDir: string;
  let source: SourceRecord;
  let pack: (spec: string, dest: string) => Promise<string>;
  const asked: string[] = [];
  const publishTimes = async (name: string) => {
    asked.push(name);
    return { '1.9.0': '2025-11-20T10:00:00.000Z', '2.0.0': '2026-01-16T09:00:00.000Z', '2.1.0': '2026-03-03T09:00:00.000Z' };
  };
  beforeAll(async () => {
    work = await tempDir('wdm-changes-');
    docsDir = path.join(work.dir, 'docs');
    await mkdir(docsDir, { recursive: true });
    await writeFile(path.join(docsDir, 'hangars.mdx'), '---\ntitle: Hangars\n---\n\nHangars hold planes between flights.\n');
    const changelogs = path.join(work.dir, 'changelogs');
    await mkdir(changelogs, { recursive: true });
    await writeFile(
      path.join(changelogs, 'feed.json'),
      JSON.stringify([
        { version: 'Runway lights', date: '2026-02-01', changes: ['Runways can now be lit at night.'], url: 'https://acme.dev/changelog/runway-lights' },
        { version: 'Hangar doors', date: '2025-12-01', changes: ['Hangar doors open from the API.'], url: 'https://acme.dev/changelog/hangar-doors' },
      ]),
    );
    const tarball = path.join(work.dir, 'widgets.tgz');
    await create({ gzip: true, file: tarball, cwd: path.dirname(WIDGETS_DIR), prefix: '', portable: true }, [path.basename(WIDGETS_DIR)]);
    pack = async (_spec, dest) => {
      const file = path.join(dest, 'widgets.tgz');
      await writeFile(file, await readFile(tarball));
      return file;
    };
    source = {
      kind: 'npm-package',
      name: '@acme/widgets',
      prefix: 'sdk/widgets',
      baseUrl: 'https://www.npmjs.com/package/@acme/widgets/v/2.1.0',
      package: '@acme/widgets',
      version: '2.1.0',
      integrity: integrityOf(await readFile(tarball)),
    };
    const indexDir = path.join(work.dir, 'index');
    await buildIndex({
      sources: [folderSource({ docs: docsDir, name: 'Acme', baseUrl: 'https://acme.dev/docs', changelogs }), source],
      cacheDir: path.join(work.dir, 'cache'),
      pack,
      publishTimes,
      indexDir,
      embedder: 'local',
      modelsDir: '',
    });
    engine = await openEngine(indexDir, { modelsDir: '' });
  });
  afterAll(() => work?.cleanup());

  it('gives one entry per version, dated by its heading, else by the publish time, linked to the file on GitHub', () => {
    const widgets = engine.index.changelog.filter((e) => e.source === '@acme/widgets');
    expect(widgets.map((e) => [e.date, e.title, e.url])).toEqual([
      ['2026-03-02', '@acme/widgets 2.1.0', 'https://github.com/acme/widgets/blob/HEAD/packages/widgets/CHANGELOG.md#210---2026-03-02'],
      ['2026-01-15', '@acme/widgets 2.0.0', 'https://github.com/acme/widgets/blob/HEAD/packages/widgets/CHANGELOG.md#200---2026-01-15'],
      ['2025-11-20', '@acme/widgets 1.9.0', 'https://github.com/acme/widgets/blob/HEAD/packages/widgets/CHANGELOG.md#190'],
    ]);
    expect(asked).toEqual(['@acme/widgets']);
  });

  it('serves the merged changelog newest first through get_changelog', async () => {
    const { client, close } = await connectClient(engine);
    try {
      const result = await client.callTool({ name: 'get_changelog', arguments: {} });
      const entries = (result.structuredContent as { entries: Array<{ date: string; title: string; source?: string }> }).entries;
      expect(entries.map((e) => [e.date, e.title, e.source])).toEqual([
        ['2026-03-02', '@acme/widgets 2.1.0', '@acme/widgets'],
        ['2026-02-01', 'Runway lights', 'Acme'],
        ['2026-01-15', '@acme/widgets 2.0.0', '@acme/widgets'],
        ['2025-12-01', 'Hangar doors', 'Acme'],
        ['2025-11-20', '@acme/widgets 1.9.0', '@acme/widgets'],
      ]);
    } finally {
      await close();
    }
  });

  it('makes each version a page under changelog/<sdk id>/<version> that search finds', async () => {
    const hits = await engine.retriever.search('is HangarList deprecated', { limit: 3, section: 'changelog' });
    // Both versions that mention it, before the change that does not.
    expect(hits.map((h) => h.path).slice(0, 2).sort()).toEqual(['changelog/widgets/1.9.0', 'changelog/widgets/2.0.0']);
    expect(engine.docs.resolve('changelog/widgets/2.0.0').doc.markdown).toBe(
      '# @acme/widgets 2.0.0\n\nChangelog, 2026-01-15: Removed - The deprecated HangarList widget is removed; use HangarTable.\n\n_Changelog, 2026-01-15_\n\n**Removed**\n\n- The deprecated `HangarList` widget is removed; use `HangarTable`.\n\nLink: <https://github.com/acme/widgets/blob/HEAD/packages/widgets/CHANGELOG.md#200---2026-01-15>\n',
    );
  });

  it('keeps the publish times it was given in the cache, so a rebuild asks the registry nothing', async () => {
    await buildIndex({
      sources: [folderSource({ docs: docsDir, name: 'Acme', baseUrl: 'https://acme.dev/docs' }), source],
      cacheDir: path.join(work.dir, 'cache'),
      pack,
      publishTimes: async () => {
        throw new Error('offline');
      },
      indexDir: path.join(work.dir, 'again'),
      embedder: 'local',
      modelsDir: '',
    });
    const again = await openEngine(path.join(work.dir, 'again'), { modelsDir: '' });
    expect(again.index.changelog.find((e) => e.title === '@acme/widgets 1.9.0')?.date).toBe('2025-11-20');
  });

  it('keeps a version undated, with a warning, when the registry cannot be asked', async () => {
    const logs: string[] = [];
    await buildIndex({
      sources: [folderSource({ docs: docsDir, name: 'Acme', baseUrl: 'https://acme.dev/docs' }), source],
      cacheDir: path.join(work.dir, 'cache-2'),
      pack,
      publishTimes: async () => {
        throw new Error('offline');
      },
      indexDir: path.join(work.dir, 'offline'),
      embedder: 'local',
      modelsDir: '',
      log: (line) => logs.push(line),
    });
    const offline = await openEngine(path.join(work.dir, 'offline'), { modelsDir: '' });
    expect(offline.index.changelog.map((e) => [e.date, e.title])).toEqual([
      ['2026-03-02', '@acme/widgets 2.1.0'],
      ['2026-01-15', '@acme/widgets 2.0.0'],
      ['', '@acme/widgets 1.9.0'],
    ]);
    expect(logs).toContain('warning: changelog: @acme/widgets@2.1.0/CHANGELOG.md: no publish dates from the npm registry (offline); its versions without a date in their heading stay undated');
  });

  it('puts the pages under another prefix, losing no doc, when the docs already hold a changelog page', async () => {
    const own = path.join(work.dir, 'own-changelog');
    await mkdir(own, { recursive: true });
    await writeFile(path.join(own, 'changelog.mdx'), '---\ntitle: Our changelog\n---\n\nWe write our own release notes here.\n');
    const indexDir = path.join(work.dir, 'own-index');
    await buildIndex({ sources: [folderSource({ docs: own, name: 'Own', changelogs: path.join(work.dir, 'changelogs') })], indexDir, embedder: 'local', modelsDir: '' });
    const index = await openEngine(indexDir, { modelsDir: '' });
    expect(index.index.manifest.changelogPrefix).toBe('changes');
    expect(index.index.docs.map((d) => d.id).sort()).toEqual(['changelog', 'changes/2025-12-01-hangar-doors', 'changes/2026-02-01-runway-lights']);
    const { client, close } = await connectClient(index);
    try {
      const { tools } = await client.listTools();
      const section = (tools.find((t) => t.name === 'search_docs')?.inputSchema.properties as Record<string, { description?: string }>).section?.description;
      expect(section).toContain('are pages under "changes", searched when the question asks what changed, was released or deprecated: "changes" searches only them, "!changes" leaves them out.');
    } finally {
      await close();
    }
  });
});
