import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { openEngine, type DocsEngine } from '../src/core/engine.js';
import { parseQuerySet } from '../src/core/eval.js';
import type { NavNode } from '../src/types.js';
import { compactPlaceholders } from '../src/text/embedding-text.js';
import { defaultIndex } from './helpers/default-index.js';
import { connectClient, textOf } from './helpers/fixture-index.js';

// The size contract over the real default index and a real client: every tool result, text content
// and structuredContent together, stays within 25,000 characters for any input.
const BUDGET = 25_000;
let client: Client;
let engine: DocsEngine;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const index = await defaultIndex();
  engine = await openEngine(index.dir, { modelsDir: '' });
  const connected = await connectClient(engine);
  client = connected.client;
  cleanup = async () => {
    await connected.close();
    await index.cleanup();
  };
}, 60_000);
afterAll(async () => cleanup?.());

type Result = Awaited<ReturnType<Client['callTool']>>;
const call = (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args });
const sizeOf = (r: Result) => JSON.stringify(r.content).length + JSON.stringify(r.structuredContent ?? null).length;
/** The page markdown of a get_doc text block (the footer follows the last `---` line). */
const pageOf = (r: Result) => textOf(r).slice(0, textOf(r).lastIndexOf('\n---\n'));
const fences = (text: string) => text.split('\n').filter((l) => /^ {0,3}(`{3,}|~{3,})/.test(l)).length;

describe('result sizes over the default index', () => {
  it('get_doc returns every page of every doc within 25,000 characters, each page whole, together the whole doc', async () => {
    let largest = 0;
    let paged = 0;
    for (const doc of engine.docs.docs) {
      const pages: string[] = [];
      for (let page = 1, count = 1; page <= count; page++) {
        const result = await call('get_doc', { path: doc.id || '/', page });
        expect(result.isError, doc.id).toBeFalsy();
        count = (result.structuredContent as { pages: number }).pages;
        largest = Math.max(largest, sizeOf(result));
        expect(sizeOf(result), `${doc.id} page ${page}`).toBeLessThanOrEqual(BUDGET);
        expect(textOf(result), `${doc.id} page ${page}`).not.toContain('[truncated:');
        pages.push(pageOf(result));
      }
      if (pages.length > 1) paged++;
      expect(pages.join('').replace(/\s+/g, ''), doc.id).toBe(doc.markdown.replace(/\s+/g, ''));
    }
    expect(largest).toBeGreaterThan(20_000);
    expect(paged).toBeGreaterThan(0);
  }, 60_000);

  it('get_doc returns every section of every doc within 25,000 characters', async () => {
    for (const doc of engine.docs.docs) {
      for (const section of doc.sections.filter((s) => s.anchor)) {
        const result = await call('get_doc', { path: doc.id || '/', section: section.anchor });
        expect(sizeOf(result), `${doc.id}#${section.anchor}`).toBeLessThanOrEqual(BUDGET);
      }
    }
  }, 60_000);

  it('get_doc on events fits in one result with the page sent whole in the text block', async () => {
    const result = await call('get_doc', { path: 'events' });
    const structured = result.structuredContent as { markdown: string; page: number; pages: number };
    expect(sizeOf(result)).toBeLessThanOrEqual(BUDGET);
    expect(structured.pages).toBe(2);
    expect(engine.docs.docs.find((d) => d.id === 'events')?.markdown.startsWith(pageOf(result).trim())).toBe(true);
    expect(pageOf(result).length).toBeGreaterThan(10_000);
    // The structured copy repeats the page as far as there is room, marked where it is shortened.
    expect(pageOf(result).startsWith(structured.markdown.replace(/\n\n\[shortened here; the text content of this result has the full text\]$/, ''))).toBe(true);
  });

  it('list_docs stays within 25,000 characters for every prefix, with no hole in the tree it shows', async () => {
    const prefixes = new Set(['']);
    for (const doc of engine.docs.docs) {
      const parts = doc.id.split('/');
      for (let i = 1; i <= parts.length; i++) prefixes.add(parts.slice(0, i).join('/'));
    }
    let truncated = 0;
    for (const prefix of prefixes) {
      const result = await call('list_docs', prefix ? { prefix } : {});
      expect(sizeOf(result), prefix).toBeLessThanOrEqual(BUDGET);
      const structured = result.structuredContent as { entries: Array<{ path: string | null; title: string; depth: number }>; truncated: boolean };
      const all = flatten(engine.docs.list(prefix));
      const depth = Math.max(...structured.entries.map((e) => e.depth), 0);
      // Everything down to the depth shown, in navigation order: no branch skipped, none cut short.
      expect(structured.entries, prefix).toEqual(all.filter((e) => e.depth <= depth));
      expect(structured.truncated, prefix).toBe(structured.entries.length < all.length);
      if (structured.truncated) {
        truncated++;
        expect(textOf(result)).toContain(`shown to depth ${depth}`);
      }
    }
    expect(truncated).toBeGreaterThan(0);
  }, 60_000);

  it('list_docs under "reference" ends with the last reference entry at its depth, not with later group headers', async () => {
    const result = await call('list_docs', { prefix: 'reference' });
    const entries = (result.structuredContent as { entries: Array<{ path: string | null; title: string; depth: number }> }).entries;
    const all = flatten(engine.docs.list('reference'));
    const depth = Math.max(...entries.map((e) => e.depth));
    expect(entries.at(-1)).toEqual(all.filter((e) => e.depth <= depth).at(-1));
    expect(entries.filter((e) => e.depth === 0)).toEqual(all.filter((e) => e.depth === 0));
  });

  it.each(['sso', 'list organizations', 'user management', 'webhooks', 'roles and permissions', 'directory sync attributes'])(
    'search_docs at limit 20 with detail "full" for %j stays within 25,000 characters and cuts only long texts, at block boundaries',
    async (query) => {
      const { result, whole, cut } = await searchAtLimit20(query);
      expect(sizeOf(result)).toBeLessThanOrEqual(BUDGET);
      expect(whole.length).toBeGreaterThan(0);
      for (const { raw, kept } of cut) {
        expect(raw.text.startsWith(kept), raw.path).toBe(true);
        expect(fences(kept) % 2, `${raw.path}: cut inside a code block`).toBe(0);
        // Need-based: nothing kept whole needs more room than a text that was cut (need is measured
        // as JSON, where a newline or a quote takes two characters).
        for (const w of whole) expect(JSON.stringify(w.text).length, `${w.path} vs ${raw.path}`).toBeLessThanOrEqual(JSON.stringify(raw.text).length);
      }
      // When anything is cut, the budget is used rather than left idle (within 8%: each of up to 20
      // cuts ends at a block boundary, short of its share by part of a block).
      if (cut.length) expect(sizeOf(result)).toBeGreaterThan(BUDGET - 2_000);
    },
  );

  it('search_docs at limit 10 averages at most half of 20,459 characters over the dev questions (what it sent when structuredContent repeated every text and every result came whole)', async () => {
    const queries = parseQuerySet(await readFile(path.join(import.meta.dirname, 'eval', 'dev.jsonl'), 'utf8')).map((q) => q.query);
    let total = 0;
    for (const query of queries) {
      const result = await call('search_docs', { query, limit: 10 });
      expect(JSON.stringify(result.structuredContent)).not.toContain('"text"');
      total += sizeOf(result);
    }
    expect(total / queries.length).toBeLessThanOrEqual(20_459 / 2);
  });

  it('prints get_doc calls that read their sections, also for pages whose URL fragment is not a section anchor', async () => {
    // The widgets changelog pages link to their npm release (`…#1130`); their sections have no such anchor.
    const result = await call('search_docs', { query: 'widgets release fixes', limit: 20, section: 'changelog/widgets' });
    const calls = [...textOf(result).matchAll(/get_doc path="([^"]+)"(?: section="([^"]+)")?/g)];
    expect(calls.length).toBeGreaterThan(5);
    for (const [printed, path, section] of calls) {
      const read = await call('get_doc', { path, ...(section ? { section } : {}) });
      expect(read.isError, printed).toBeFalsy();
    }
  });

  it('search_docs with detail "full" shares its budget by need: most results stay whole and only the longest are cut', async () => {
    const { whole, cut } = await searchAtLimit20('update organization', '!sdk');
    expect(cut.length).toBeGreaterThan(0);
    // About 23,000 characters of raw text at limit 20 (docs only): the shorter results stay whole, only longer ones are cut.
    expect(whole.length).toBeGreaterThanOrEqual(4);
    const need = (text: string) => JSON.stringify(text).length;
    expect(Math.max(...whole.map((r) => need(r.text)))).toBeLessThanOrEqual(Math.min(...cut.map((c) => need(c.raw.text))));
    for (const { raw, kept } of cut) expect(kept.length, raw.path).toBeGreaterThan(0);
  });

  it.each(['install the SDK', 'migrate users from AWS Cognito', 'environment variables', 'localize the widgets', 'events payload json'])(
    'get_examples at limit 10 for %j stays within 25,000 characters with every code block whole',
    async (query) => {
      const result = await call('get_examples', { query, limit: 10 });
      expect(sizeOf(result)).toBeLessThanOrEqual(BUDGET);
      const examples = (result.structuredContent as { examples: Array<{ code: string }> }).examples;
      expect(examples.length).toBeGreaterThan(0);
      for (const e of examples) expect(textOf(result)).toContain(e.code);
    },
  );

  it('get_changelog at limit 100 stays within 25,000 characters', async () => {
    const result = await call('get_changelog', { limit: 100 });
    expect(sizeOf(result)).toBeLessThanOrEqual(BUDGET);
    expect((result.structuredContent as { entries: unknown[] }).entries.length).toBeGreaterThan(0);
  });

  it.each(['authkit', 'events'])('resources/read docs://%s returns the whole doc', async (id) => {
    const read = await client.readResource({ uri: `docs://${id}` });
    const doc = engine.docs.docs.find((d) => d.id === id);
    expect(doc?.markdown.length).toBeGreaterThan(20_000);
    expect(read.contents).toEqual([{ uri: `docs://${id}`, mimeType: 'text/markdown', text: doc?.markdown }]);
  });

  it('resources/list pages through every doc once, in id order, each page within 25,000 characters, and each reads whole', async () => {
    const uris: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.listResources(cursor ? { cursor } : {});
      expect(JSON.stringify(page).length).toBeLessThanOrEqual(BUDGET);
      uris.push(...page.resources.map((r) => r.uri));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    expect(pages).toBeGreaterThan(1);
    const expected = engine.docs.docs.map((d) => `docs://${d.id}`).sort((a, b) => (a.slice(7) < b.slice(7) ? -1 : 1));
    expect(uris).toEqual(expected);
    for (const uri of uris) {
      const read = await client.readResource({ uri });
      expect((read.contents[0] as { text: string }).text, uri).toBe(engine.docs.docs.find((d) => `docs://${d.id}` === uri)?.markdown);
    }
  });
});

/** A limit-20 search: its result, and which texts its text block shows whole or cut (with the part kept). */
async function searchAtLimit20(query: string, section?: string) {
  // Every result whole: the budget, not the previews, decides what is cut.
  const result = await call('search_docs', { query, limit: 20, detail: 'full', ...(section ? { section } : {}) });
  // What the tool shows of each result: its text with placeholders to its own URL compacted.
  const raw = (await engine.retriever.search(query, { limit: 20, section })).map((r) => ({ ...r, text: compactPlaceholders(r.text, r.url) }));
  // The line naming a result's other matching sections follows its text, cut or whole.
  const shown = textOf(result).replace(/\n\nAlso matching on this page \(get_doc\): [^\n]*/g, '');
  // Results are found by their whole header: two results can share a score.
  const header = (r: (typeof raw)[number]) => `. ${[r.title, ...r.heading].join(' > ')}\n${r.url}${r.url.includes(r.path) ? '' : `\npath: ${r.path}`}\n\n`;
  const whole = raw.filter((r) => shown.includes(`${header(r)}${r.text}\n\n## `) || shown.endsWith(`${header(r)}${r.text}`));
  const cut = raw
    .filter((r) => !whole.includes(r))
    .map((r) => {
      const start = shown.indexOf(header(r)) + header(r).length;
      return { raw: r, kept: shown.slice(start, shown.indexOf('\n\n[truncated: read the full section with get_doc', start)) };
    });
  return { result, whole, cut };
}

function flatten(nodes: NavNode[], depth = 0, out: Array<{ path: string | null; title: string; depth: number }> = []) {
  for (const node of nodes) {
    out.push({ path: node.id ?? null, title: node.title, depth });
    flatten(node.children, depth + 1, out);
  }
  return out;
}
