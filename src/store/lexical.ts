import { tokenize } from '../text/tokenize.js';
import type { PackedArray } from './binpack.js';
import { codePointSort, StringTable } from './string-table.js';

/**
 * Fields of a chunk (or doc) for lexical search, weighted so that titles and headings count above
 * body text. A field is text, or its tokens when the caller has them already.
 */
export type LexicalField = string | string[];

export interface LexicalDoc {
  title: LexicalField;
  heading: LexicalField;
  body: LexicalField;
  /** The doc's summary, shared by all its chunks. */
  description?: LexicalField;
  /** Where the doc sits in the navigation (section titles above it). */
  context?: LexicalField;
  /** What the navigation calls the doc, when that differs from its title ("Quick Start"). */
  label?: LexicalField;
}

export interface LexicalParams {
  k1: number;
  b: number;
  titleWeight: number;
  headingWeight: number;
  descriptionWeight: number;
  contextWeight: number;
  /** Weight of the navigation label; absent in indexes built before it existed (read as 0). */
  labelWeight?: number;
  /** Weight of adjacent-term pairs (0: unigrams only). Pairs are indexed as terms `a b`. */
  bigramWeight?: number;
}

export const DEFAULT_LEXICAL_PARAMS: LexicalParams = { k1: 1.2, b: 0.75, titleWeight: 3, headingWeight: 2, descriptionWeight: 0, contextWeight: 1, labelWeight: 3, bigramWeight: 0.6 };

export interface Scored {
  index: number;
  score: number;
}

/**
 * BM25F-style index: per document, term frequency is the weighted sum over fields, saturated once.
 * Postings are flat typed arrays (term → [doc, impact]) so that the index loads instantly. The
 * impact is a posting's saturated, length-normalized tf, computed at build time; a query term
 * contributes idf × weight × impact, added up term at a time (see search).
 */
export class LexicalIndex {
  constructor(
    readonly params: LexicalParams,
    readonly terms: StringTable,
    readonly offsets: Uint32Array,
    readonly postingDocs: Uint32Array,
    readonly postingImpacts: Float32Array,
    readonly docLengths: Float32Array,
    /**
     * Term statistics taken over part of the documents (the docs sources, beside package sources):
     * per term, how many of them hold it, and how many there are. Without it, over all documents.
     */
    readonly stats?: { df: Uint32Array; size: number },
  ) {}

  /**
   * A term's id: its position in the sorted term list, found by binary search. (A Map over a
   * vocabulary of 100k+ terms and pairs would cost tens of milliseconds at every start-up.)
   */
  private termId(term: string): number | undefined {
    const id = this.terms.indexOf(term);
    return id < 0 ? undefined : id;
  }

  /**
   * `inStats[i]`: document i counts in the term statistics (document frequency, average length); default all.
   *
   * One pass computes each document's term frequencies into fixed-size typed blocks (12 bytes a
   * posting) while counting each term's postings; the postings are then placed term by term.
   * Collecting them in three growing JavaScript arrays, as before, held up to 24 bytes a posting
   * with their slack, in the garbage-collected heap: 150 MB of an ingest's peak on a corpus 4× the
   * default. (Computing the frequencies twice instead, to place the postings without keeping them,
   * made the build a quarter slower.)
   */
  static build(docs: LexicalDoc[], params: LexicalParams = DEFAULT_LEXICAL_PARAMS, inStats?: ArrayLike<boolean>): LexicalIndex {
    const ids = new Map<string, number>();
    const idOf = (term: string) => {
      let id = ids.get(term);
      if (id === undefined) ids.set(term, (id = ids.size));
      return id;
    };
    // A pair's id by its two tokens' ids: the pair's text (`a b`) is made once per distinct pair,
    // not once per occurrence (millions of short-lived strings on a large corpus).
    const pairIds = new PairTable();
    const tf = new Map<number, number>();
    let tokenIds = new Uint32Array(1024);
    /** Fills `tf` with a document's weighted term frequencies; returns its length in tokens. */
    const frequencies = (doc: LexicalDoc): number => {
      tf.clear();
      const add = (field: LexicalField | undefined, weight: number) => {
        if (!(weight > 0) || field === undefined) return 0;
        const tokens = typeof field === 'string' ? tokenize(field) : field;
        if (tokenIds.length < tokens.length) tokenIds = new Uint32Array(tokens.length * 2);
        for (let i = 0; i < tokens.length; i++) {
          const id = idOf(tokens[i] as string);
          tokenIds[i] = id;
          tf.set(id, (tf.get(id) ?? 0) + weight);
        }
        if (params.bigramWeight) {
          // The pairs of pairs(): adjacent tokens, skipping a token repeated in place.
          for (let i = 1; i < tokens.length; i++) {
            const a = tokenIds[i - 1] as number;
            const b = tokenIds[i] as number;
            if (a === b) continue;
            let id = pairIds.get(a, b);
            if (id < 0) pairIds.set(a, b, (id = idOf(`${tokens[i - 1]} ${tokens[i]}`)));
            tf.set(id, (tf.get(id) ?? 0) + weight);
          }
        }
        return tokens.length;
      };
      return (
        add(doc.body, 1) +
        add(doc.heading, params.headingWeight) +
        add(doc.title, params.titleWeight) +
        add(doc.description, params.descriptionWeight) +
        add(doc.context, params.contextWeight) +
        add(doc.label, params.labelWeight ?? 0)
      );
    };
    // Each document's (term, frequency) pairs, in document order, in fixed-size blocks: the
    // postings are counted per term as they come and then placed term by term.
    const docLengths = new Float32Array(docs.length);
    const docEnds = new Uint32Array(docs.length);
    const termBlocks: Uint32Array[] = [];
    const tfBlocks: Float64Array[] = [];
    const postingsOf: number[] = [];
    let count = 0;
    docs.forEach((doc, i) => {
      docLengths[i] = frequencies(doc);
      for (const [id, f] of tf) {
        const at = count & BLOCK_MASK;
        if (at === 0) {
          termBlocks.push(new Uint32Array(BLOCK_MASK + 1));
          tfBlocks.push(new Float64Array(BLOCK_MASK + 1));
        }
        (termBlocks[termBlocks.length - 1] as Uint32Array)[at] = id;
        (tfBlocks[tfBlocks.length - 1] as Float64Array)[at] = f;
        postingsOf[id] = (postingsOf[id] ?? 0) + 1;
        count++;
      }
      docEnds[i] = count;
    });
    const sorted = codePointSort([...ids.keys()]);
    const terms = StringTable.of(sorted);
    const rank = new Uint32Array(terms.size);
    sorted.forEach((term, r) => (rank[ids.get(term) as number] = r));
    const offsets = new Uint32Array(terms.size + 1);
    postingsOf.forEach((n, id) => (offsets[(rank[id] as number) + 1] = n));
    for (let r = 0; r < terms.size; r++) offsets[r + 1] = (offsets[r + 1] as number) + (offsets[r] as number);
    const counted = inStats ? docs.map((_, i) => Boolean(inStats[i])) : undefined;
    const statsSize = counted ? counted.filter(Boolean).length : docs.length;
    const avg = (statsSize ? docLengths.reduce((x, y, i) => x + (counted && !counted[i] ? 0 : y), 0) / statsSize : 1) || 1;
    const statsDf = counted ? new Uint32Array(terms.size) : undefined;
    const { k1, b } = params;
    const postingDocs = new Uint32Array(count);
    const postingImpacts = new Float32Array(count);
    const fill = offsets.slice(0, terms.size);
    let p = 0;
    for (let i = 0; i < docs.length; i++) {
      const norm = 1 - b + (b * (docLengths[i] as number)) / avg;
      for (const end = docEnds[i] as number; p < end; p++) {
        const block = p >>> BLOCK_BITS;
        const r = rank[(termBlocks[block] as Uint32Array)[p & BLOCK_MASK] as number] as number;
        const f = (tfBlocks[block] as Float64Array)[p & BLOCK_MASK] as number;
        const at = fill[r] as number;
        fill[r] = at + 1;
        postingDocs[at] = i;
        postingImpacts[at] = (f * (k1 + 1)) / (f + k1 * norm);
        if (statsDf && counted?.[i]) statsDf[r] = (statsDf[r] as number) + 1;
      }
    }
    return new LexicalIndex(params, terms, offsets, postingDocs, postingImpacts, docLengths, statsDf ? { df: statsDf, size: statsSize } : undefined);
  }

  get size(): number {
    return this.docLengths.length;
  }

  /** Query terms and their weights: tokens weigh 1, adjacent pairs `bigramWeight`. */
  queryTerms(query: string): Map<string, number> {
    return this.termsOf(tokenize(query));
  }

  /** queryTerms of a query already tokenized: one tokenization serves every index a search reads. */
  termsOf(tokens: string[]): Map<string, number> {
    const weights = new Map<string, number>();
    for (const t of tokens) weights.set(t, 1);
    if (this.params.bigramWeight) for (const pair of pairs(tokens)) weights.set(pair, this.params.bigramWeight);
    return weights;
  }

  /**
   * The best `limit` documents for a query (text, or terms with weights), best first; ties go to
   * the lower index. Term at a time: every posting of every query term adds its weighted impact to
   * a per-document accumulator, which is then read in document order into a top-k heap. A query
   * touches a few thousand postings in a corpus of a few thousand chunks, so this beats skipping
   * through the lists document at a time (MaxScore: 290 µs against 70 µs per query on the default
   * index at 120 results), whose bookkeeping per posting cost more than the postings it skipped.
   */
  search(query: string | Map<string, number>, limit: number, allow?: (index: number) => boolean): Scored[] {
    const lists = this.queryLists(query);
    const k = Math.max(0, Math.floor(limit));
    if (lists.length === 0 || k === 0) return [];
    const acc = (this.accumulator ??= new Float64Array(this.size));
    const docs = this.postingDocs;
    const impacts = this.postingImpacts;
    for (const { start, end, weight } of lists) {
      for (let p = start; p < end; p++) {
        const doc = docs[p] as number;
        acc[doc] = (acc[doc] as number) + weight * (impacts[p] as number);
      }
    }
    const top = new TopK(k);
    try {
      for (let doc = 0; doc < acc.length; doc++) {
        const score = acc[doc] as number;
        if (score === 0) continue;
        acc[doc] = 0;
        // In document order, a score equal to the k-th does not beat it: its document is higher.
        if ((top.full && score <= top.minScore) || (allow && !allow(doc))) continue;
        top.push(doc, score);
      }
    } catch (error) {
      acc.fill(0); // a filter that throws must not leave scores for the next search
      throw error;
    }
    return top.sorted();
  }

  /** One score per document, zero between searches (search leaves it as it found it). */
  private accumulator?: Float64Array;

  /** Scores every document that holds a query term: the reference that `search` must agree with. */
  searchExhaustive(query: string | Map<string, number>, limit: number, allow?: (index: number) => boolean): Scored[] {
    const scores = new Map<number, number>();
    for (const list of this.queryLists(query)) {
      for (let p = list.start; p < list.end; p++) {
        const doc = this.postingDocs[p] as number;
        if (allow && !allow(doc)) continue;
        scores.set(doc, (scores.get(doc) ?? 0) + list.weight * (this.postingImpacts[p] as number));
      }
    }
    return [...scores.entries()]
      .map(([index, score]) => ({ index, score }))
      .sort((x, y) => y.score - x.score || x.index - y.index)
      .slice(0, limit);
  }

  private queryLists(query: string | Map<string, number>): Array<{ start: number; end: number; weight: number }> {
    const weights = typeof query === 'string' ? this.queryTerms(query) : query;
    const n = this.stats?.size ?? this.size;
    const lists: Array<{ start: number; end: number; weight: number }> = [];
    for (const [term, w] of weights) {
      const id = this.termId(term);
      if (id === undefined || !(w > 0)) continue;
      const start = this.offsets[id] ?? 0;
      const end = this.offsets[id + 1] ?? start;
      const df = this.stats ? (this.stats.df[id] as number) : end - start;
      const weight = Math.log(1 + (n - df + 0.5) / (df + 0.5)) * w;
      if (end > start && weight > 0) lists.push({ start, end, weight });
    }
    return lists;
  }

  toPacked(): { meta: unknown; arrays: Record<string, PackedArray> } {
    return {
      meta: { params: this.params, ...(this.stats ? { statsSize: this.stats.size } : {}) },
      arrays: {
        termBytes: this.terms.bytes,
        termOffsets: this.terms.offsets,
        offsets: this.offsets,
        postingDocs: this.postingDocs,
        postingImpacts: this.postingImpacts,
        docLengths: this.docLengths,
        ...(this.stats ? { statsDf: this.stats.df } : {}),
      },
    };
  }

  static fromPacked(meta: { params: LexicalParams; statsSize?: number }, arrays: Record<string, PackedArray>): LexicalIndex {
    const { termBytes, termOffsets, offsets, postingDocs, postingImpacts, docLengths, statsDf } = arrays;
    const terms = StringTable.checked(termBytes, termOffsets, 'term');
    if (
      !(offsets instanceof Uint32Array) ||
      !(postingDocs instanceof Uint32Array) ||
      !(postingImpacts instanceof Float32Array) ||
      !(docLengths instanceof Float32Array)
    ) {
      throw new Error('lexical index arrays are missing or of the wrong type');
    }
    if (
      offsets.length !== terms.size + 1 ||
      postingDocs.length !== postingImpacts.length ||
      (offsets[offsets.length - 1] ?? 0) !== postingDocs.length
    ) {
      throw new Error('lexical index arrays do not agree in length');
    }
    if (statsDf !== undefined && (!(statsDf instanceof Uint32Array) || statsDf.length !== terms.size || typeof meta.statsSize !== 'number')) {
      throw new Error('lexical index term statistics do not agree with its terms');
    }
    const stats = statsDf instanceof Uint32Array && typeof meta.statsSize === 'number' ? { df: statsDf, size: meta.statsSize } : undefined;
    return new LexicalIndex(meta.params, terms, offsets, postingDocs, postingImpacts, docLengths, stats);
  }

}

/** Postings are collected in blocks of 2^16 during a build (no growing arrays, no slack beyond one block). */
const BLOCK_BITS = 16;
const BLOCK_MASK = (1 << BLOCK_BITS) - 1;

/**
 * Term id pairs → the pair's term id, open addressing over typed arrays: a Map keyed by
 * `first × 2^26 + second` allocated a heap number per lookup (the keys exceed small integers),
 * which made a build's second pass a third slower.
 */
class PairTable {
  private first = new Int32Array(1 << 16).fill(-1);
  private second = new Int32Array(1 << 16);
  private value = new Int32Array(1 << 16);
  private count = 0;

  /** The pair's id, or -1. */
  get(a: number, b: number): number {
    const mask = this.first.length - 1;
    for (let slot = hashPair(a, b) & mask; ; slot = (slot + 1) & mask) {
      const f = this.first[slot] as number;
      if (f === -1) return -1;
      if (f === a && this.second[slot] === b) return this.value[slot] as number;
    }
  }

  set(a: number, b: number, id: number): void {
    if ((this.count + 1) * 2 > this.first.length) this.grow();
    const mask = this.first.length - 1;
    let slot = hashPair(a, b) & mask;
    while (this.first[slot] !== -1) slot = (slot + 1) & mask;
    this.first[slot] = a;
    this.second[slot] = b;
    this.value[slot] = id;
    this.count++;
  }

  private grow(): void {
    const { first, second, value } = this;
    this.first = new Int32Array(first.length * 2).fill(-1);
    this.second = new Int32Array(first.length * 2);
    this.value = new Int32Array(first.length * 2);
    this.count = 0;
    for (let slot = 0; slot < first.length; slot++) if (first[slot] !== -1) this.set(first[slot] as number, second[slot] as number, value[slot] as number);
  }
}

function hashPair(a: number, b: number): number {
  // Mixed so that the low bits (the slot) depend on all of both ids, not only on their low bits.
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b);
  h ^= h >>> 16;
  h = Math.imul(h, 0x45d9f3b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Adjacent token pairs `a b`, skipping a token repeated in place: the terms `bigramWeight` indexes. */
function pairs(tokens: string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < tokens.length; i++) {
    const a = tokens[i - 1] ?? '';
    const b = tokens[i] ?? '';
    if (a !== b) out.push(`${a} ${b}`);
  }
  return out;
}

/** The k best (doc, score) pairs seen, worst on top: lower score, then higher doc, is worse. */
class TopK {
  private readonly docs: Uint32Array;
  private readonly scores: Float64Array;
  private size = 0;

  constructor(private readonly k: number) {
    this.docs = new Uint32Array(k);
    this.scores = new Float64Array(k);
  }

  get full(): boolean {
    return this.size === this.k;
  }

  get minScore(): number {
    return this.scores[0] ?? -Infinity;
  }

  /**
   * Adds a pair; when full, it replaces the worst (callers pass only pairs that beat it). The
   * heap's root is its worst pair: the lowest score, of equal scores the highest document.
   * (Comparisons are written out, on the typed arrays: with a method per comparison a search
   * spent 60 of its 95 µs here.)
   */
  push(doc: number, score: number): void {
    if (this.size === this.k) {
      this.sink(doc, score);
      return;
    }
    const docs = this.docs;
    const scores = this.scores;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const ps = scores[parent] as number;
      // Up while the new pair is worse than its parent.
      if (!(score < ps || (score === ps && doc > (docs[parent] as number)))) break;
      docs[i] = docs[parent] as number;
      scores[i] = ps;
      i = parent;
    }
    docs[i] = doc;
    scores[i] = score;
  }

  /** The pairs, best first, taken off the heap worst first (it is empty afterwards). */
  sorted(): Scored[] {
    const out = new Array<Scored>(this.size);
    while (this.size > 0) {
      const last = --this.size;
      out[last] = { index: this.docs[0] as number, score: this.scores[0] as number };
      if (last > 0) this.sink(this.docs[last] as number, this.scores[last] as number);
    }
    return out;
  }

  /** Puts (doc, score) at the root, in place of the worst pair, and lets it sink to its place. */
  private sink(doc: number, score: number): void {
    const docs = this.docs;
    const scores = this.scores;
    const size = this.size;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) break;
      let child = left;
      let cs = scores[left] as number;
      let cd = docs[left] as number;
      const right = left + 1;
      if (right < size) {
        const rs = scores[right] as number;
        const rd = docs[right] as number;
        if (rs < cs || (rs === cs && rd > cd)) {
          child = right;
          cs = rs;
          cd = rd;
        }
      }
      // Down while the worse child is worse than the sinking pair.
      if (!(cs < score || (cs === score && cd > doc))) break;
      docs[i] = cd;
      scores[i] = cs;
      i = child;
    }
    docs[i] = doc;
    scores[i] = score;
  }
}
