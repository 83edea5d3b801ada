import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { buildIndex, type BuildSummary } from '../ingest/build.js';
import { openEngine, type DocsEngine } from '../src/core/engine.js';
import { connectClient, textOf } from './helpers/fixture-index.js';
import { FIXTURE_PLAIN_DOCS, tempDir } from './helpers/fixtures.js';

// One index of the Lumen fixture (plain Markdown, no navigation files) for the whole file.
let engine: DocsEngine;
let client: Client;
let summary: BuildSummary;
let cleanup: () => Promise<void>;
let close: () => Promise<void>;

beforeAll(async () => {
  const work = await tempDir('wdm-plain-');
  cleanup = work.cleanup;
  summary = await buildIndex({ docsDir: FIXTURE_PLAIN_DOCS, changelogsDir: null, indexDir: `${work.dir}/index`, embedder: 'local', modelsDir: '' });
  engine = await openEngine(`${work.dir}/index`, { modelsDir: '' });
  ({ client, close } = await connectClient(engine));
});

afterAll(async () => {
  await close?.();
  await cleanup?.();
});

const contextOf = (docId: string) => [...new Set(engine.index.chunks.filter((c) => c.docId === docId).map((c) => JSON.stringify(c.context ?? [])))].map((c) => JSON.parse(c) as string[]);

describe('a docs folder without navigation files', () => {
  it('gives each chunk a breadcrumb of its folders, titled by their index pages or else by their title-cased names', () => {
    expect(contextOf('Guides/Getting-Started')).toEqual([['User Guides']]);
    expect(contextOf('Guides/alert-rules/Thresholds')).toEqual([['User Guides', 'Alert Rules']]);
    expect(contextOf('API/Ingest/Send-Points')).toEqual([['API Reference', 'Ingest']]);
    expect(contextOf('API/Rate-Limits')).toEqual([['API Reference']]);
    expect(contextOf('Integrations/Datadog')).toEqual([['Integrations']]);
    // A folder's index page heads its folder: nothing above it.
    expect(contextOf('Guides')).toEqual([[]]);
  });

  it('lists the docs as a tree of folders, each titled like its breadcrumb, with its pages and subfolders under it', async () => {
    const result = await client.callTool({ name: 'list_docs', arguments: {} });
    const entries = (result.structuredContent as { entries: Array<{ path: string | null; title: string; depth: number }> }).entries;
    expect(entries.map((e) => `${'  '.repeat(e.depth)}${e.title} (${e.path ?? '-'})`)).toEqual([
      'Lumen (index)',
      'API Reference (API)',
      '  Authentication (API/Authentication)',
      '  Ingest (-)',
      '    Send points (API/Ingest/Send-Points)',
      '  Rate limits (API/Rate-Limits)',
      '  Signing secrets (API/Signing-Secrets)',
      '  Webhooks (API/Webhooks)',
      'User Guides (Guides)',
      '  Getting started (Guides/Getting-Started)',
      '  Querying metrics (Guides/Querying-Metrics)',
      '  Alert Rules (-)',
      '    Notification channels (Guides/alert-rules/Notification-Channels)',
      '    Threshold alerts (Guides/alert-rules/Thresholds)',
      'Integrations (-)',
      '  Datadog (Integrations/Datadog)',
      '  Grafana (Integrations/Grafana)',
      '  Prometheus (Integrations/Prometheus)',
    ]);
  });

  it('narrows the folder tree by prefix to the folders and pages under it', async () => {
    const result = await client.callTool({ name: 'list_docs', arguments: { prefix: 'guides/alert-rules' } });
    const entries = (result.structuredContent as { entries: Array<{ path: string | null; title: string }> }).entries;
    expect(entries.map((e) => e.path)).toEqual(['Guides/alert-rules/Notification-Channels', 'Guides/alert-rules/Thresholds']);
  });
});

describe('titles and headings', () => {
  it('drop a logo image before a heading\'s text, in Markdown and in MDX', async () => {
    expect(engine.docs.resolve('Integrations/Datadog').doc.title).toBe('Datadog');
    expect(engine.docs.resolve('Integrations/Datadog').doc.sections.map((s) => s.heading)).toEqual([[], ['Forwarder setup']]);
    expect(engine.docs.resolve('Integrations/Prometheus').doc.title).toBe('Prometheus');
    const result = await client.callTool({ name: 'search_docs', arguments: { query: 'Datadog agent additional_endpoints forwarder', limit: 1 } });
    const [first] = (result.structuredContent as { results: Array<{ title: string; heading: string[] }> }).results;
    expect(first?.title).toBe('Datadog');
    expect(first?.heading.join(' ')).not.toMatch(/logo|icon/i);
  });
});

describe('HTML comments', () => {
  it('are dropped from an MDX page, which is indexed as MDX with no warning', () => {
    expect(summary.warnings.map((w) => w.path)).toEqual(['Integrations/Grafana.mdx']);
    expect(summary.files.fallback).toBe(1);
    const { markdown } = engine.docs.resolve('Integrations/Prometheus').doc;
    expect(markdown).toContain('Add a `remote_write` block');
    expect(markdown).toContain('Remote write sends every series');
    expect(markdown).not.toMatch(/TODO|relabelling options|<!--/);
  });

  it('are dropped from a Markdown page without taking the text around them', () => {
    const { markdown } = engine.docs.resolve('Guides/Querying-Metrics').doc;
    expect(markdown).toContain('Every query runs against one workspace.');
    expect(markdown).toContain('Label values are compared as strings.');
    expect(markdown).not.toMatch(/reviewed|a > b|-->|<!--/);
  });
});

describe('hyphenated header names', () => {
  it('rank the page that names the header above pages that only hold its words apart, with or without the X- prefix', async () => {
    for (const query of ['x-lumen-signature', 'Lumen-Signature', 'verify the X-LUMEN-SIGNATURE header']) {
      const result = await client.callTool({ name: 'search_docs', arguments: { query, limit: 3 } });
      const results = (result.structuredContent as { results: Array<{ path: string }> }).results;
      expect(results.map((r) => r.path), query).toContain('API/Signing-Secrets');
      expect(results[0]?.path, query).toBe('API/Webhooks');
      // The section's text is in the text block (structuredContent carries the fields alone).
      expect(textOf(result).split('\n## 2.')[0]).toContain('X-Lumen-Signature');
    }
  });
});

describe('search_docs at a limit above five', () => {
  it('search_docs gives the results after the fifth as previews that name what they leave out, and all of them whole with detail "full"', async () => {
    const query = 'send metrics with an API key and set alert rules';
    const auto = textOf(await client.callTool({ name: 'search_docs', arguments: { query, limit: 10 } }));
    const full = textOf(await client.callTool({ name: 'search_docs', arguments: { query, limit: 10, detail: 'full' } }));
    const parts = (text: string) => text.split(/\n\n(?=## \d+\. )/).slice(1);
    expect(parts(full).length).toBeGreaterThan(6);
    expect(parts(auto).slice(0, 5)).toEqual(parts(full).slice(0, 5));
    let previews = 0;
    const calls: string[] = [];
    parts(auto).slice(5).forEach((part, i) => {
      const whole = parts(full)[i + 5] ?? '';
      const note = /\n\n\[([\d,]+) more characters(?: with code \(([^)]*)\))?: get_doc path="[^"]+"(?: section="[^"]+")?\]$/.exec(part);
      if (!note) return expect(part).toBe(whole);
      previews++;
      calls.push(/: (get_doc [^\]]+)\]$/.exec(part)?.[1] ?? '');
      expect(part.length).toBeLessThan(whole.length);
      expect(part).not.toContain('```');
      if (/```/.test(whole)) expect(note[2]).toBeTruthy();
      // What is left is part of the whole text: more than nothing, less than all of it
      // (test/preview.test.ts checks the count exactly).
      const left = Number(note[1]?.replace(/,/g, ''));
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThan(whole.length);
    });
    expect(previews).toBeGreaterThan(0);
    // Each preview's get_doc call reads its section.
    for (const call of calls) {
      const [, path, section] = /get_doc path="([^"]+)"(?: section="([^"]+)")?/.exec(call) ?? [];
      const read = await client.callTool({ name: 'get_doc', arguments: { path, ...(section ? { section } : {}) } });
      expect(read.isError, call).toBeFalsy();
    }
  });
});
