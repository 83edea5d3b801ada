import { describe, expect, it } from 'vitest';
import { textOf, useFixtureServer } from './helpers/fixture-index.js';

const server = useFixtureServer();
const call = server.call;

describe('the MCP surface', () => {
  it('lists the five tools with input and output schemas and read-only annotations', async () => {
    const { tools } = await server.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['get_changelog', 'get_doc', 'get_examples', 'list_docs', 'search_docs']);
    for (const tool of tools) {
      expect(tool.outputSchema?.type).toBe('object');
      expect(tool.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true, openWorldHint: false });
      expect(tool.description?.length).toBeGreaterThan(80);
    }
    const search = tools.find((t) => t.name === 'search_docs');
    expect(search?.inputSchema.required).toEqual(['query']);
    expect(Object.keys(search?.inputSchema.properties ?? {}).sort()).toEqual(['detail', 'limit', 'query', 'section']);
  });

  it('gives server instructions that say which tool to use when', () => {
    const instructions = server.client.getInstructions() ?? '';
    expect(instructions).toMatch(/search_docs first/);
    expect(instructions).toMatch(/get_doc/);
    expect(instructions).toMatch(/list_docs/);
    expect(instructions).toMatch(/get_changelog/);
  });

  it('search_docs returns the answering section with path, url, heading and text', async () => {
    const result = await call('search_docs', { query: 'how do I test a plane without going outside?', limit: 2 });
    const structured = result.structuredContent as { query: string; results: Array<Record<string, unknown>> };
    expect(result.isError).toBeFalsy();
    expect(structured.query).toBe('how do I test a plane without going outside?');
    expect(structured.results[0]).toMatchObject({
      path: 'guide/testing',
      url: 'https://workos.com/docs/guide/testing#wind-tunnel-sandbox',
      title: 'Testing planes',
      heading: ['Wind tunnel sandbox'],
    });
    expect(textOf(result)).toContain('## 1. Testing planes > Wind tunnel sandbox\nhttps://workos.com/docs/guide/testing#wind-tunnel-sandbox\n\n');
    expect(textOf(result)).toContain('simulates gusts');
  });

  it('search_docs sends each section text once: in the text block, with the fields alone in structuredContent', async () => {
    const result = await call('search_docs', { query: 'how do I test a plane without going outside?', limit: 3 });
    const structured = result.structuredContent as { results: Array<Record<string, unknown>> };
    expect(structured.results.length).toBe(3);
    for (const r of structured.results) expect(Object.keys(r).sort()).toEqual(['heading', 'path', 'score', 'title', 'url']);
    // Every field is in the text block too, so an agent that reads only the text loses nothing but the score.
    for (const r of structured.results) expect(textOf(result)).toContain(`${[r.title, ...(r.heading as string[])].join(' > ')}\n${r.url}\n`);
    expect(JSON.stringify(result.structuredContent)).not.toContain('simulates gusts');
  });

  it('get_doc reads the section a search_docs url names', async () => {
    const result = await call('get_doc', { path: 'https://workos.com/docs/guide/testing#wind-tunnel-sandbox' });
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { path: string; markdown: string }).path).toBe('guide/testing');
    expect((result.structuredContent as { markdown: string }).markdown).toContain('simulates gusts');
  });

  it('search_docs finds exact identifiers: event names and SDK methods', async () => {
    const event = await call('search_docs', { query: 'plane.landed', limit: 1 });
    expect((event.structuredContent as { results: Array<{ path: string }> }).results[0]?.path).toBe('guide/testing');
    const method = await call('search_docs', { query: 'hangar.createWidget wingSpan', limit: 1 });
    expect((method.structuredContent as { results: Array<{ path: string }> }).results[0]?.path).toBe('reference/widgets/create');
    expect(textOf(method)).toContain('`wing_span` (`number`, optional)');
  });

  it('search_docs restricts results to a section prefix', async () => {
    const result = await call('search_docs', { query: 'paper plane', limit: 10, section: 'reference' });
    const paths = (result.structuredContent as { results: Array<{ path: string }> }).results.map((r) => r.path);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.every((p) => p === 'reference' || p.startsWith('reference/'))).toBe(true);
  });

  it('search_docs answers an off-topic query normally, with advice', async () => {
    const result = await call('search_docs', { query: 'zzqx quantum banana', limit: 3 });
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { results: unknown[] }).results).toEqual([]);
    expect(textOf(result)).toMatch(/No sections of the WorkOS docs match "zzqx quantum banana"/);
  });

  it('get_doc reads a doc by any spelling of its id, with sections and related docs', async () => {
    for (const spelling of ['guide', '/guide/', 'guide/index.mdx', 'https://workos.com/docs/guide']) {
      const result = await call('get_doc', { path: spelling });
      expect((result.structuredContent as { path: string }).path).toBe('guide');
    }
    const result = await call('get_doc', { path: 'guide' });
    const doc = result.structuredContent as Record<string, unknown>;
    expect(doc).toMatchObject({ title: 'Paper Planes Guide', description: 'Fold, launch and track paper planes with the Hangar API.', page: 1, pages: 1 });
    expect(doc.sections).toEqual([
      { heading: ['Folding'], anchor: 'folding' },
      { heading: ['Folding', 'Folding in humid weather'], anchor: 'folding-in-humid-weather' },
      { heading: ['Launching'], anchor: 'launching' },
      { heading: ['Launching'], anchor: 'launching-1' },
    ]);
    // broken.mdx is not valid MDX: it is indexed as plain Markdown, so it is a sibling too.
    expect(doc.related).toEqual({ parent: null, siblings: [{ path: 'broken', title: 'Broken page' }, { path: 'reference', title: 'Hangar API reference' }], children: [{ path: 'guide/testing', title: 'Testing planes' }] });
    expect(String(doc.markdown)).toMatch(/^# Paper Planes Guide\n\nFold, launch/);
  });

  it('get_doc returns one section by anchor, also from a URL fragment', async () => {
    const bySection = await call('get_doc', { path: 'guide', section: 'folding' });
    expect((bySection.structuredContent as { markdown: string }).markdown).toBe(
      (await server.engine.docs.read('guide', { section: 'folding' })).markdown,
    );
    const markdown = (bySection.structuredContent as { markdown: string }).markdown;
    expect(markdown.startsWith('## Folding\n')).toBe(true);
    expect(markdown).toContain('### Folding in humid weather');
    expect(markdown).not.toContain('## Launching');
    const byUrl = await call('get_doc', { path: 'https://workos.com/docs/guide#launching-1' });
    expect((byUrl.structuredContent as { markdown: string; url: string }).markdown).toContain('A second heading');
    expect((byUrl.structuredContent as { url: string }).url).toBe('https://workos.com/docs/guide#launching-1');
  });

  it('get_doc suggests the closest ids for an unknown path', async () => {
    const result = await call('get_doc', { path: 'guide/testin' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/No doc "guide\/testin" in the index\. Closest ids: guide\/testing/);
  });

  it('list_docs gives the tree in navigation order, and a subtree for a prefix', async () => {
    const all = await call('list_docs', {});
    const entries = (all.structuredContent as { entries: Array<{ path: string | null; title: string; depth: number }> }).entries;
    expect(entries.slice(0, 5)).toEqual([
      { path: 'broken', title: 'Broken page', depth: 0 },
      { path: 'guide', title: 'Guide', depth: 0 },
      { path: null, title: 'Getting Started', depth: 1 },
      { path: 'guide', title: 'Overview', depth: 2 },
      { path: 'guide/testing', title: 'Testing', depth: 2 },
    ]);
    const sub = await call('list_docs', { prefix: 'reference' });
    const subPaths = (sub.structuredContent as { entries: Array<{ path: string | null }> }).entries.map((e) => e.path).filter(Boolean);
    expect(subPaths.every((p) => p === 'reference' || String(p).startsWith('reference/'))).toBe(true);
    expect(subPaths).toContain('reference/widgets/create');
  });

  it('get_changelog returns entries newest first, filtered by date and query', async () => {
    const all = await call('get_changelog', {});
    expect((all.structuredContent as { entries: Array<{ date: string }> }).entries.map((e) => e.date)).toEqual(['2026-01-10', '2025-06-01']);
    const since = await call('get_changelog', { since: '2025-12-01' });
    expect((since.structuredContent as { entries: Array<{ title: string }> }).entries.map((e) => e.title)).toEqual(['Gliders']);
    const query = await call('get_changelog', { query: 'paint colours' });
    expect((query.structuredContent as { entries: Array<{ title: string }> }).entries[0]?.title).toBe('Paint colours');
  });

  it('lists every doc as a docs:// resource and reads one', async () => {
    const { resources } = await server.client.listResources();
    expect(resources.map((r) => r.uri).sort()).toEqual(['docs://broken', 'docs://changelog/2025-06-01-paint-colours', 'docs://changelog/2026-01-10-gliders', 'docs://guide', 'docs://guide/testing', 'docs://reference', 'docs://reference/widgets/create']);
    const read = await server.client.readResource({ uri: 'docs://guide/testing' });
    expect(read.contents[0]).toMatchObject({ uri: 'docs://guide/testing', mimeType: 'text/markdown' });
    expect(String((read.contents[0] as { text: string }).text)).toMatch(/^# Testing planes/);
  });

  it.each([
    ['a query of the wrong type', 'search_docs', { query: 42 }, /query/],
    ['a missing query', 'search_docs', {}, /query/],
    ['an empty query', 'search_docs', { query: '   ' }, /query is empty/],
    ['a limit of 0', 'search_docs', { query: 'plane', limit: 0 }, /limit/],
    ['a limit above 20', 'search_docs', { query: 'plane', limit: 21 }, /limit/],
    ['a limit given as a string', 'search_docs', { query: 'plane', limit: '5' }, /limit/],
    ['an unknown path', 'get_doc', { path: 'nope/nothing' }, /No doc "nope\/nothing"/],
    ['an unknown section', 'get_doc', { path: 'guide', section: 'nope' }, /has no section "nope"\. Its sections: folding/],
    ['a malformed date', 'get_changelog', { since: 'last week' }, /YYYY-MM-DD/],
  ])('rejects %s with a clear isError result', async (_label, tool, args, message) => {
    const result = await call(tool, args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
  });
});
