import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../ingest/build.js';
import { openEngine, type DocsEngine } from '../src/core/engine.js';
import { navNames } from '../src/text/nav-labels.js';
import { ROOT, tempDir } from './helpers/fixtures.js';

// A corpus written for the failure classes of retrieval quality (issue 12): each doc exists to
// exercise one of them. See test/fixtures/retrieval-quality/docs.
const DOCS = path.join(ROOT, 'test', 'fixtures', 'retrieval-quality', 'docs');
let work: Awaited<ReturnType<typeof tempDir>>;
let engine: DocsEngine;

beforeAll(async () => {
  work = await tempDir();
  const indexDir = path.join(work.dir, 'index-data');
  await buildIndex({ docsDir: DOCS, changelogsDir: null, indexDir, embedder: 'local', modelsDir: path.join(work.dir, 'models') });
  engine = await openEngine(indexDir, { modelsDir: '' });
});
afterAll(async () => work.cleanup());

describe('the page the user names', () => {
  it('finds a product page by its navigation label when its title says something else', async () => {
    // "Kite Flying" is listed as the Kites product's "Quick Start"; other products have pages titled "Quick Start".
    const results = await engine.retriever.search('kites quick start', { limit: 3 });
    expect(results[0]?.path).toBe('kites');
  });

  it('keeps every name the navigation gives a doc: each label, and the breadcrumbs above each', () => {
    const names = navNames(engine.index.navigation);
    expect(names.get('kites')).toEqual({ labels: ['Kites', 'Quick Start'], crumbs: ['Kites', 'Getting Started'] });
    expect(names.get('kites/line-tension')).toEqual({ labels: ['Line Tension'], crumbs: ['Kites', 'Getting Started'] });
  });
});
