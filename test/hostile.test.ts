import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../ingest/build.js';
import { chunkSections, DEFAULT_CHUNK_OPTIONS } from '../ingest/chunk.js';
import { readChangelogs } from '../ingest/changelog.js';
import { parseCorpus, type Corpus } from '../ingest/corpus.js';
import { plainText } from '../ingest/index-file.js';
import { DEFAULT_INGEST_LIMITS } from '../ingest/limits.js';
import { parseDoc, ParseError, summaryOf } from '../ingest/parse.js';
import { emptyRegistry } from '../ingest/reference.js';
import { DEFAULT_BASE_URL } from '../src/ids.js';
import { deepBlockquote, deepJsx, delimiterRun, placeholderBomb, singleLine } from '../scripts/hostile.js';
import { tempDir } from './helpers/fixtures.js';

// Hostile inputs of issue 16, generated (not committed). These run the parse inline (from the
// TypeScript sources there is no compiled parse process); hostile-guard.test.ts covers its
// time and memory limits through the built CLI.

let work: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  work = await tempDir('wdm-hostile-');
});
afterAll(async () => work.cleanup());

let folders = 0;
async function corpusOf(files: Record<string, string>, options: Partial<Parameters<typeof parseCorpus>[0]> = {}): Promise<Corpus> {
  const docs = path.join(work.dir, `docs-${folders++}`);
  await mkdir(docs, { recursive: true });
  await writeFile(path.join(docs, 'normal.mdx'), '# Normal page\n\nAn ordinary page.\n');
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(docs, name)), { recursive: true });
    await writeFile(path.join(docs, name), text);
  }
  return parseCorpus({ docsDir: docs, baseUrl: DEFAULT_BASE_URL, ...options });
}
const textOf = (corpus: Corpus, id: string) => corpus.files.find((f) => f.docId === id)?.chunks.map((c) => c.text).join('\n') ?? '';

describe('hostile docs', () => {
  it('caps (group.key) placeholder expansion, keeps the page and warns', async () => {
    const corpus = await corpusOf({ 'bomb.mdx': placeholderBomb() });
    const bomb = corpus.files.find((f) => f.docId === 'bomb');
    expect(bomb?.doc.title).toBe('Placeholder bomb');
    const generated = bomb?.chunks.reduce((n, c) => n + c.text.length, 0) ?? 0;
    // Without the cap this 4 KB file expands to about 500 MB of text.
    expect(generated).toBeGreaterThan(100_000);
    expect(generated).toBeLessThan(DEFAULT_INGEST_LIMITS.maxGeneratedChars * 1.2);
    expect(corpus.warnings).toContainEqual(expect.objectContaining({ path: 'bomb.mdx', message: expect.stringMatching(/cut short.*maxExpansionChars/) }));
  });

  it('caps one description at maxExpansionChars', () => {
    const limits = { maxExpansionChars: 500, maxGeneratedChars: 1_000_000 };
    const { sections, warnings } = parseDoc({ path: 'bomb.mdx', docId: 'bomb', source: placeholderBomb(40, 1), baseUrl: DEFAULT_BASE_URL, registry: emptyRegistry(), limits });
    const line = sections.find((s) => s.generated)?.text.split('\n').find((l) => l.startsWith('- `p0`')) ?? '';
    expect(line.length).toBeGreaterThan(400);
    expect(line.length).toBeLessThan(600);
    expect(warnings).toHaveLength(1);
  });

  it('indexes a file of 20,000 "*_" pairs as plain text with a warning, without parsing it as markup', async () => {
    const corpus = await corpusOf({ 'stars.mdx': delimiterRun(20_000) });
    expect(corpus.fallback).toBe(1);
    expect(corpus.failed).toBe(0);
    expect(textOf(corpus, 'stars')).toContain('keyword-after');
    expect(corpus.warnings).toContainEqual({ path: 'stars.mdx', message: expect.stringMatching(/run of more than 200 .*line 5 .*maxDelimiterRun.*indexed as plain text/) });
  });

  it('indexes a 10,000-deep blockquote and a 10,000-deep JSX tree as plain text instead of dropping them', async () => {
    const corpus = await corpusOf({ 'quote.mdx': deepBlockquote(), 'jsx.mdx': deepJsx() });
    expect(corpus.failed).toBe(0);
    expect(corpus.fallback).toBe(2);
    expect(textOf(corpus, 'quote')).toContain('deep-quote-keyword');
    expect(textOf(corpus, 'jsx')).toContain('deep-jsx-keyword');
    expect(textOf(corpus, 'jsx')).not.toContain('<Box>');
    const messages = corpus.warnings.map((w) => `${w.path}: ${w.message}`);
    expect(messages).toContainEqual(expect.stringMatching(/^quote\.mdx: blockquotes nested 10000 deep at line 3 .*plain text/));
    expect(messages).toContainEqual(expect.stringMatching(/^jsx\.mdx: elements nested more than 256 deep at line 259 .*plain text/));
  });

  it('skips a file over maxFileBytes with a warning that names the limit, and indexes the rest', async () => {
    const corpus = await corpusOf({ 'big.mdx': `# Big\n\n${singleLine(5000)}` }, { limits: { maxFileBytes: 4000 } });
    expect(corpus.files.map((f) => f.docId)).toEqual(['normal']);
    expect(corpus.failed).toBe(1);
    expect(corpus.warnings).toEqual([{ path: 'big.mdx', message: expect.stringMatching(/^file is 5\d{3} bytes, over the 4000-byte limit \(raise it with --max-file-bytes\); skipped$/) }]);
  });

  it('fails a strict build on a file over the size limit', async () => {
    await expect(corpusOf({ 'big.mdx': singleLine(5000) }, { limits: { maxFileBytes: 4000 }, strict: true })).rejects.toThrow(/big\.mdx: file is \d+ bytes, over the 4000-byte limit/);
  });

  it('cuts a 1 MB single-line paragraph into chunks no longer than the chunk maximum', () => {
    const text = singleLine(1024 * 1024, 'longword');
    const chunks = chunkSections([{ docId: 'line', title: 'Line', heading: [], anchor: '', level: 0, text }], DEFAULT_BASE_URL);
    expect(chunks.length).toBeGreaterThan(700);
    expect(Math.max(...chunks.map((c) => c.text.length))).toBeLessThanOrEqual(DEFAULT_CHUNK_OPTIONS.max);
    // Cut at spaces: every chunk holds whole words only.
    expect(chunks.every((c) => /^(longword )*longword$/.test(c.text))).toBe(true);
    expect(chunks.reduce((n, c) => n + c.text.split(' ').length, 0)).toBe(text.trim().split(' ').length);
  });

  it('summarises a page that opens with a million "[" (the link pattern is quadratic on them)', () => {
    // Before the bound this took hours (1.9 s for 50,000); the test timeout is the check.
    const summary = summaryOf([{ docId: 'x', title: 'X', heading: [], anchor: '', level: 0, text: `${'['.repeat(1_000_000)} tail` }]);
    expect(summary).toBe(`${'['.repeat(240)}…`);
  });

  it('chunks and strips a line of a million spaces that does not end there (quadratic patterns)', () => {
    // Before, each of these took hours (about 2 s and 5 s for 50,000 spaces); the test timeout is the check.
    const line = `${' '.repeat(1_000_000)}x`;
    expect(plainText(`${line}\nnext`)).toBe('x\nnext');
    const chunks = chunkSections([{ docId: 'x', title: 'X', heading: [], anchor: '', level: 0, text: `| a |\n${line}` }], DEFAULT_BASE_URL);
    expect(Math.max(...chunks.map((c) => c.text.length))).toBeLessThanOrEqual(DEFAULT_CHUNK_OPTIONS.max);
  });

  it('cuts a line without spaces, and a table with a huge header, into bounded chunks', () => {
    const noSpaces = 'x'.repeat(100_000);
    const table = `| ${'h'.repeat(50_000)} |\n| --- |\n${Array.from({ length: 50 }, (_, i) => `| row ${i} |`).join('\n')}`;
    for (const text of [noSpaces, table]) {
      const chunks = chunkSections([{ docId: 'x', title: 'X', heading: [], anchor: '', level: 0, text }], DEFAULT_BASE_URL);
      expect(Math.max(...chunks.map((c) => c.text.length))).toBeLessThanOrEqual(DEFAULT_CHUNK_OPTIONS.max);
      expect(chunks.reduce((n, c) => n + c.text.length, 0)).toBeLessThan(text.length * 1.1);
    }
  });
});

describe('files that are not valid MDX', () => {
  it('indexes a file with a syntax error as plain Markdown, warns with file:line:column and counts it as fallback', async () => {
    const corpus = await corpusOf({ 'broken.mdx': '---\ntitle: Broken page\n---\n\n## Oops\n\nA component that never closes: <Callout\n' });
    expect(corpus.fallback).toBe(1);
    expect(corpus.failed).toBe(0);
    const broken = corpus.files.find((f) => f.docId === 'broken');
    expect(broken?.doc.title).toBe('Broken page');
    expect(broken?.doc.sections.map((s) => s.anchor)).toEqual(['oops']);
    expect(textOf(corpus, 'broken')).toContain('A component that never closes');
    expect(corpus.warnings).toEqual([{ path: 'broken.mdx', line: 7, column: expect.any(Number), message: expect.stringMatching(/^not valid MDX \(.+\); indexed as plain Markdown$/) }]);
  });

  it('indexes a file that is neither valid MDX nor valid Markdown (bad YAML) as plain text', async () => {
    const corpus = await corpusOf({ 'yaml.mdx': '---\ntitle: [unclosed\n---\n\n# Page\n\nbad-yaml-keyword <Callout\n' });
    expect(corpus.fallback).toBe(1);
    expect(textOf(corpus, 'yaml')).toContain('bad-yaml-keyword');
    expect(corpus.warnings).toEqual([
      { path: 'yaml.mdx', line: 7, column: expect.any(Number), message: expect.stringMatching(/^not valid MDX \(.+\), nor plain Markdown \(invalid YAML frontmatter: [^\n]+\); indexed as plain text$/) },
    ]);
  });

  it('drops HTML comments before the MDX parse, but keeps them inside code fences', async () => {
    const source = '# Comments\n\nBefore <!-- a note --> after.\n\n<!--\nmulti-line\n-->\n\n```html\n<!-- kept in code -->\n```\n';
    const corpus = await corpusOf({ 'comments.mdx': source });
    expect(corpus.warnings).toEqual([]);
    expect(corpus.fallback).toBe(0);
    const text = textOf(corpus, 'comments');
    expect(text).toContain('Before  after.');
    expect(text).not.toContain('multi-line');
    expect(text).toContain('<!-- kept in code -->');
  });

  it('fails a strict build at the first file that would fall back, naming file, line and column', async () => {
    const docs = path.join(work.dir, 'strict-docs');
    await mkdir(docs, { recursive: true });
    await writeFile(path.join(docs, 'ok.mdx'), '# OK\n\nFine.\n');
    await writeFile(path.join(docs, 'broken.mdx'), '# Broken\n\ntext <Callout\n');
    const indexDir = path.join(work.dir, 'strict-index');
    const attempt = buildIndex({ docsDir: docs, changelogsDir: null, indexDir, embedder: 'local', modelsDir: '', strict: true });
    await expect(attempt).rejects.toThrow(ParseError);
    await expect(attempt).rejects.toThrow(/^broken\.mdx:3:\d+: /);
    const relaxed = await buildIndex({ docsDir: docs, changelogsDir: null, indexDir, embedder: 'local', modelsDir: '' });
    expect(relaxed.files).toMatchObject({ total: 2, parsed: 2, fallback: 1, failed: 0 });
  });
});

describe('the changelog folder', () => {
  it('skips symbolic links and never quotes a file it cannot parse', async () => {
    const dir = path.join(work.dir, 'changelogs');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'feed.json'), JSON.stringify([{ date: '2024-01-02', title: 'Real entry', changes: ['A change.'] }]));
    const outside = path.join(work.dir, 'outside.json');
    await writeFile(outside, JSON.stringify([{ date: '2024-05-05', title: 'OUTSIDE-SECRET', changes: ['leaked'] }]));
    await symlink(outside, path.join(dir, 'linked.json'));
    await writeFile(path.join(work.dir, 'passwd'), 'root:x:0:0:SECRET-LINE:/root:/bin/bash\n');
    await writeFile(path.join(dir, 'bad.json'), await readFile(path.join(work.dir, 'passwd')));
    const result = await readChangelogs(dir);
    expect(result.entries.map((e) => e.title)).toEqual(['Real entry']);
    expect(result.warnings).toEqual([
      'linked.json: symbolic link skipped (only regular files inside the changelog folder are read)',
      'bad.json: not valid JSON: expected a JSON array of changelog entries',
    ]);
    expect(result.warnings.join('\n')).not.toMatch(/SECRET|root:x/);
  });

  it('skips a changelog file over the size limit', async () => {
    const dir = path.join(work.dir, 'big-changelogs');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'feed.json'), JSON.stringify([{ date: '2024-01-02', title: 'x'.repeat(5000) }]));
    const result = await readChangelogs(dir, 4000);
    expect(result.entries).toEqual([]);
    expect(result.warnings).toEqual([expect.stringMatching(/^feed\.json: file is \d+ bytes, over the 4000-byte limit/)]);
  });
});
