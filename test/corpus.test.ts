import { describe, expect, it, beforeAll } from 'vitest';
import { readFile } from 'node:fs/promises';
import { parseCorpus, type Corpus } from '../ingest/corpus.js';
import { DEFAULT_CHUNK_OPTIONS } from '../ingest/chunk.js';
import { defaultCorpus, discoverDocs } from '../ingest/discover.js';
import { readFrontmatterOnly } from '../ingest/parse.js';
import { DEFAULT_BASE_URL } from '../src/ids.js';
import { withoutCode } from './helpers/fixtures.js';

// The real default corpus from the pinned @workos/mcp-docs-server package.
describe('the default WorkOS corpus', () => {
  let corpus: Corpus;
  beforeAll(async () => {
    corpus = await parseCorpus({ docsDir: defaultCorpus().docs, baseUrl: DEFAULT_BASE_URL });
  });
  const chunks = () => corpus.files.flatMap((f) => f.chunks);

  it('parses every one of its files with no warning', () => {
    // 548 files in the package; one internal page (`sso/_sequence-diagrams/…`) is not a doc.
    expect(corpus.sourceFiles).toBe(547);
    expect(corpus.files.filter((f) => f.docId.split('/').some((part) => part.startsWith('_')))).toEqual([]);
    expect(corpus.failed).toBe(0);
    expect(corpus.warnings).toEqual([]);
    expect(corpus.files.length).toBeGreaterThan(500);
  });

  it('renders every code sample the package does not ship as one placeholder line, none as a bare label', async () => {
    const { files } = await discoverDocs(defaultCorpus().docs);
    const sources = await Promise.all(files.filter((f) => f.kind === 'doc' && !f.path.includes('/_')).map((f) => readFile(f.absPath, 'utf8')));
    const referenced = sources.reduce((n, source) => n + (source.match(/<CodeBlock\b/g) ?? []).length, 0);
    const placeholders = corpus.files.reduce((n, f) => n + (f.doc.markdown.match(/^\s*_Code sample .+ is not included in the offline docs: see <https:\/\/workos\.com\/docs\/[^>]+>_$/gm) ?? []).length, 0);
    expect(referenced).toBe(494);
    expect(placeholders).toBe(referenced);
  });

  it('yields chunks free of raw JSX tags and import/export lines outside code', () => {
    const offenders = chunks().filter((c) => {
      const prose = withoutCode(c.text);
      return /<\/?[A-Z][A-Za-z0-9.]*(\s[^>]*)?\/?>/.test(prose) || /^(import|export) /m.test(prose);
    });
    expect(offenders.map((c) => c.id)).toEqual([]);
  });

  it('resolves every description placeholder of the reference pages', () => {
    const generated = chunks().filter((c) => c.docId.startsWith('reference/'));
    const unresolved = generated.filter((c) => /(^|[\s:])\([a-z_]+(\.[a-z_]+)+\)/m.test(withoutCode(c.text)));
    expect(unresolved.map((c) => c.id)).toEqual([]);
  });

  it('gives every reference page with API data its parameters as text', async () => {
    const { files } = await discoverDocs(defaultCorpus().docs);
    const withParams: string[] = [];
    for (const f of files.filter((x) => x.kind === 'doc')) {
      const fm = readFrontmatterOnly(await readFile(f.absPath, 'utf8'), f.path);
      const reference = fm.reference as Record<string, Array<{ properties?: unknown[]; parameters?: unknown[]; title?: string }>> | undefined;
      const hasParams = reference && Object.values(reference).some((list) => Array.isArray(list) && list.some((e) => e.title && (e.properties?.length || e.parameters?.length)));
      if (hasParams) withParams.push(f.docId);
    }
    expect(withParams.length).toBeGreaterThan(150);
    const byDoc = new Map(corpus.files.map((f) => [f.docId, f.chunks.map((c) => c.text).join('\n')]));
    const missing = withParams.filter((id) => !/\*\*(Parameters|Fields):\*\*/.test(byDoc.get(id) ?? ''));
    expect(missing).toEqual([]);
  });

  it('answers parameter questions such as screen_hint and provider_scopes from a chunk', () => {
    const find = (needle: string) => chunks().filter((c) => c.text.includes(`\`${needle}\``) && c.docId.startsWith('reference/'));
    expect(find('provider_scopes').some((c) => /`provider_scopes` \(`string`, optional\): Additional OAuth scopes/.test(c.text))).toBe(true);
    expect(find('screen_hint').length).toBeGreaterThan(0);
  });

  it('keeps chunk sizes within bounds', () => {
    const sizes = chunks().map((c) => c.text.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(DEFAULT_CHUNK_OPTIONS.max);
    // A tiny chunk is acceptable only where the whole doc is that small (e.g. a page whose code sample is not published).
    const tiny = corpus.files.filter((f) => f.chunks.length > 1).flatMap((f) => f.chunks.filter((c) => c.text.length < 40));
    expect(tiny.map((c) => c.id)).toEqual([]);
  });

  it('produces the same chunk ids and hashes on a second run', async () => {
    // The second run parses a spread seventh of the files again (reference pages among them, which
    // resolve against the corpus-wide registry) and reuses the rest, as an incremental build does:
    // the same output as the first run means parsing is deterministic and reuse is exact.
    const byPath = new Map(corpus.files.map((f) => [f.path, f]));
    const sample = new Set(corpus.files.filter((_, i) => i % 7 === 0).map((f) => f.path));
    const again = await parseCorpus({
      docsDir: defaultCorpus().docs,
      baseUrl: DEFAULT_BASE_URL,
      previous: { get: (p) => (sample.has(p) ? undefined : byPath.get(p)), registryHash: corpus.registryHash, registryParts: corpus.registryParts },
    });
    expect(again.parsed).toBe(sample.size);
    expect([...sample].filter((p) => p.startsWith('reference/')).length).toBeGreaterThan(20);
    const ids = (c: Corpus) => c.files.flatMap((f) => f.chunks.map((x) => `${x.id} ${x.hash}`));
    expect(ids(again)).toEqual(ids(corpus));
    expect(new Set(ids(corpus).map((x) => x.split(' ')[0])).size).toBe(ids(corpus).length);
  });
});
