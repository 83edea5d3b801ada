import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIndex } from '../ingest/build.js';
import { parseCorpus } from '../ingest/corpus.js';
import { textOf, useFixtureServer } from './helpers/fixture-index.js';
import { copyFixtureDocs, tempDir } from './helpers/fixtures.js';
import { openEngine } from '../src/core/engine.js';

const server = useFixtureServer();
const call = server.call;
const stillServes = async () => {
  const result = await call('search_docs', { query: 'wind tunnel', limit: 1 });
  expect((result.structuredContent as { results: Array<{ path: string }> }).results[0]?.path).toBe('guide/testing');
};

describe('bad input through the MCP tools', () => {
  it.each([
    ['a 1 MB query', { query: 'a'.repeat(1024 * 1024) }, /too long/],
    ['a limit of 1e9', { query: 'plane', limit: 1e9 }, /limit/],
    ['a limit of -1', { query: 'plane', limit: -1 }, /limit/],
    ['a fractional limit', { query: 'plane', limit: 2.5 }, /limit/],
    ['a query made of control characters', { query: '\u0000\u0001\u0007' }, /query is empty/],
    ['a null query', { query: null }, /query/],
  ])('answers %s with a clear error, quickly, and keeps serving', async (_label, args, message) => {
    const start = Date.now();
    const result = await call('search_docs', args);
    expect(Date.now() - start).toBeLessThan(1000);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
    await stillServes();
  });

  it.each([
    ['NUL bytes inside words', 'wind\u0000tunnel sandbox'],
    ['a lone surrogate', 'wind tunnel \ud800 sandbox'],
    ['emoji', '🛩️ wind tunnel 🌬️'],
    ['right-to-left and combining marks', '\u202ewind tunnel\u0301'],
  ])('gives a sensible answer to a query with %s', async (_label, query) => {
    const result = await call('search_docs', { query, limit: 3 });
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { results: Array<{ path: string }> }).results.map((r) => r.path)).toContain('guide/testing');
  });

  it.each([
    '../../../../etc/passwd',
    '..%2f..%2f..%2fetc%2fpasswd',
    '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/etc/passwd',
    'C:\\Windows\\System32\\drivers\\etc\\hosts',
    '..\\..\\package.json',
    'guide/../../../../etc/passwd',
    'file:///etc/passwd',
    'guide/testing\u0000.mdx',
  ])('never reads outside the index for the path %j', async (input) => {
    const result = await call('get_doc', { path: input });
    const text = textOf(result);
    expect(result.isError).toBe(true);
    expect(text).toMatch(/^No doc ".*" in the index\./);
    expect(text).not.toMatch(/root:|\[extensions\]|"name": "workos-docs-mcp"|\n\s+at /);
  });

  it('refuses a traversal through the docs:// resource template', async () => {
    await expect(server.client.readResource({ uri: 'docs://../../etc/passwd' })).rejects.toThrow(/No doc/);
    await stillServes();
  });
});

describe('bad files in a docs folder', () => {
  it('skips symbolic links, so a link cannot pull in files from elsewhere', async () => {
    const work = await tempDir();
    try {
      const docs = await copyFixtureDocs(work.dir);
      await writeFile(path.join(work.dir, 'secret.mdx'), '# Secret\n\nTOP-SECRET-CONTENT\n');
      await symlink(path.join(work.dir, 'secret.mdx'), path.join(docs, 'leak.mdx'));
      await mkdir(path.join(work.dir, 'outside'));
      await writeFile(path.join(work.dir, 'outside', 'page.mdx'), '# Outside\n\nTOP-SECRET-CONTENT\n');
      await symlink(path.join(work.dir, 'outside'), path.join(docs, 'linked-dir'));
      const indexDir = path.join(work.dir, 'index');
      const summary = await buildIndex({ docsDir: docs, changelogsDir: null, indexDir, embedder: 'local', modelsDir: '' });
      expect(summary.warnings.map((w) => w.message).filter((m) => m.includes('symbolic link'))).toHaveLength(2);
      const engine = await openEngine(indexDir, { modelsDir: '' });
      expect(engine.index.chunks.some((c) => c.text.includes('TOP-SECRET'))).toBe(false);
      expect(() => engine.docs.read('leak')).toThrow(/No doc "leak"/);
    } finally {
      await work.cleanup();
    }
  });

  it('reports junk, mutated and pathological MDX files and indexes the rest', async () => {
    const work = await tempDir();
    try {
      const docs = await copyFixtureDocs(work.dir);
      let seed = 42;
      const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
      const base = '---\ntitle: Fuzz\n---\n\n## Heading\n\n<Callout title="x">\n\nText with `code` and {expr} and <b>bold</b>.\n\n</Callout>\n\n| a | b |\n| - | - |\n| 1 | 2 |\n';
      const junk: Record<string, string> = {
        'binary.mdx': Buffer.from(Array.from({ length: 4096 }, () => Math.floor(rand() * 256))).toString('latin1'),
        'nested.mdx': '<A>'.repeat(2000) + 'deep' + '</A>'.repeat(2000),
        'unclosed.mdx': '<Callout>\n\n## Heading\n\ntext',
        'huge-line.mdx': `## Long\n\n${'word '.repeat(50_000)}`,
        'bad-yaml.mdx': '---\ntitle: [unclosed\n---\n\n# Page\n',
        'empty.mdx': '',
        'expr.mdx': '{'.repeat(500),
      };
      for (let i = 0; i < 40; i++) {
        const chars = base.split('');
        for (let m = 0; m < 6; m++) {
          const at = Math.floor(rand() * chars.length);
          const op = rand();
          if (op < 0.33) chars.splice(at, 1);
          else if (op < 0.66) chars.splice(at, 0, '<>{}`|#-:*'.charAt(Math.floor(rand() * 10)));
          else chars[at] = String.fromCharCode(Math.floor(rand() * 0x2fff));
        }
        junk[`mutated-${i}.mdx`] = chars.join('');
      }
      for (const [name, text] of Object.entries(junk)) await writeFile(path.join(docs, name), text);
      const start = Date.now();
      const corpus = await parseCorpus({ docsDir: docs, baseUrl: 'https://workos.com/docs' });
      expect(Date.now() - start).toBeLessThan(20_000);
      const ids = corpus.files.map((f) => f.docId);
      expect(ids).toEqual(expect.arrayContaining(['guide', 'guide/testing', 'reference/widgets/create', 'huge-line']));
      const reported = new Set(corpus.warnings.map((w) => w.path));
      for (const name of ['binary.mdx', 'unclosed.mdx', 'bad-yaml.mdx', 'broken.mdx']) expect(reported).toContain(name);
      // Every file is either indexed or reported: nothing is dropped silently.
      for (const name of Object.keys(junk)) {
        const id = name.replace(/\.mdx$/, '');
        expect(ids.includes(id) || reported.has(name)).toBe(true);
      }
    } finally {
      await work.cleanup();
    }
  });
});
