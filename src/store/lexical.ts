import { tokenize } from '../text/tokenize.js';
import type { PackedArray } from './binpack.js';

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
}

export interface LexicalParams {
  k1: number;
  b: number;
  titleWeight: number;
  headingWeight: number;
  descriptionWeight: number;
  contextWeight: number;
  /** Weight of adjacent-term pairs (0: unigrams only). Pairs are indexed as terms `a b`. */
  bigramWeight?: number;
}

export const DEFAULT_LEXICAL_PARAMS: LexicalParams = { k1: 1.2, b: 0.75, titleWeight: 3, headingWeight: 2, descriptionWeight: 0, contextWeight: 1, bigramWeight: 0.6 };

export interface Scored {
  index: number;
  score: number;
}

/**
 * BM25F-style index: per document, term frequency is the weighted sum over fields, saturated once.
 * Postings are flat typed arrays (term → [doc, weighted tf]) so that the index loads instantly.
 */
export class LexicalIndex {
  private readonly termIds: Map<string, number>;

  constructor(
    readonly params: LexicalParams,
    readonly terms: string[],
    readonly offsets: Uint32Array,
    readonly postingDocs: Uint32Array,
    readonly postingTfs: Float32Array,
    readonly docLengths: Float32Array,
    readonly avgLength: number,
  ) {
    this.termIds = new Map(terms.map((t, i) => [t, i]));
  }

  static build(docs: LexicalDoc[], params: LexicalParams = DEFAULT_LEXICAL_PARAMS): LexicalIndex {
    const postings = new Map<string, Array<[number, number]>>();
    const docLengths = new Float32Array(docs.length);
    docs.forEach((doc, i) => {
      const tf = new Map<string, number>();
      const add = (field: LexicalField, weight: number) => {
        const tokens = typeof field === 'string' ? tokenize(field) : field;
        for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + weight);
        if (params.bigramWeight) {
          for (const pair of pairs(tokens)) tf.set(pair, (tf.get(pair) ?? 0) + weight);
        }
        return tokens.length;
      };
      docLengths[i] = add(doc.body, 1) + add(doc.heading, params.headingWeight) + add(doc.title, params.titleWeight) + (params.descriptionWeight > 0 ? add(doc.description ?? '', params.descriptionWeight) : 0) +
        ((params.contextWeight ?? 0) > 0 ? add(doc.context ?? '', params.contextWeight) : 0);
      for (const [term, f] of tf) {
        let list = postings.get(term);
        if (!list) postings.set(term, (list = []));
        list.push([i, f]);
      }
    });
    const terms = [...postings.keys()].sort();
    const offsets = new Uint32Array(terms.length + 1);
    let total = 0;
    terms.forEach((t, i) => {
      offsets[i] = total;
      total += postings.get(t)?.length ?? 0;
    });
    offsets[terms.length] = total;
    const postingDocs = new Uint32Array(total);
    const postingTfs = new Float32Array(total);
    terms.forEach((t, i) => {
      let at = offsets[i] ?? 0;
      for (const [doc, f] of postings.get(t) ?? []) {
        postingDocs[at] = doc;
        postingTfs[at++] = f;
      }
    });
    const avg = docs.length ? docLengths.reduce((a, b) => a + b, 0) / docs.length : 1;
    return new LexicalIndex(params, terms, offsets, postingDocs, postingTfs, docLengths, avg || 1);
  }

  get size(): number {
    return this.docLengths.length;
  }

  /** Query terms and their weights: tokens weigh 1, adjacent pairs `bigramWeight`. */
  queryTerms(query: string): Map<string, number> {
    const tokens = tokenize(query);
    const weights = new Map<string, number>();
    for (const t of tokens) weights.set(t, 1);
    if (this.params.bigramWeight) for (const pair of pairs(tokens)) weights.set(pair, this.params.bigramWeight);
    return weights;
  }

  /** Inverse document frequency of a term (0 when the index does not hold it). */
  idf(term: string): number {
    const id = this.termIds.get(term);
    if (id === undefined) return 0;
    const df = (this.offsets[id + 1] ?? 0) - (this.offsets[id] ?? 0);
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  /** Scores every document that contains a query term; returns the best `limit`, best first. */
  search(query: string | Map<string, number>, limit: number, allow?: (index: number) => boolean): Scored[] {
    const weights = typeof query === 'string' ? this.queryTerms(query) : query;
    const terms = [...weights.keys()];
    if (terms.length === 0) return [];
    const scores = new Float32Array(this.size);
    const touched: number[] = [];
    const { k1, b } = this.params;
    const n = this.size;
    for (const term of terms) {
      const id = this.termIds.get(term);
      if (id === undefined) continue;
      const start = this.offsets[id] ?? 0;
      const end = this.offsets[id + 1] ?? start;
      const df = end - start;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5)) * (weights.get(term) ?? 1);
      for (let p = start; p < end; p++) {
        const doc = this.postingDocs[p] ?? 0;
        const tf = this.postingTfs[p] ?? 0;
        const norm = 1 - b + (b * (this.docLengths[doc] ?? 0)) / this.avgLength;
        if (scores[doc] === 0) touched.push(doc);
        scores[doc] = (scores[doc] ?? 0) + (idf * tf * (k1 + 1)) / (tf + k1 * norm);
      }
    }
    const results: Scored[] = [];
    for (const doc of touched) {
      if (allow && !allow(doc)) continue;
      results.push({ index: doc, score: scores[doc] ?? 0 });
    }
    results.sort((x, y) => y.score - x.score || x.index - y.index);
    return results.slice(0, limit);
  }

  toPacked(): { meta: unknown; arrays: Record<string, PackedArray> } {
    return {
      meta: { params: this.params, terms: this.terms, avgLength: this.avgLength },
      arrays: { offsets: this.offsets, postingDocs: this.postingDocs, postingTfs: this.postingTfs, docLengths: this.docLengths },
    };
  }

  static fromPacked(meta: { params: LexicalParams; terms: string[]; avgLength: number }, arrays: Record<string, PackedArray>): LexicalIndex {
    const { offsets, postingDocs, postingTfs, docLengths } = arrays;
    if (!(offsets instanceof Uint32Array) || !(postingDocs instanceof Uint32Array) || !(postingTfs instanceof Float32Array) || !(docLengths instanceof Float32Array)) {
      throw new Error('lexical index arrays are missing or of the wrong type');
    }
    if (offsets.length !== meta.terms.length + 1 || postingDocs.length !== postingTfs.length || (offsets[offsets.length - 1] ?? 0) !== postingDocs.length) {
      throw new Error('lexical index arrays do not agree in length');
    }
    return new LexicalIndex(meta.params, meta.terms, offsets, postingDocs, postingTfs, docLengths, meta.avgLength);
  }
}

/** Adjacent token pairs, skipping a token's own parts (`getUser` → `getus`, `get`, `user`). */
export function pairs(tokens: string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < tokens.length; i++) {
    const a = tokens[i - 1] ?? '';
    const b = tokens[i] ?? '';
    if (a !== b) out.push(`${a} ${b}`);
  }
  return out;
}
