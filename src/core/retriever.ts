import type { Chunk, SearchResult } from '../types.js';
import type { Embedder } from '../embed/types.js';
import type { LexicalIndex } from '../store/lexical.js';
import type { LexicalIndexes } from '../store/lexical-indexes.js';
import type { LoadedIndex } from '../store/load.js';
import { identifiers, tokenize } from '../text/tokenize.js';
import { underPrefix } from '../ids.js';
import { FusionState, Marks } from './fusion-state.js';
import { docCentroids, rankByCentroid } from '../store/doc-centroids.js';
import type { VectorIndex } from '../store/vector-index.js';
import type { PackedStrings } from '../store/string-table.js';

/**
 * Hybrid retrieval: the query is embedded with the index's own embedder and searched in the HNSW
 * index, and separately scored by BM25F; the two rankings are fused by weighted reciprocal rank.
 * Results are capped per doc so that one long page cannot crowd out the rest.
 */
export interface RetrieverParams {
  /**
   * Candidates taken from each ranking before fusion. 80 gave the same figures as 120 on every
   * question set, as means over five seeds of the local embedder, and saves a seventh of a search
   * (fewer neighbours to find in the graph, fewer postings to rank); 60 lost code questions.
   */
  candidates: number;
  rrfK: number;
  lexicalWeight: number;
  denseWeight: number;
  /** Weight of the doc-level rankings (each doc ranked by its best chunk) added to the chunk-level fusion. */
  docWeight: number;
  /**
   * Depth of the doc-level lexical rankings (title/description/headings, whole text), or the
   * limit when larger: below it their reciprocal ranks add little, and 120 deep measured no
   * better than 40 on any question set.
   */
  docCandidates: number;
  /** Weight of the doc-level lexical ranking (title, description, headings). */
  docLexicalWeight: number;
  /** Weight of the doc-level lexical ranking over each doc's whole text. */
  docFulltextWeight: number;
  /** Weight of the doc-level ranking by each doc's centroid vector (the mean of its chunks'), among the candidates' docs. */
  docCentroidWeight: number;
  /** Weight of the ranking by exact code identifiers in the query (method, event, error names). */
  identifierWeight: number;
  /** Fused scores of package-source chunks (SDK READMEs, method pages) are multiplied by this beside docs sources. */
  packageWeight: number;
  /** At most this many sections of one doc among the results, unless nothing else is relevant. */
  maxPerDoc: number;
  /**
   * Sibling pages (docs in one folder, such as a course's lessons or a set of provider guides
   * written from one template): at most this many of them among any `folderWindow` consecutive
   * results, unless nothing else is relevant; 0: no limit. A doc with pages directly under it
   * (`logbook` beside `logbook/export`) is that folder's overview and counts with them; other docs
   * at the top level have no folder.
   */
  maxPerFolder: number;
  folderWindow: number;
  /** A section filter matching at most this many chunks is searched exactly instead of via HNSW. */
  exactBelow: number;
  /**
   * How a doc's sections are ordered among its places in the results: the share of BM25F (the rest
   * is cosine) in their own match to the question. Negative: by their fused score, as the doc-level
   * rankings leave them.
   */
  sectionLexicalShare: number;
}

/**
 * Words that ask what changed, when, or in which version: a query with one of them is about
 * changes, and the changelog's pages are searched with the rest. Generic English, not any
 * product's vocabulary.
 */
const CHANGE_WORDS = new RegExp(
  [
    "what('s| is| has| have)? (changed|new)",
    'changelog',
    'releas(e|es|ed)\\b',
    'deprecat\\w*',
    'announc\\w*',
    'launch(ed|es)?',
    'introduced',
    'breaking changes?',
    'new in',
    'since (when|which|v|version|\\d)',
    '(in|as of) v(ersion)? ?\\d',
    'versions? \\d',
    'which (\\w+ )?versions? (added|introduced|removed|changed|fixed|dropped)',
    'latest (release|version|changes?|updates?)',
    '(added|introduced|removed|released|shipped|fixed|changed) (\\w+ ){0,3}recently',
    'recent(ly)? (changes|releases|updates|added|introduced|released|shipped|fixed)',
    '(is|was|been|get|got) (that |this |it )?(fixed|removed)',
    '(bug|issue|crash|regression)\\w* (\\w+ ){0,2}(fixed|resolved)',
    'when (was|were|did|will)\\b.{0,80}\\b(add|ship|launch|releas|support|introduc|remov|deprecat)\\w*',
    'shipped',
    'upgrad(e|ing) (to|from)',
  ]
    .map((p) => `\\b${p}`)
    .join('|'),
  'i',
);

export function asksAboutChanges(query: string): boolean {
  return CHANGE_WORDS.test(query);
}

export const DEFAULT_RETRIEVER_PARAMS: RetrieverParams = {
  candidates: 80,
  rrfK: 60,
  lexicalWeight: 1,
  denseWeight: 1,
  docWeight: 1,
  docCandidates: 40,
  docLexicalWeight: 0.5,
  docFulltextWeight: 0.5,
  docCentroidWeight: 1.25,
  identifierWeight: 1,
  packageWeight: 0.9,
  maxPerDoc: 1,
  maxPerFolder: 3,
  folderWindow: 5,
  exactBelow: 3000,
  sectionLexicalShare: 0.3,
};

/** How an SDK method's docs page names it: "SDK page: `sdk/…`" on its Node line. */
const SDK_PAGE = 'SDK page: `';

/** The most results one search returns, whatever the caller asks for. */
export const MAX_SEARCH_LIMIT = 100;

export interface SearchOptions {
  /** 1 to MAX_SEARCH_LIMIT, default 5. */
  limit?: number;
  /** Sections of one doc at most among the results; default the retriever's `maxPerDoc`. */
  maxPerDoc?: number;
  /** Only docs whose id is this prefix or under it (`sso`, `reference/authkit`). */
  section?: string;
}

export interface RetrieverParts {
  chunks: Chunk[];
  /** The chunks' texts as the index keeps them: lets a scan for a phrase skip decoding every text. */
  chunkTexts?: Pick<PackedStrings, 'containing'>;
  /** Doc ids in the order of the doc-level lexical indexes. */
  docIds: string[];
  vectors: Float32Array[];
  /** docCentroids(chunks, vectors, docIds), when the index stores them; computed otherwise. */
  docCentroids?: Float32Array;
  vectorIndex: VectorIndex;
  /** chunks: one entry per chunk; docs (title, description, headings) and fulltext (whole text): one per doc, in `docIds` order. */
  lexical: LexicalIndexes;
  embedder: Embedder;
  /** Doc id prefixes of the package sources (SDK READMEs and method pages), ranked below the docs by `packageWeight`. */
  packagePrefixes?: string[];
  /** The id prefix of the changelog's pages: searched when the query asks about changes or the section names them. */
  changelogPrefix?: string;
}

/** What search reads of an index (not the docs' markdown, which serving loads on first use). */
export type SearchableIndex = Pick<LoadedIndex, 'chunks' | 'docIds' | 'vectors' | 'vectorIndex' | 'lexical'> & Partial<Pick<LoadedIndex, 'docCentroids' | 'chunkTexts'>> & { manifest?: Pick<LoadedIndex['manifest'], 'sources' | 'changelogPrefix'> };

interface Candidate {
  index: number;
  score: number;
}

export class Retriever {
  private readonly centroids: Float32Array;
  /** Per chunk, its doc's row in `docIds` (-1 for a doc not listed). */
  private readonly chunkDocRow: Int32Array;

  constructor(
    private readonly parts: RetrieverParts,
    readonly params: RetrieverParams = DEFAULT_RETRIEVER_PARAMS,
  ) {
    // An index stores its centroids (computing them took about 8 ms of a server's start-up).
    this.centroids = params.docCentroidWeight > 0 ? (parts.docCentroids ?? docCentroids(parts.chunks, parts.vectors, parts.docIds)) : new Float32Array(0);
    const row = new Map(parts.docIds.map((id, i) => [id, i]));
    this.chunkDocRow = Int32Array.from(parts.chunks, (c) => row.get(c.docId) ?? -1);
    const prefixes = parts.packagePrefixes ?? [];
    this.fromPackage = Uint8Array.from(parts.chunks, (c) => (prefixes.some((p) => underPrefix(c.docId, p)) ? 1 : 0));
    this.hasPackages = this.fromPackage.includes(1);
    const changes = parts.changelogPrefix;
    this.fromChangelog = Uint8Array.from(parts.chunks, (c) => (changes && underPrefix(c.docId, changes) ? 1 : 0));
    this.hasChangelog = this.fromChangelog.includes(1);
  }

  /** 1 for chunks of the changelog's pages (see RetrieverParts.changelogPrefix). */
  private readonly fromChangelog: Uint8Array;
  private readonly hasChangelog: boolean;

  /** 1 for chunks of package sources (see RetrieverParts.packagePrefixes). */
  private readonly fromPackage: Uint8Array;
  /** Whether any chunk comes from a package source (decided once, not per search). */
  private readonly hasPackages: boolean;

  /**
   * A docs page and the SDK method page it links to describe the same endpoint: when both are
   * candidates and the SDK page ranks first, the docs page moves up to just before it (the docs
   * answer, the SDK page gives the code), keeping the SDK page's place otherwise.
   */
  private docsBeforeTheirSdkPages(ranked: Candidate[]): Candidate[] {
    if (!this.hasPackages) return ranked;
    const f = this.fusion as FusionState;
    const companion = (this.companionRows ??= this.companionsByRow(f));
    // By the fusion's doc rows: which docs the ranking holds at all, and which of them the walk
    // down it has met.
    const held = (this.heldDocs ??= new Marks(f.rowOfDoc.size));
    const met = (this.metDocs ??= new Marks(f.rowOfDoc.size));
    held.clear();
    met.clear();
    for (const c of ranked) held.add(f.rowOfChunk[c.index] as number);
    let out: Candidate[] | undefined;
    for (let i = 0; i < ranked.length; i++) {
      const list = out ?? ranked;
      const c = list[i] as Candidate;
      const row = f.rowOfChunk[c.index] as number;
      met.add(row);
      if (!this.fromPackage[c.index]) continue;
      const docs = companion[row] as number;
      // The docs page ranks below its SDK page: it moves up to just before it.
      if (docs < 0 || met.has(docs) || !held.has(docs)) continue;
      out ??= [...ranked];
      let at = i + 1;
      while (at < out.length && f.rowOfChunk[(out[at] as Candidate).index] !== docs) at++;
      const [moved] = out.splice(at, 1);
      if (!moved) continue;
      out.splice(i, 0, { index: moved.index, score: Math.max(moved.score, c.score) });
      met.add(docs);
      i++; // the SDK page, now one further down, has been met
    }
    return out ?? ranked;
  }

  /**
   * Per fusion doc row, the row of the docs page that names it ("SDK page: `…`" on its Node
   * line), else -1. Found on first use, from the chunks that hold the phrase.
   */
  private companionsByRow(f: FusionState): Int32Array {
    const out = new Int32Array(f.rowOfDoc.size).fill(-1);
    const chunks = this.parts.chunks;
    const holders = this.parts.chunkTexts?.containing(SDK_PAGE) ?? chunks.flatMap((c, i) => (c.text.includes(SDK_PAGE) ? [i] : []));
    for (const i of holders) {
      const c = chunks[i] as Chunk;
      for (const [, id] of c.text.matchAll(/SDK page: `([^`]+)`/g)) {
        const sdk = id === undefined ? undefined : f.rowOfDoc.get(id);
        if (sdk !== undefined && out[sdk] === -1) out[sdk] = f.rowOfChunk[i] as number;
      }
    }
    return out;
  }

  private companionRows?: Int32Array;
  /** See docsBeforeTheirSdkPages. */
  private heldDocs?: Marks;
  private metDocs?: Marks;

  /** The retriever of an index, querying with `embedder` (the one the index was built with). */
  static fromIndex(index: SearchableIndex, embedder: Embedder, params: RetrieverParams = DEFAULT_RETRIEVER_PARAMS): Retriever {
    const { chunks, chunkTexts, vectors, docCentroids, vectorIndex, lexical } = index;
    const sources = index.manifest?.sources ?? [];
    // Package sources beside docs sources: the docs answer first, an SDK page when it is clearly the better answer.
    const packagePrefixes = sources.some((s) => s.kind !== 'npm-package') ? sources.filter((s) => s.kind === 'npm-package' && s.prefix).map((s) => s.prefix) : [];
    const changelogPrefix = index.manifest?.changelogPrefix;
    return new Retriever({ chunks, ...(chunkTexts ? { chunkTexts } : {}), docIds: index.docIds, vectors, ...(docCentroids ? { docCentroids } : {}), vectorIndex, lexical, embedder, packagePrefixes, ...(changelogPrefix ? { changelogPrefix } : {}) }, params);
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchResult[]> {
    const limit = Math.max(1, Math.min(options.limit ?? 5, MAX_SEARCH_LIMIT));
    const text = query.trim();
    if (!text) return [];
    const allow = this.withoutChanges(sectionFilter(this.parts.chunks, options.section), text, options.section);
    const n = Math.max(this.params.candidates, limit * 4);
    // One tokenization serves the three lexical indexes.
    const tokens = tokenize(text);
    const lexical = this.parts.lexical.chunks.search(this.parts.lexical.chunks.termsOf(tokens), n, allow?.test);
    const embedder = this.parts.embedder;
    const queryVector = embedder.embedTokens ? embedder.embedTokens(tokens) : await embedder.embedQuery(text);
    const dense = this.dense(queryVector, n, allow);
    const exactIds = this.identifierRanking(text, n, allow);
    const docRankings = this.docLevel(tokens, Math.max(this.params.docCandidates, limit), allow);
    const centroid = this.centroidRanking(queryVector, [lexical, dense, exactIds]);
    if (centroid) docRankings.push(centroid);
    const fused = this.bestSectionsFirst(this.docsBeforeTheirSdkPages(this.fuse(lexical, dense, docRankings, exactIds)), limit, queryVector, lexical, dense);
    return this.diversify(fused, limit, options.maxPerDoc ?? this.params.maxPerDoc);
  }

  /**
   * Each ranking the fusion combines, as distinct doc ids in its order with its weight: what
   * `eval --explain` shows for a miss, to see which ranking found the answer and which buried it.
   */
  async explain(query: string, depth = 50): Promise<Array<{ ranking: string; weight: number; docs: string[] }>> {
    const text = query.trim();
    if (!text) return [];
    const n = Math.max(this.params.candidates, depth);
    const docsOf = (ranking: Candidate[]) => [...new Set(ranking.map((c) => this.parts.chunks[c.index]?.docId ?? ''))].slice(0, depth);
    const { lexicalWeight, denseWeight, identifierWeight } = this.params;
    const out = [
      { ranking: 'chunk BM25F', weight: lexicalWeight, docs: docsOf(this.parts.lexical.chunks.search(text, n)) },
      { ranking: 'chunk dense', weight: denseWeight, docs: docsOf(this.dense(await this.parts.embedder.embedQuery(text), n, undefined)) },
      { ranking: 'identifiers', weight: identifierWeight, docs: docsOf(this.identifierRanking(text, n, undefined)) },
    ];
    const { docLexicalWeight: docLexical, docFulltextWeight: docFulltext, docCentroidWeight } = this.params;
    // As deep as search ranks them (docCandidates, at eval's depth), so a rank shown is a rank that counts.
    const docRankings = this.docLevel(tokenize(text), this.params.docCandidates);
    const ids = (rows: number[] | undefined) => (rows ?? []).slice(0, depth).map((r) => this.parts.docIds[r] ?? '');
    if (docLexical > 0) out.push({ ranking: 'doc title/description/headings', weight: docLexical, docs: ids(docRankings.shift()?.[0]) });
    if (docFulltext > 0) out.push({ ranking: 'doc whole text', weight: docFulltext, docs: ids(docRankings.shift()?.[0]) });
    const all = this.parts.docIds.map((_, i) => i);
    const dimension = this.parts.vectors[0]?.length ?? 0;
    if (docCentroidWeight > 0 && dimension > 0) {
      const ranked = rankByCentroid(this.centroids, dimension, await this.parts.embedder.embedQuery(text), all);
      out.push({ ranking: 'doc centroid (all docs)', weight: docCentroidWeight, docs: ranked.slice(0, depth).map((r) => this.parts.docIds[r] ?? '') });
    }
    return out;
  }

  /**
   * The docs of the candidate chunks, ranked by their centroid's cosine to the query: which of the
   * pages found is about the question as a whole. Only docs with a candidate chunk can gain from a
   * doc-level ranking, so the cost grows with the candidates, not with the corpus.
   */
  private centroidRanking(query: Float32Array, rankings: Candidate[][]): [number[], number] | undefined {
    const weight = this.params.docCentroidWeight;
    const dimension = this.parts.vectors[0]?.length ?? 0;
    if (!(weight > 0) || dimension === 0 || !query.some((x) => x !== 0)) return undefined;
    // The candidates' doc rows, each once, in the order first met.
    const taken = (this.candidateDocs ??= new Marks(this.parts.docIds.length));
    taken.clear();
    const rows: number[] = [];
    for (const ranking of rankings) {
      for (const c of ranking) {
        const row = this.chunkDocRow[c.index] as number;
        if (row >= 0 && !taken.has(row)) {
          taken.add(row);
          rows.push(row);
        }
      }
    }
    return [rankByCentroid(this.centroids, dimension, query, rows), weight];
  }

  /** The docs centroidRanking has taken in this search. */
  private candidateDocs?: Marks;

  /** Chunks holding the query's code identifiers as whole tokens, most prominent first. */
  private identifierRanking(query: string, n: number, allow: Filter | undefined): Candidate[] {
    const ids = identifiers(query);
    if (ids.length === 0 || this.params.identifierWeight <= 0) return [];
    return this.parts.lexical.chunks.search(new Map(ids.map((id) => [id, 1])), n, allow?.test);
  }

  private dense(vector: Float32Array, n: number, allow: Filter | undefined): Candidate[] {
    if (!vector.some((x) => x !== 0)) return [];
    // A filter that leaves out only a few chunks (the changelog's pages): the graph's nearest n, or
    // excluded + n/4 when that is more, filtered. That keeps all of the graph's nearest n that the
    // filter lets through, and at least n/4 chunks whatever the left-out ones take. On the default
    // index (56 changelog chunks, 80 candidates) it asks for 80 neighbours: 54 of the 111 dev,
    // held-out and code questions get fewer than 80 back, the shortest 48. Fetching n + excluded,
    // or n/2 + excluded as before, changed no figure on any question set and cost a fifth and a
    // twentieth of a search.
    const excluded = allow ? this.parts.chunks.length - allow.count : 0;
    if (allow && excluded <= 4 * n) {
      const nearest = this.parts.vectorIndex.search(vector, Math.max(n, excluded + Math.ceil(n / 4)));
      return nearest.filter((h) => allow.test(h.index)).slice(0, n);
    }
    if (allow && allow.count <= this.params.exactBelow) {
      return exact(this.parts.vectors, vector, n, allow.test);
    }
    // A filter that leaves out many chunks in a big corpus: the graph walks past them (hnswlib
    // calls the filter for each chunk it would take), so the nearest allowed chunks come back even
    // when the left-out ones hold all of the nearest.
    return this.parts.vectorIndex.search(vector, n, allow?.test);
  }

  /** Docs ranked by their title, description and headings, and by their whole text: [ranked doc rows, weight] pairs. */
  private docLevel(tokens: string[], n: number, allow?: Filter): Array<[number[], number]> {
    const { lexical, docIds } = this.parts;
    const out: Array<[number[], number]> = [];
    // With a section filter, only the docs it lets through rank (as in an index of those docs alone).
    let docAllowed: ((row: number) => boolean) | undefined;
    if (allow) {
      let rows = allow.docRows;
      if (!rows) {
        rows = new Uint8Array(docIds.length);
        for (let i = 0; i < this.chunkDocRow.length; i++) {
          const row = this.chunkDocRow[i] as number;
          if (row >= 0 && allow.test(i)) rows[row] = 1;
        }
        allow.docRows = rows;
      }
      const allowedRows = rows;
      docAllowed = (row) => allowedRows[row] === 1;
    }
    const ranked = (index: LexicalIndex) => index.search(index.termsOf(tokens), n, docAllowed).map((s) => s.index);
    if (this.params.docLexicalWeight > 0) out.push([ranked(lexical.docs), this.params.docLexicalWeight]);
    if (this.params.docFulltextWeight > 0) out.push([ranked(lexical.fulltext), this.params.docFulltextWeight]);
    return out;
  }

  /**
   * Weighted reciprocal rank fusion: chunks by BM25F and by cosine, plus docs ranked by their best
   * chunk in each and by their title/description, so that a doc that answers in several places rises.
   * Scores add up in arrays indexed by chunk and by doc, kept between searches and cleared after
   * each (Maps keyed by chunk and doc id took a fifth of a search), in the same order as ever.
   */
  private fuse(lexical: Candidate[], dense: Candidate[], docRankings: Array<[number[], number]>, exactIds: Candidate[]): Candidate[] {
    const { rrfK, lexicalWeight, denseWeight, docWeight, identifierWeight, packageWeight } = this.params;
    const f = (this.fusion ??= new FusionState(this.parts.chunks, this.parts.docIds));
    // One generation for the search, one for each chunk ranking the doc-level fusion counts.
    f.reserve(1 + 3);
    const touched: number[] = [];
    const mark = f.next();
    const add = (ranking: Candidate[], weight: number) =>
      ranking.forEach((c, rank) => {
        if (f.chunkMark[c.index] !== mark) {
          f.chunkMark[c.index] = mark;
          f.score[c.index] = 0;
          touched.push(c.index);
        }
        f.score[c.index] = (f.score[c.index] as number) + weight / (rrfK + rank + 1);
      });
    add(lexical, lexicalWeight);
    add(dense, denseWeight);
    add(exactIds, identifierWeight);
    if (docWeight > 0) {
      const addToDoc = (row: number, value: number) => {
        if (f.docMark[row] !== mark) {
          f.docMark[row] = mark;
          f.docScore[row] = 0;
        }
        f.docScore[row] = (f.docScore[row] as number) + value;
      };
      const addDocs = (ranking: Candidate[], weight: number) => {
        const seen = f.next();
        let rank = 0;
        for (const c of ranking) {
          const row = f.rowOfChunk[c.index] as number;
          if (f.seen[row] === seen) continue;
          f.seen[row] = seen;
          addToDoc(row, (weight * docWeight) / (rrfK + rank + 1));
          rank++;
        }
      };
      addDocs(lexical, lexicalWeight);
      addDocs(dense, denseWeight);
      addDocs(exactIds, identifierWeight);
      // Doc rows are docIds' positions, which are the fusion's rows of those docs.
      for (const [ranking, weight] of docRankings) ranking.forEach((row, rank) => addToDoc(row, weight / (rrfK + rank + 1)));
      for (const index of touched) {
        const row = f.rowOfChunk[index] as number;
        if (f.docMark[row] === mark) f.score[index] = (f.score[index] as number) + (f.docScore[row] as number);
      }
    }
    if (packageWeight !== 1) for (const index of touched) if (this.fromPackage[index]) f.score[index] = (f.score[index] as number) * packageWeight;
    return f.ranked(touched);
  }

  /** The fusion's arrays, made on first use. */
  private fusion?: FusionState;

  /**
   * The changelog's pages are searched when the query asks about changes (asksAboutChanges) or
   * the section filter names them; otherwise they are left out, and every other page ranks
   * exactly as in an index without them. A question about how something works should get the
   * page that says so, not the announcement that repeats its words.
   */
  private withoutChanges(allow: Filter | undefined, query: string, section: string | undefined): Filter | undefined {
    const changes = this.parts.changelogPrefix;
    if (!changes || !this.hasChangelog || asksAboutChanges(query)) return allow;
    const named = section?.trim().replace(/^\/+|\/+$/g, '').toLowerCase() ?? '';
    if (underPrefix(named, changes)) return allow;
    if (!allow) return (this.noChanges ??= this.filterOf((i) => this.fromChangelog[i] !== 1));
    return this.filterOf((i) => this.fromChangelog[i] !== 1 && allow.test(i));
  }

  /** Without a section filter, the same filter serves every query that leaves the changes out (made on first use). */
  private noChanges?: Filter;

  private filterOf(test: (index: number) => boolean): Filter {
    let count = 0;
    for (let i = 0; i < this.parts.chunks.length; i++) if (test(i)) count++;
    return { test, count };
  }

  /**
   * Each doc keeps its places in the fused order, but they go to its sections in the order of their
   * own match to the question: a blend of their BM25F score and cosine, each relative to the best
   * candidate's. The fused score of a section carries the doc-level evidence, which is the same for
   * every section of a doc, and the code identifiers the question names (a product name such as
   * `Next.js` matches every section of an SDK README); neither says which section answers. Only the
   * first `limit` docs are looked at: no other can be shown.
   */
  private bestSectionsFirst(ranked: Candidate[], limit: number, vector: Float32Array, lexical: Candidate[], dense: Candidate[]): Candidate[] {
    const share = this.params.sectionLexicalShare;
    if (!(share >= 0 && share <= 1)) return ranked;
    // The places of the first `limit` docs, by the fusion's doc rows: the docs taken, and each
    // one's group (typed arrays, not Maps, in every search).
    const f = this.fusion as FusionState;
    const rowOf = f.rowOfChunk;
    const taken = (this.groupedDocs ??= new Marks(f.rowOfDoc.size));
    taken.clear();
    const groupOf = (this.groupOf ??= new Int32Array(f.rowOfDoc.size));
    const slotsOf: number[][] = [];
    for (let at = 0; at < ranked.length; at++) {
      const row = rowOf[(ranked[at] as Candidate).index] as number;
      if (taken.has(row)) (slotsOf[groupOf[row] as number] as number[]).push(at);
      else if (slotsOf.length < limit) {
        taken.add(row);
        groupOf[row] = slotsOf.length;
        slotsOf.push([at]);
      }
    }
    const groups = slotsOf.filter((slots) => slots.length > 1);
    if (groups.length === 0) return ranked;
    // A section's BM25F score and cosine come from the first rankings: one outside the BM25F
    // candidates is not scored again (it scores below all of them), one outside the cosine
    // candidates is. Sections found by neither (only by identifiers) stay where they are.
    const { sections: scored, lexical: lex, cosine } = (this.sectionScores ??= {
      sections: new Marks(rowOf.length),
      lexical: new Float64Array(rowOf.length),
      cosine: new Float64Array(rowOf.length),
    });
    scored.clear();
    for (const slots of groups) {
      for (const at of slots) {
        const index = (ranked[at] as Candidate).index;
        scored.add(index);
        lex[index] = Number.NaN;
        cosine[index] = Number.NaN;
      }
    }
    for (const c of lexical) if (scored.has(c.index)) lex[c.index] = c.score;
    for (const c of dense) if (scored.has(c.index)) cosine[c.index] = c.score;
    const maxLexical = lexical[0]?.score ?? 0;
    const maxCosine = dense[0]?.score ?? 0;
    const own = new Map<number, number>();
    for (const slots of groups) {
      for (const at of slots) {
        const index = (ranked[at] as Candidate).index;
        const inDense = !Number.isNaN(cosine[index] as number);
        const inLexical = !Number.isNaN(lex[index] as number);
        if (!inDense && !inLexical) continue;
        const cos = inDense ? (cosine[index] as number) : dot(this.parts.vectors[index], vector);
        const lexicalScore = inLexical ? (lex[index] as number) : 0;
        own.set(index, share * (maxLexical > 0 ? lexicalScore / maxLexical : 0) + (1 - share) * (maxCosine > 0 ? Math.max(0, cos) / maxCosine : 0));
      }
    }
    const out = [...ranked];
    for (const slots of groups) {
      const movable = slots.filter((at) => own.has((ranked[at] as Candidate).index));
      const sections = movable.map((at) => (ranked[at] as Candidate).index).sort((x, y) => (own.get(y) ?? 0) - (own.get(x) ?? 0) || x - y);
      movable.forEach((at, j) => (out[at] = { index: sections[j] as number, score: (ranked[at] as Candidate).score }));
    }
    return out;
  }

  /** The docs bestSectionsFirst reorders in this search, and each one's group (valid for those). */
  private groupedDocs?: Marks;
  private groupOf?: Int32Array;
  /** Per chunk, what bestSectionsFirst knows of its match to the question (valid for the sections it holds). */
  private sectionScores?: { sections: Marks; lexical: Float64Array; cosine: Float64Array };

  /**
   * The results: at most `maxPerDoc` sections of a doc (unless too few docs match), one chunk per
   * section. Each doc shown names its other sections that ranked above the last result (best
   * first, at most MORE_PER_RESULT): they would have been results but for the cap, and the reader
   * can open them with get_doc rather than lose them.
   */
  private diversify(ranked: Candidate[], limit: number, maxPerDoc: number): SearchResult[] {
    const out: Candidate[] = [];
    const overflow: Candidate[] = [];
    const perDoc = new Map<string, number>();
    // One chunk per section: a second part of a section already shown only repeats its context.
    const sections = new Set<string>();
    // Each page's sections left out by maxPerDoc, and every candidate's place in the ranking.
    const skipped = new Map<string, Candidate[]>();
    const placeOf = new Map<Candidate, number>();
    // Sibling pages held back by the folder rule, in rank order: each goes in at the first place
    // where it fits, ahead of anything ranked below it.
    const deferred: Candidate[] = [];
    const takenFolders: number[] = [];
    const takenDocs: string[] = [];
    const folderOf = this.folderOfChunk();
    const { maxPerFolder, folderWindow } = this.params;
    // The pages of its folder among the last folderWindow - 1 results, itself left out: pages, not
    // sections, when maxPerDoc allows several sections of a page.
    const fits = (c: Candidate, doc: string) => {
      const folder = folderOf[c.index] as number;
      if (folder < 0 || !(maxPerFolder > 0)) return true;
      const siblings = new Set<string>();
      for (let i = Math.max(0, takenFolders.length - folderWindow + 1); i < takenFolders.length; i++) {
        if (takenFolders[i] === folder && takenDocs[i] !== doc) siblings.add(takenDocs[i] as string);
      }
      return siblings.size < maxPerFolder;
    };
    // Whether a result was taken since the held-back ones were last tried: until then none fits.
    let moved = false;
    const take = (c: Candidate, doc: string) => {
      perDoc.set(doc, (perDoc.get(doc) ?? 0) + 1);
      out.push(c);
      takenFolders.push(folderOf[c.index] as number);
      takenDocs.push(doc);
      moved = true;
    };
    const skip = (c: Candidate, doc: string) => {
      overflow.push(c);
      const list = skipped.get(doc);
      if (list) list.push(c);
      else skipped.set(doc, [c]);
    };
    const takeDeferred = (force: boolean) => {
      for (let i = 0; i < deferred.length && out.length < limit; ) {
        const c = deferred[i] as Candidate;
        const doc = this.parts.chunks[c.index]?.docId ?? '';
        if ((perDoc.get(doc) ?? 0) >= maxPerDoc) {
          // Another section of its page went in first: it is one of the page's other matches.
          deferred.splice(i, 1);
          skip(c, doc);
        } else if (force || fits(c, doc)) {
          deferred.splice(i, 1);
          take(c, doc);
          i = 0; // the window moved: an earlier one may fit now
        } else i++;
      }
      moved = false;
    };
    for (let at = 0; at < ranked.length; at++) {
      if (moved && deferred.length > 0) takeDeferred(false);
      if (out.length >= limit) break;
      const c = ranked[at] as Candidate;
      const chunk = this.parts.chunks[c.index];
      const doc = chunk?.docId ?? '';
      const section = `${doc}#${chunk?.anchor ?? ''}`;
      if (sections.has(section)) continue;
      sections.add(section);
      placeOf.set(c, at);
      const count = perDoc.get(doc) ?? 0;
      if (count >= maxPerDoc) skip(c, doc);
      else if (!fits(c, doc)) deferred.push(c);
      else take(c, doc);
    }
    // Too few other pages: the held-back siblings after all, in their order.
    takeDeferred(false);
    takeDeferred(true);
    // Held-back sections of pages that went in after all are those pages' other matches.
    for (const c of deferred) {
      const doc = this.parts.chunks[c.index]?.docId ?? '';
      if ((perDoc.get(doc) ?? 0) >= maxPerDoc) skip(c, doc);
    }
    const shown = out.length >= limit ? out : [...out, ...overflow].slice(0, limit);
    const shownSet = new Set(shown);
    // A page's other matches are its sections ranked above the lowest-ranked result shown: they
    // would have been results but for maxPerDoc. Best first, at most MORE_PER_RESULT.
    let last = 0;
    for (const c of shown) last = Math.max(last, placeOf.get(c) ?? 0);
    const firstOfDoc = new Set<string>();
    return shown.map((c) => {
      const result = this.toResult(c);
      if (firstOfDoc.has(result.path)) return result;
      firstOfDoc.add(result.path);
      const more = (skipped.get(result.path) ?? [])
        .filter((m) => !shownSet.has(m) && (placeOf.get(m) ?? Infinity) < last)
        .sort((x, y) => (placeOf.get(x) ?? 0) - (placeOf.get(y) ?? 0))
        .slice(0, MORE_PER_RESULT)
        .map((m) => this.parts.chunks[m.index] as Chunk);
      return more.length ? { ...result, more: more.map((m) => ({ heading: m.heading, url: m.url, anchor: m.anchor })) } : result;
    });
  }

  /**
   * Per chunk, its doc's folder as a number: the doc id up to its last `/`, or the doc id itself
   * when other docs are directly under it (a folder's overview page); -1 for another doc at the
   * top level.
   * Made on first use, a folder per doc.
   */
  private folderOfChunk(): Int32Array {
    if (this.folders) return this.folders;
    const ids = new Map<string, number>();
    const ofDoc = new Map<string, number>();
    // Folders with pages directly in them (`sdk/node`, whose pages are all in subfolders, stays a page of `sdk`).
    const parentOf = (id: string) => id.slice(0, Math.max(0, id.lastIndexOf('/')));
    const folderNames = new Set(this.parts.docIds.map(parentOf));
    const folderOfDoc = (doc: string) => {
      let folder = ofDoc.get(doc);
      if (folder === undefined) {
        const name = folderNames.has(doc) ? doc : parentOf(doc);
        folder = -1;
        if (name) {
          folder = ids.get(name) ?? ids.size;
          ids.set(name, folder);
        }
        ofDoc.set(doc, folder);
      }
      return folder;
    };
    this.folders = Int32Array.from(this.parts.chunks, (c) => folderOfDoc(c.docId));
    return this.folders;
  }

  private folders?: Int32Array;

  private toResult(c: Candidate): SearchResult {
    const chunk = this.parts.chunks[c.index] as Chunk;
    return {
      path: chunk.docId,
      url: chunk.url,
      title: chunk.title,
      heading: chunk.heading,
      anchor: chunk.anchor,
      score: Math.round(c.score * 1e4) / 1e4,
      text: chunk.text,
    };
  }
}

/** Other matching sections named with a result, at most. */
const MORE_PER_RESULT = 3;

interface Filter {
  test: (index: number) => boolean;
  count: number;
  /** The docs with a chunk the filter lets through, by doc row (made on first use). */
  docRows?: Uint8Array;
}

/** `sso`: only docs under the prefix (any case); `!sdk`: every doc except those under it. */
function sectionFilter(chunks: Chunk[], section: string | undefined): Filter | undefined {
  const spec = section?.trim() ?? '';
  const exclude = spec.startsWith('!');
  const prefix = spec.replace(/^!/, '').trim().replace(/^\/+|\/+$/g, '').toLowerCase();
  if (!prefix) return undefined;
  const allowed = new Uint8Array(chunks.length);
  let count = 0;
  chunks.forEach((c, i) => {
    const id = c.docId.toLowerCase();
    if ((id === prefix || id.startsWith(`${prefix}/`)) !== exclude) {
      allowed[i] = 1;
      count++;
    }
  });
  return { test: (i) => allowed[i] === 1, count };
}

function dot(v: Float32Array | undefined, query: Float32Array): number {
  let sum = 0;
  if (v) for (let i = 0; i < v.length; i++) sum += (v[i] ?? 0) * (query[i] ?? 0);
  return sum;
}

function exact(vectors: Float32Array[], query: Float32Array, n: number, test: (i: number) => boolean): Candidate[] {
  const out: Candidate[] = [];
  vectors.forEach((v, index) => {
    if (test(index)) out.push({ index, score: dot(v, query) });
  });
  return out.sort((a, b) => b.score - a.score).slice(0, n);
}
