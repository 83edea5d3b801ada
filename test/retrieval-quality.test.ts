import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../ingest/build.js';
import { docCentroids } from '../src/store/doc-centroids.js';
import { openEngine, type DocsEngine } from '../src/core/engine.js';
import { DEFAULT_RETRIEVER_PARAMS, Retriever, type RetrieverParams } from '../src/core/retriever.js';
import { formatSearch } from '../src/format.js';
import { LexicalIndex } from '../src/store/lexical.js';
import { VectorIndex } from '../src/store/vector-index.js';
import { navNames } from '../src/text/nav-labels.js';
import type { Chunk } from '../src/types.js';
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
    // "Kite Flying" is listed as the Kites product's "Quick Start"; other products have pages titled
    // "Quick Start". The label is lexical evidence: it is weighed here without the dense rankings,
    // whose embedding of a five-page corpus cannot tell these pages apart.
    const byWords = Retriever.fromIndex(engine.index, engine.embedder, { ...DEFAULT_RETRIEVER_PARAMS, denseWeight: 0, docCentroidWeight: 0 });
    const results = await byWords.search('kites quick start', { limit: 3 });
    expect(results[0]?.path).toBe('kites');
    expect(engine.index.lexical.docs.search('kites quick start', 1).map((s) => engine.index.docs[s.index]?.id)).toEqual(['kites']);
  });

  it('keeps every name the navigation gives a doc: each label, and the breadcrumbs above each', () => {
    const names = navNames(engine.index.navigation);
    expect(names.get('kites')).toEqual({ labels: ['Kites', 'Quick Start'], crumbs: ['Kites', 'Getting Started'] });
    expect(names.get('kites/line-tension')).toEqual({ labels: ['Line Tension'], crumbs: ['Kites', 'Getting Started'] });
  });
});

describe('a question in British spelling', () => {
  it('finds the page written in American spelling as the American question does', async () => {
    // "colour" is nowhere in the corpus: without its American spelling, the question is only
    // about kites, and the kites overview ranks first.
    const paths = async (q: string) => (await engine.retriever.search(q, { limit: 3 })).map((r) => r.path);
    expect((await paths('which colour should my kite be'))[0]).toBe('kites/colors');
    expect(await paths('which colour should my kite be')).toEqual(await paths('which color should my kite be'));
  });
});

describe('a word the question uses only in passing', () => {
  // "…and is it audited?": every page of the Logbook area repeats "audited" (and names spool keys
  // in passing); the Reels pages are about spool keys, one of them about rotating them.
  const question = 'how do I rotate a spool key, and is it audited?';
  const paths = async (params: Partial<RetrieverParams> = {}) =>
    (await Retriever.fromIndex(engine.index, engine.embedder, { ...DEFAULT_RETRIEVER_PARAMS, ...params }).search(question, { limit: 5 })).map((r) => r.path);
  const inLogbook = (paths: string[]) => paths.filter((p) => p === 'logbook' || p.startsWith('logbook/'));

  it('ranks the page about the question\'s subject first, above the pages that repeat the passing word', async () => {
    expect((await paths())[0]).toBe('reels/rotating-spool-keys');
  });

  it('does not let that word\'s product area, its overview page included, fill the rest of the results', async () => {
    // The sibling-page rule (tested on its own below) caps the area at three of five; with the
    // direction every vector shares taken out of the embedding, the area no longer needs it here.
    for (const maxPerFolder of [DEFAULT_RETRIEVER_PARAMS.maxPerFolder, 0]) {
      const shown = await paths({ maxPerFolder });
      expect(inLogbook(shown).length).toBeLessThanOrEqual(3);
      expect(shown.slice(1).some((p) => p.startsWith('reels/'))).toBe(true);
    }
  });
});

/** A chunk of a hand-made corpus: its heading is its anchor, its title its doc id. */
const chunk = (docId: string, anchor: string, text: string): Chunk => ({ id: `${docId}#${anchor}`, docId, url: `https://example.com/${docId}#${anchor}`, title: docId, heading: [anchor], anchor, text, hash: anchor });

/** A unit vector along the given direction. */
const v = (...x: number[]) => Float32Array.from(x, (y) => y / Math.hypot(...x));

/**
 * A retriever over hand-made chunks and vectors whose query embeds to `query`, ranking chunks by
 * BM25 over their text and by those vectors, without the doc-level lexical rankings.
 */
function handBuilt(chunks: Chunk[], docIds: string[], vectors: Float32Array[], query: Float32Array, params: Partial<RetrieverParams>, changelogPrefix?: string): Retriever {
  return new Retriever(
    {
      ...(changelogPrefix ? { changelogPrefix } : {}),
      chunks,
      docIds,
      vectors,
      vectorIndex: VectorIndex.build(vectors, 4),
      lexical: { chunks: LexicalIndex.build(chunks.map((c) => ({ title: '', heading: '', body: c.text }))), docs: LexicalIndex.build([]), fulltext: LexicalIndex.build([]) },
      embedder: { info: { kind: 'local', model: 'fixed', dimension: 4, params: {} }, embedPassages: async () => [], embedQuery: async () => query },
    },
    { ...DEFAULT_RETRIEVER_PARAMS, docLexicalWeight: 0, docFulltextWeight: 0, ...params },
  );
}

describe('the nearest pages when a filter leaves out the nearest chunks', () => {
  // Ten pages at falling cosine to the question, and other chunks nearer than any of them.
  const pages = Array.from({ length: 10 }, (_, i) => chunk(`guides/page-${i}`, 'intro', `Page ${i}.`));
  const nearer = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => chunk(`${prefix}/entry-${i}`, 'intro', `Entry ${i}.`));
  const rank = (c: Chunk) => Number(/\d+$/.exec(c.docId)?.[0]);
  const vectorsOf = (chunks: Chunk[]) => chunks.map((c) => (c.docId.startsWith('guides/') ? v(1, 0.3 + 0.1 * rank(c), 0, 0) : v(1, 0.01 * rank(c), 0, 0)));
  const retriever = (chunks: Chunk[], params: Partial<RetrieverParams>, changelogPrefix?: string) =>
    handBuilt(chunks, chunks.map((c) => c.docId), vectorsOf(chunks), v(1, 0, 0, 0), { lexicalWeight: 0, docWeight: 0, docCentroidWeight: 0, ...params }, changelogPrefix);

  it('ranks the pages nearest first and no changelog entry, however many of the nearest candidates the entries are', async () => {
    const chunks = [...nearer('changelog', 10), ...pages];
    const search = (candidates: number, limit: number) => retriever(chunks, { candidates }, 'changelog').search('how does it work', { limit });
    // 4 candidates: the graph's nearest 11 (the 10 entries and 4/4 more) hold one page.
    expect((await search(4, 1)).map((r) => r.path)).toEqual(['guides/page-0']);
    // 8 candidates: the nearest 12 (10 + 8/4) hold two pages; the nearest 11 would hold one, the nearest 8 none.
    expect((await search(8, 2)).map((r) => r.path)).toEqual(['guides/page-0', 'guides/page-1']);
    // 12 candidates (limit 3 asks for 4 per result): the nearest 13 hold three pages.
    expect((await search(12, 3)).map((r) => r.path)).toEqual(['guides/page-0', 'guides/page-1', 'guides/page-2']);
  });

  it('walks the graph past the chunks a section filter leaves out when they are more than four times the candidates', async () => {
    // 1 candidate, limit 1: 4 asked for, 20 left out, and the filter too wide for an exact scan
    // (exactBelow 0). The graph's 16 nearest hold no page.
    const search = retriever([...nearer('reference', 20), ...pages], { candidates: 1, exactBelow: 0 }).search('how does it work', { limit: 1, section: 'guides' });
    expect((await search).map((r) => r.path)).toEqual(['guides/page-0']);
  });
});

describe('the page about the question as a whole', () => {
  // A guide with one section on winding a reel among unrelated ones, and a reference page whose two
  // sections are both about it. The chunk rankings split exactly (the guide's section wins on words,
  // the reference's intro on meaning); what the pages are about as a whole should decide.
  const chunks = [
    chunk('guide', 'choosing-a-spot', 'Pick open grass away from trees.'),
    chunk('guide', 'lowering', 'Walk towards the kite so that it sinks.'),
    chunk('guide', 'winding', 'Wind the line onto the reel, wind the line evenly onto the reel.'),
    chunk('guide', 'packing', 'Fold the sail and keep it dry.'),
    chunk('reference', 'rewind', 'Rewind takes the line in onto the reel.'),
    chunk('reference', 'parameters', 'Distance and speed of the rewind.'),
  ];
  const vectors = [v(0, 1, 0, 0), v(0, 0, 1, 0), v(0.8, 0.6, 0, 0), v(0, 0, 0, 1), v(0.85, 0, 0.527, 0), v(0.7, 0, 0, 0.714)];
  const query = v(1, 0, 0, 0);
  const retriever = (docCentroidWeight: number) => handBuilt(chunks, ['guide', 'reference'], vectors, query, { docCentroidWeight });

  it('ranks the page whose sections all answer the question above a guide with one matching section', async () => {
    const results = await retriever(DEFAULT_RETRIEVER_PARAMS.docCentroidWeight).search('wind the line onto the reel', { limit: 2 });
    expect(results.map((r) => r.path)).toEqual(['reference', 'guide']);
    // Without the doc-level centroid the tie goes to the guide: the centroid is what decides.
    expect((await retriever(0).search('wind the line onto the reel', { limit: 1 }))[0]?.path).toBe('guide');
  });

  it('takes a doc centroid as the normalised sum of its chunks vectors, and zeros for a doc without chunks', () => {
    const centroids = docCentroids(chunks, vectors, ['guide', 'reference', 'empty']);
    const sum = [0, 1, 2, 3].map((k) => (vectors[4]?.[k] ?? 0) + (vectors[5]?.[k] ?? 0));
    const expected = sum.map((x) => x / Math.hypot(...sum));
    expect(Array.from(centroids.slice(4, 8))).toEqual(expected.map((x) => expect.closeTo(x, 6)));
    expect(Array.from(centroids.slice(8, 12))).toEqual([0, 0, 0, 0]);
  });
});

describe('the section of a page that answers', () => {
  // An SDK README: its introduction names the package three times, so the ranking by the code
  // identifiers the question names (`Kite.js`) puts it first, and so does BM25F; the section that
  // answers ("keep routes tethered") is only first by meaning. The doc-level evidence is the same
  // for every section of the README, so which section is shown is decided by the chunk rankings.
  const chunks = [
    chunk('sdk/kite-js', 'introduction', 'Kite.js is the Kite.js library: Kite.js for flying apps.'),
    chunk('sdk/kite-js', 'install', 'Install Kite.js with npm and add the reel.'),
    chunk('sdk/kite-js', 'tethered-routes', 'To keep routes tethered, wrap them in tetherGuard; routes listed in openPaths fly free.'),
    chunk('boats', 'sails', 'Hoist the sails before leaving the harbour.'),
  ];
  const vectors = [v(0.6, 0.8, 0, 0), v(0.3, 0, 0.95, 0), v(0.9, 0, 0, 0.44), v(0, 0, 0, 1)];
  const query = v(1, 0, 0, 0);
  const retriever = (sectionLexicalShare: number) => handBuilt(chunks, ['sdk/kite-js', 'boats'], vectors, query, { sectionLexicalShare });

  it('shows the section that best matches the question first, not the one the identifiers rank first', async () => {
    const question = 'how do I keep routes tethered with Kite.js';
    const results = await retriever(DEFAULT_RETRIEVER_PARAMS.sectionLexicalShare).search(question, { limit: 2, maxPerDoc: 2 });
    expect(results.map((r) => `${r.path}#${r.heading.join('')}`)).toEqual(['sdk/kite-js#tethered-routes', 'sdk/kite-js#introduction']);
    expect(results[0]?.score).toBeGreaterThanOrEqual(results[1]?.score ?? Infinity);
    // The doc keeps its place: only which of its sections fills it changes. Ordered by the fused
    // score alone (share -1), the introduction is shown first.
    expect((await retriever(-1).search(question, { limit: 1 }))[0]?.heading).toEqual(['introduction']);
  });

  it('shows a page once by default and names its other sections that ranked above the last result, in their order', async () => {
    const question = 'how do I keep routes tethered with Kite.js';
    const results = await retriever(DEFAULT_RETRIEVER_PARAMS.sectionLexicalShare).search(question, { limit: 2 });
    expect(results.map((r) => r.path)).toEqual(['sdk/kite-js', 'boats']);
    expect(results[0]?.heading).toEqual(['tethered-routes']);
    // Its two other sections outrank the boats page: they are named, best first, with their URLs.
    expect(results[0]?.more?.map((m) => m.url)).toEqual(['https://example.com/sdk/kite-js#introduction', 'https://example.com/sdk/kite-js#install']);
    expect(results[1]?.more).toBeUndefined();
    const text = formatSearch(question, results);
    expect(text).toContain('\n\nAlso matching on this page (get_doc): introduction (section="introduction") · install (section="install")\n\n## 2. boats > sails');
  });
});

describe('a short page that is the exact answer', () => {
  // A one-section reference page on the rewind call, and a long guide two of whose six sections say
  // the same words (and embed exactly as the reference does) among other things. Neither the words
  // nor the sections' meaning tell them apart; the guide matches in more places.
  const guide = ['launch', 'climb', 'turns', 'landing', 'packing', 'storage'].map((a, i) =>
    chunk('guide', a, `Step ${i + 1} of the flight. ${a === 'landing' || a === 'packing' ? 'Rewind the line onto the reel as you walk.' : 'Keep the line taut and watch the wind.'}`),
  );
  const chunks = [...guide, chunk('reference/rewind', 'rewind', 'Rewind the line onto the reel as you walk.')];
  const docIds = ['guide', 'reference/rewind'];
  const answer = v(0.9, 0.1, 0.3, 0);
  const vectors = [...guide.map((c) => (c.anchor === 'landing' || c.anchor === 'packing' ? answer : v(0, 0.3, 0.4, 0.8))), answer];
  const retriever = (docCentroidWeight: number) => handBuilt(chunks, docIds, vectors, v(1, 0.2, 0.3, 0), { docCentroidWeight });

  it('ranks the short exact page above a long page that mentions the same words in several sections', async () => {
    const results = await retriever(DEFAULT_RETRIEVER_PARAMS.docCentroidWeight).search('rewind the line onto the reel', { limit: 2 });
    expect(results.map((r) => r.path)).toEqual(['reference/rewind', 'guide']);
    // What the page is about as a whole decides: without the centroids the long page comes first.
    expect((await retriever(0).search('rewind the line onto the reel', { limit: 1 }))[0]?.path).toBe('guide');
  });
});

describe('pages of one folder (a course\'s lessons, provider guides written from one template)', () => {
  // Six lessons of a course say the same words as the question, and embed alike; the page that
  // defines the terms says them once and ranks seventh on every ranking.
  const lessons = [1, 2, 3, 4, 5, 6].map((n) => chunk(`course/lesson-${n}`, 'setup', `Lesson ${n}: paste the reel key and the spool id into the kite settings, reel key and spool id both.`));
  const glossary = chunk('glossary', 'reel-key', 'Terms used across the docs: a reel key names the reel that holds the line, and a spool id one of its spools, as the weather, wind and tide tables name theirs.');
  const chunks = [...lessons, glossary];
  const docIds = chunks.map((c) => c.docId);
  const vectors = [...lessons.map((_, i) => v(1, 0.05 * i, 0, 0)), v(1, 0.8, 0.6, 0)];
  const retriever = (maxPerFolder: number) => handBuilt(chunks, docIds, vectors, v(1, 0, 0, 0), { maxPerFolder, docCentroidWeight: 0 });
  const question = 'what are the reel key and the spool id';

  it('fill at most three of any five results, so that the page from elsewhere shows', async () => {
    const paths = async (limit: number, maxPerFolder = DEFAULT_RETRIEVER_PARAMS.maxPerFolder) => (await retriever(maxPerFolder).search(question, { limit })).map((r) => r.path);
    expect(await paths(5)).toEqual(['course/lesson-1', 'course/lesson-2', 'course/lesson-3', 'glossary', 'course/lesson-4']);
    // Without the rule the lessons fill the list.
    expect(await paths(5, 0)).not.toContain('glossary');
    // Nothing is lost: with room for every page, the held-back lessons follow in their order.
    expect(await paths(10)).toEqual(['course/lesson-1', 'course/lesson-2', 'course/lesson-3', 'glossary', 'course/lesson-4', 'course/lesson-5', 'course/lesson-6']);
    // The first results are the same whatever the limit, so a longer list begins as a shorter one.
    expect((await paths(10)).slice(0, 5)).toEqual(await paths(5));
  });

  it('still name their other matching sections when they are held back', async () => {
    // Lesson 4 has a second section that matches: while the lesson waits for its place, that
    // section must be named with it, as for any page shown once.
    const extra = chunk('course/lesson-4', 'recap', 'Recap: the reel key and the spool id go into the kite settings.');
    const all = [...lessons.slice(0, 4), extra, ...lessons.slice(4), glossary];
    const vectorsOf = [...vectors.slice(0, 4), v(1, 0.17, 0, 0), ...vectors.slice(4)];
    const results = await handBuilt(all, [...new Set(all.map((c) => c.docId))], vectorsOf, v(1, 0, 0, 0), { docCentroidWeight: 0 }).search(question, { limit: 5 });
    const held = results.find((r) => r.path === 'course/lesson-4');
    expect(results.map((r) => r.path).indexOf('course/lesson-4')).toBe(4);
    expect([held?.anchor, ...(held?.more ?? []).map((m) => m.anchor)].sort()).toEqual(['recap', 'setup']);
  });

  // Chunks in the order both rankings give them: the same words (BM25 ties go to the lower
  // chunk) and vectors a little further from the question each; no doc-level rankings, so a
  // page's first section lends its later ones nothing.
  const inOrder = (list: Array<[string, string]>) => {
    const made = list.map(([doc, anchor]) => chunk(doc, anchor, 'the reel key and the spool id'));
    return (params: Partial<RetrieverParams> = {}) =>
      handBuilt(made, [...new Set(made.map((c) => c.docId))], made.map((_, i) => v(1, 0.01 * i, 0, 0)), v(1, 0, 0, 0), { docCentroidWeight: 0, docWeight: 0, ...params });
  };
  const pages = (...docs: string[]) => docs.map((d): [string, string] => [d, 'setup']);

  it('count the last five results, so a sibling goes in again once two other pages have', async () => {
    const ordered = inOrder(pages('guides/s1', 'guides/s2', 'guides/s3', 'guides/s4', 'guides/s5', 'x1', 'x2', 'x3'));
    const paths = async (params: Partial<RetrieverParams>) => (await ordered(params).search('reel key', { limit: 8 })).map((r) => r.path);
    expect(await paths({})).toEqual(['guides/s1', 'guides/s2', 'guides/s3', 'x1', 'x2', 'guides/s4', 'guides/s5', 'x3']);
    expect(await paths({ folderWindow: 4 })).toEqual(['guides/s1', 'guides/s2', 'guides/s3', 'x1', 'guides/s4', 'guides/s5', 'x2', 'x3']);
  });

  it('count pages, not sections, when several sections of a page are asked for', async () => {
    const ordered = inOrder([['guides/s1', 'a'], ['guides/s1', 'b'], ['guides/s1', 'c'], ...pages('guides/s2', 'guides/s3', 'guides/s4', 'x1')]);
    const results = await ordered().search('reel key', { limit: 6, maxPerDoc: 3 });
    // A page's own sections do not hold it back, and count once against its siblings: s4 would be
    // the fourth page of the folder among five results.
    expect(results.map((r) => `${r.path}#${r.anchor}`)).toEqual(['guides/s1#a', 'guides/s1#b', 'guides/s1#c', 'guides/s2#setup', 'guides/s3#setup', 'x1#setup']);
  });

  it('name only the other sections ranked above the last result, even when a section filter leaves one folder', async () => {
    const ordered = inOrder([...pages('guides/s1', 'guides/s2', 'guides/s3', 'guides/s4', 'guides/s5'), ['guides/s1', 'extra'], ['guides/s2', 'extra']]);
    // s4 and s5 wait, the extra sections below them are passed on the way, and then s4 and s5 fill
    // the list: the extra sections rank below the last result, so they are not named.
    const results = await ordered().search('reel key', { limit: 5, section: 'guides' });
    expect(results.map((r) => r.path)).toEqual(['guides/s1', 'guides/s2', 'guides/s3', 'guides/s4', 'guides/s5']);
    expect(results.flatMap((r) => r.more ?? [])).toEqual([]);
    // With room for them, the extra sections rank above the last result and are named.
    const all = await ordered().search('reel key', { limit: 10, section: 'guides', maxPerDoc: 1 });
    expect(all.map((r) => r.path)).toEqual(['guides/s1', 'guides/s2', 'guides/s3', 'guides/s4', 'guides/s5', 'guides/s1', 'guides/s2']);
  });

  it('count a page whose subpages are all in deeper folders with its own siblings, not as an overview', async () => {
    // sdk/node's pages are in sdk/node/actions, none directly in sdk/node: it is one of the SDK
    // pages of sdk, so sdk/ruby, a fourth of them among five results, waits.
    const ordered = inOrder(pages('sdk/python', 'sdk/go', 'sdk/node', 'sdk/ruby', 'sdk/node/actions/list', 'x1'));
    const results = await ordered().search('reel key', { limit: 6 });
    expect(results.map((r) => r.path)).toEqual(['sdk/python', 'sdk/go', 'sdk/node', 'sdk/node/actions/list', 'x1', 'sdk/ruby']);
  });

  it('leave pages at the top level, which have no folder, as they rank', async () => {
    const flat = lessons.map((c, i) => ({ ...c, docId: `lesson-${i + 1}` }));
    const results = await handBuilt([...flat, glossary], [...flat, glossary].map((c) => c.docId), vectors, v(1, 0, 0, 0), { docCentroidWeight: 0 }).search(question, { limit: 5 });
    expect(results.map((r) => r.path)).toEqual(['lesson-1', 'lesson-2', 'lesson-3', 'lesson-4', 'lesson-5']);
  });
});
