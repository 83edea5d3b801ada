import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { create } from 'tar';
import { buildIndex } from '../ingest/build.js';
import { folderSource } from '../ingest/sources/sources.js';
import type { SourceRecord } from '../src/store/format/manifest.js';
import { openEngine, type DocsEngine } from '../src/core/engine.js';
import { DEFAULT_RETRIEVER_PARAMS, Retriever } from '../src/core/retriever.js';
import { readManifest } from '../src/store/load.js';
import { tokenize } from '../src/text/tokenize.js';
import { connectClient, textOf } from './helpers/fixture-index.js';
import { ROOT, tempDir } from './helpers/fixtures.js';
import { integrityOf } from '../ingest/sources/npm-package.js';

/**
 * The whole SDK path on the made-up `@acme/node` package (test/fixtures/sdk/acme-node: a README
 * and type declarations): signatures become method pages, the docs' calls are linked to them (and
 * a renamed one is flagged), missing samples point at README code, and get_examples serves it.
 */
const ACME_DIR = path.join(ROOT, 'test', 'fixtures', 'sdk', 'acme-node');

const DOCS: Record<string, string> = {
  'login.mdx': [
    '---',
    'title: Log users in',
    '---',
    '',
    'Acme login sends users to a hosted page and back to your callback.',
    '',
    '## Exchange the code in your callback',
    '',
    'Your callback route receives a code; exchange the code for the user and tokens.',
    '',
    '<CodeBlock file="callback-route.ts" title="Exchange code callback" />',
    '',
    'Older guides call `acme.signin.exchangeCode()` for this.',
    '',
    '## SDK methods',
    '',
    '- Node: `login.exchangeCode()` — parameters: `code`, `clientId`',
    '',
  ].join('\n'),
  'widgets.mdx': '---\ntitle: Widgets\n---\n\nWidgets are listed a page at a time.\n',
};

function acmeSource(overrides: Partial<SourceRecord> = {}): SourceRecord {
  return {
    kind: 'npm-package',
    name: '@acme/node',
    prefix: 'sdk/acme',
    baseUrl: 'https://www.npmjs.com/package/@acme/node/v/2.1.0',
    package: '@acme/node',
    version: '2.1.0',
    signatures: true,
    client: { className: 'Acme', variable: 'acme' },
    group: 'SDK packages',
    framework: 'node',
    ...overrides,
  };
}

let work: { dir: string; cleanup: () => Promise<void> };
let docsDir: string;
let engine: DocsEngine;
let indexDir: string;
let summary: Awaited<ReturnType<typeof buildIndex>>;
beforeAll(async () => {
  work = await tempDir('wdm-sdk-src-');
  docsDir = path.join(work.dir, 'docs');
  await mkdir(docsDir, { recursive: true });
  for (const [name, text] of Object.entries(DOCS)) await writeFile(path.join(docsDir, name), text);
  indexDir = path.join(work.dir, 'index');
  summary = await buildIndex({
    // As `ingest --sdk-dir` does: the package from a folder (an installed copy), whatever the pin says.
    sources: [folderSource({ docs: docsDir, name: 'Acme', baseUrl: 'https://acme.dev/docs' }), acmeSource({ version: '2.0.0' })],
    packageDirs: { '@acme/node': ACME_DIR },
    indexDir,
    embedder: 'local',
    modelsDir: '',
  });
  engine = await openEngine(indexDir, { modelsDir: '' });
});
afterAll(() => work.cleanup());

describe('an SDK package as a source', () => {
  it('indexes the README as the source root page, with the package and version in the breadcrumb and npm URLs', async () => {
    const readme = engine.docs.resolve('sdk/acme').doc;
    expect(readme.title).toBe('Acme Node SDK');
    expect(readme.url).toBe('https://www.npmjs.com/package/@acme/node/v/2.1.0');
    const hits = await engine.retriever.search('send users to the hosted login page', { limit: 3, section: 'sdk/acme' });
    expect(hits.map((h) => h.path)).toContain('sdk/acme');
    const chunk = engine.index.chunks.find((c) => c.docId === 'sdk/acme' && c.text.includes('## Sign users in'));
    expect(chunk?.url).toBe('https://www.npmjs.com/package/@acme/node/v/2.1.0#acme-node-sdk');
    expect(chunk?.context).toEqual(['SDK packages', '@acme/node 2.1.0']);
    // The code block is kept whole.
    expect(chunk?.text).toContain("const { accessToken, user } = await acme.login.exchangeCode({ code, clientId: 'client_123' });\n  return Response.json({ user });\n}\n```");
  });

  it('names an SDK result by its path in the text agents read, since its URL is the package page', async () => {
    const { client, close } = await connectClient(engine);
    try {
      const result = await client.callTool({ name: 'search_docs', arguments: { query: 'exchangeCode codeVerifier', limit: 3 } });
      expect(textOf(result)).toContain('https://www.npmjs.com/package/@acme/node/v/2.1.0\npath: sdk/acme/login/exchange-code\n');
      const docs = await client.callTool({ name: 'search_docs', arguments: { query: 'widgets a page at a time', limit: 1, section: '!sdk' } });
      expect(textOf(docs)).toContain('https://acme.dev/docs/widgets\n\n');
      expect(textOf(docs)).not.toContain('path:');
    } finally {
      await close();
    }
  });

  it('makes one page per public method, readable with get_doc and found by every spelling of its name', async () => {
    const page = engine.docs.resolve('sdk/acme/login/exchange-code').doc;
    expect(page.markdown).toContain('`code` (`string`)');
    expect(page.markdown).toContain('The code your callback received in its query string.');
    for (const query of ['exchangeCode', 'login.exchangeCode', 'exchange_code']) {
      const hits = await engine.retriever.search(query, { limit: 3 });
      expect(hits.map((h) => h.path), query).toContain('sdk/acme/login/exchange-code');
    }
    // The version of the folder it was read from, not the pin's.
    expect(readManifest(indexDir).sources[1]).toMatchObject({ name: '@acme/node', version: '2.1.0', prefix: 'sdk/acme' });
  });

  it('links a docs page that names a method to its SDK page, and the SDK page back to the docs page', () => {
    const docs = engine.docs.resolve('login').doc.markdown;
    expect(docs).toContain('- Node: `login.exchangeCode()` — parameters: `code`, `clientId` — SDK page: `sdk/acme/login/exchange-code`');
    const page = engine.docs.resolve('sdk/acme/login/exchange-code').doc.markdown;
    expect(page).toContain('## API reference\n\n- [Log users in](https://acme.dev/docs/login) (`login`)');
  });

  it('says which method the pinned SDK has in place of a renamed one, in the page and in its search results', async () => {
    const note = '> **SDK note:** `acme.signin.exchangeCode` is `acme.login.exchangeCode` in @acme/node 2.1.0 (SDK page: `sdk/acme/login/exchange-code`).';
    expect(engine.docs.resolve('login').doc.markdown).toContain(note);
    const hits = await engine.retriever.search('exchange the code for the user and tokens', { limit: 5, section: 'login' });
    expect(hits.some((h) => h.text.includes(note))).toBe(true);
  });

  it('points a missing code sample at the closest SDK example, which search ignores', () => {
    const docs = engine.docs.resolve('login').doc.markdown;
    expect(docs).toMatch(
      /_Code sample "Exchange code callback" is not included in the offline docs: see <https:\/\/acme.dev\/docs\/login#exchange-the-code-in-your-callback>_\n_Closest SDK example: \[@acme\/node 2.1.0 › Sign users in\]\(https:\/\/www.npmjs.com\/package\/@acme\/node\/v\/2.1.0#sign-users-in\) \(`sdk\/acme`\)_/,
    );
    expect(summary.placeholders).toEqual({ total: 1, pointed: 1 });
  });

  it('serves the README code through get_examples, with its package and version as the source', async () => {
    const { client, close } = await connectClient(engine);
    try {
      const result = await client.callTool({ name: 'get_examples', arguments: { query: 'exchange the login code in a callback' } });
      const examples = (result.structuredContent as { examples: Array<{ source: string; code: string; url: string }> }).examples;
      const readme = examples.find((e) => e.code.includes('acme.login.exchangeCode') && e.source === '@acme/node@2.1.0' && e.url.endsWith('#sign-users-in'));
      expect(readme?.url).toBe('https://www.npmjs.com/package/@acme/node/v/2.1.0#sign-users-in');
      expect(textOf(result)).toContain('@acme/node');
      expect(client.getInstructions()).toContain('@acme/node 2.1.0 (sdk/acme/)');
    } finally {
      await close();
    }
  });

  it('fits the local model on the docs sources only: words only the SDK uses are not in its vocabulary', () => {
    const model = engine.index.localEmbedder as { terms: string[] } | undefined;
    const terms = new Set(model?.terms ?? []);
    expect(terms.size).toBeGreaterThan(0);
    // "widget" is in both; "verifier" and "colour" are only in the SDK's README and declarations.
    expect(terms.has(tokenize('widgets')[0] ?? '')).toBe(true);
    for (const word of ['verifier', 'colour']) expect(terms.has(tokenize(word)[0] ?? ''), word).toBe(false);
  });

  it('ranks and embeds the docs as an index of the docs alone would: same chunks, vectors and, without the SDK, same results', async () => {
    const docsOnly = path.join(work.dir, 'docs-only');
    await buildIndex({ sources: [folderSource({ docs: docsDir, name: 'Acme', baseUrl: 'https://acme.dev/docs' })], indexDir: docsOnly, embedder: 'local', modelsDir: '' });
    const alone = await openEngine(docsOnly, { modelsDir: '' });
    // The SDK notes in the docs pages are shown but not searched: the chunks embed the same text.
    const docsChunks = engine.index.chunks.filter((c) => !c.docId.startsWith('sdk/'));
    expect(docsChunks.map((c) => [c.id, c.hash])).toEqual(alone.index.chunks.map((c) => [c.id, c.hash]));
    const vectorOf = (e: DocsEngine, id: string) => Array.from(e.index.vectors[e.index.chunks.findIndex((c) => c.id === id)] ?? []);
    for (const c of alone.index.chunks) expect(vectorOf(engine, c.id), c.id).toEqual(vectorOf(alone, c.id));
    for (const query of ['exchange the code in your callback', 'widgets a page at a time', 'acme login hosted page']) {
      const without = (await engine.retriever.search(query, { limit: 5, section: '!sdk' })).map((r) => [r.path, r.url, r.score]);
      expect(without, query).toEqual((await alone.retriever.search(query, { limit: 5 })).map((r) => [r.path, r.url, r.score]));
    }
  });

  it('ranks SDK pages below docs pages of the same score (packageWeight), and not at all with section "!sdk"', async () => {
    const query = 'exchange the code for the user and tokens';
    const flat = new Retriever(
      { chunks: engine.index.chunks, docIds: engine.index.docs.map((d) => d.id), vectors: engine.index.vectors, vectorIndex: engine.index.vectorIndex, lexical: engine.index.lexical, embedder: engine.embedder },
      { ...DEFAULT_RETRIEVER_PARAMS, packageWeight: 1 },
    );
    const weighted = await engine.retriever.search(query, { limit: 20 });
    const unweighted = await flat.search(query, { limit: 20 });
    const sdk = unweighted.find((r) => r.path.startsWith('sdk/'));
    const same = weighted.find((r) => r.path === sdk?.path && r.url === sdk?.url);
    expect(same?.score).toBeCloseTo((sdk?.score ?? 0) * DEFAULT_RETRIEVER_PARAMS.packageWeight, 3);
    const docs = weighted.find((r) => !r.path.startsWith('sdk/'));
    expect(docs?.score).toBe(unweighted.find((r) => r.path === docs?.path && r.url === docs?.url)?.score);
    const without = await engine.retriever.search(query, { limit: 20, section: '!sdk' });
    expect(without.length).toBeGreaterThan(0);
    expect(without.every((r) => !r.path.startsWith('sdk/'))).toBe(true);
  });

  it('puts a docs page before the SDK method page it links to, when both are found', async () => {
    for (const query of ['exchangeCode', 'login.exchangeCode clientId codeVerifier']) {
      const paths = (await engine.retriever.search(query, { limit: 10 })).map((r) => r.path);
      const docs = paths.indexOf('login');
      const sdk = paths.indexOf('sdk/acme/login/exchange-code');
      expect(sdk, query).toBeGreaterThanOrEqual(0);
      expect(docs, query).toBeGreaterThanOrEqual(0);
      expect(docs, query).toBeLessThan(sdk);
    }
  });

  it('re-links the docs in an incremental build when the SDK renames a method', async () => {
    const sdk = path.join(work.dir, 'acme-next');
    await cp(ACME_DIR, sdk, { recursive: true });
    const declarations = path.join(sdk, 'lib', 'index.d.ts');
    await writeFile(declarations, (await readFile(declarations, 'utf8')).replaceAll('exchangeCode(', 'exchangeAuthorizationCode('));
    await writeFile(path.join(sdk, 'package.json'), (await readFile(path.join(sdk, 'package.json'), 'utf8')).replace('"2.1.0"', '"3.0.0"'));
    const incremental = path.join(work.dir, 'incremental');
    const build = (dir: string) =>
      buildIndex({ sources: [folderSource({ docs: docsDir, name: 'Acme', baseUrl: 'https://acme.dev/docs' }), acmeSource()], packageDirs: { '@acme/node': dir }, indexDir: incremental, embedder: 'local', modelsDir: '' });
    await build(ACME_DIR);
    const summary = await build(sdk);
    expect(summary.full).toBe(false);
    const login = (await openEngine(incremental, { modelsDir: '' })).docs.resolve('login').doc.markdown;
    expect(login).toContain('- Node: `login.exchangeCode()` — parameters: `code`, `clientId` — **renamed:** @acme/node 3.0.0 calls it `login.exchangeAuthorizationCode()`');
    expect(login).not.toContain('SDK page: `sdk/acme/login/exchange-code`');
  });

  it('fails the ingest when a pinned tarball does not match its integrity, naming the package, and keeps the previous index', async () => {
    const tarball = path.join(work.dir, 'acme.tgz');
    await create({ gzip: true, file: tarball, cwd: path.dirname(ACME_DIR), prefix: '', portable: true }, [path.basename(ACME_DIR)]);
    const pack = async (_spec: string, dest: string) => {
      const file = path.join(dest, 'acme.tgz');
      await writeFile(file, await readFile(tarball));
      return file;
    };
    const before = readManifest(indexDir).createdAt;
    const wrong = integrityOf(Buffer.from('not the tarball'));
    await expect(
      buildIndex({
        sources: [folderSource({ docs: docsDir, name: 'Acme', baseUrl: 'https://acme.dev/docs' }), acmeSource({ integrity: wrong })],
        cacheDir: path.join(work.dir, 'cache'),
        pack,
        indexDir,
        embedder: 'local',
        modelsDir: '',
      }),
    ).rejects.toThrow(/@acme\/node@2.1.0 does not match its pinned integrity .* update it from `npm view @acme\/node@2.1.0 dist.integrity`/);
    expect(readManifest(indexDir).createdAt).toBe(before);
    // With the right pin the same tarball is taken from the cache folder.
    const right = integrityOf(await readFile(tarball));
    const rebuilt = await buildIndex({
      sources: [folderSource({ docs: docsDir, name: 'Acme', baseUrl: 'https://acme.dev/docs' }), acmeSource({ integrity: right })],
      cacheDir: path.join(work.dir, 'cache'),
      pack,
      indexDir,
      embedder: 'local',
      modelsDir: '',
    });
    expect(rebuilt.docs).toBe(summary.docs);
  });
});
