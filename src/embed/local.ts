import { tokenize } from '../text/tokenize.js';
import type { PackedArray } from '../store/binpack.js';
import { randomizedSvd, symmetricEigen, type CsrMatrix } from './svd.js';
import { DEFAULT_REFINE_PARAMS, refineProjection, type RefineParams, type SparseRow } from './refine.js';
import { normalize, type Embedder, type EmbedderInfo } from './types.js';

/**
 * The default embedder: latent semantic analysis learned from the corpus at ingest time.
 * TF-IDF over identifier-aware tokens (sublinear tf, unit rows) → truncated SVD; a text's vector
 * is its TF-IDF vector projected on the top right singular vectors, scaled by σ^(exponent)
 * and normalised. Given pairs of a heading and its section, the projection is then refined on
 * them (refine.ts) so that question-sized texts land near their answers. Last, the fitted texts'
 * top principal direction is taken out of the projection (removeCommonDirections). Needs no
 * download, and the same corpus always gives the same vectors.
 */
export interface LocalParams {
  dimension: number;
  minDf: number;
  /** Exponent applied to singular values on projection: 0 projects onto V (UΣ for training rows). */
  sigmaExponent: number;
  powerIterations: number;
  seed: number;
  /** Fit on at most this many texts (an even sample); the rest are folded in. Bounds build time at scale. */
  maxFitTexts: number;
  /** How the projection is refined on [heading, section] pairs after the SVD (refine.ts). */
  refine: RefineParams;
  /** How many of the fitted texts' top principal directions are taken out of every vector (0: none; see removeCommonDirections). */
  commonDirections: number;
}

export const DEFAULT_LOCAL_PARAMS: LocalParams = {
  dimension: 256,
  minDf: 2,
  sigmaExponent: 0,
  powerIterations: 2,
  seed: 42,
  maxFitTexts: 20_000,
  refine: DEFAULT_REFINE_PARAMS,
  commonDirections: 1,
};

/** A query-like text and the passage it names (a section's title and headings, and its body). */
export type TrainingPair = [query: string, passage: string];

export class LocalEmbedder implements Embedder {
  readonly info: EmbedderInfo;
  private readonly termIds: Map<string, number>;

  private constructor(
    readonly params: LocalParams,
    readonly terms: string[],
    readonly idf: Float32Array,
    /** terms × dimension, row-major. */
    readonly projection: Float32Array,
    readonly dimension: number,
  ) {
    this.termIds = new Map(terms.map((t, i) => [t, i]));
    this.info = { kind: 'local', model: 'lsa', dimension, params: { ...params, vocabulary: terms.length } };
  }

  static fit(texts: string[], params: LocalParams = DEFAULT_LOCAL_PARAMS, pairs: TrainingPair[] = []): LocalEmbedder {
    const sample = evenSample(texts, params.maxFitTexts);
    const tokenized = sample.map((t) => tokenize(t));
    const df = new Map<string, number>();
    for (const tokens of tokenized) for (const t of new Set(tokens)) df.set(t, (df.get(t) ?? 0) + 1);
    const minDf = sample.length >= 20 ? params.minDf : 1;
    const terms = [...df.entries()].filter(([, n]) => n >= minDf).map(([t]) => t).sort();
    const termIds = new Map(terms.map((t, i) => [t, i]));
    const n = sample.length;
    const idf = Float32Array.from(terms, (t) => Math.log((1 + n) / (1 + (df.get(t) ?? 0))) + 1);
    const matrix = toCsr(tokenized, termIds, idf);
    const k = Math.max(1, Math.min(params.dimension, n, terms.length));
    const svd = randomizedSvd(matrix, k, { powerIterations: params.powerIterations, seed: params.seed });
    const dimension = svd.k;
    const projection = new Float32Array(terms.length * dimension);
    for (let i = 0; i < terms.length; i++) {
      for (let r = 0; r < dimension; r++) {
        const s = svd.sigma[r] ?? 0;
        const scale = s > 1e-10 ? Math.pow(s, params.sigmaExponent) : 0;
        projection[i * dimension + r] = (svd.v[i * dimension + r] ?? 0) * scale;
      }
    }
    if (pairs.length > 0 && params.refine.epochs > 0) {
      const row = (text: string): SparseRow => {
        const weights = tfidf(tokenize(text), termIds, idf);
        return { ids: Uint32Array.from(weights.keys()), weights: Float32Array.from(weights.values()) };
      };
      const rows = evenSample(pairs, params.maxFitTexts).map(([q, p]): [SparseRow, SparseRow] => [row(q), row(p)]);
      refineProjection(projection, dimension, rows, params.refine, params.seed);
    }
    removeCommonDirections(projection, dimension, matrix, params.commonDirections);
    return new LocalEmbedder(params, terms, idf, projection, dimension);
  }

  embed(text: string): Float32Array {
    return this.embedTokens(tokenize(text));
  }

  embedTokens(tokens: string[]): Float32Array {
    const out = new Float32Array(this.dimension);
    const weights = tfidf(tokens, this.termIds, this.idf);
    for (const [id, w] of weights) {
      const base = id * this.dimension;
      for (let r = 0; r < this.dimension; r++) out[r] = (out[r] ?? 0) + w * (this.projection[base + r] ?? 0);
    }
    return normalize(out);
  }

  async embedPassages(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embed(t));
  }

  async embedQuery(text: string): Promise<Float32Array> {
    return this.embed(text);
  }

  toPacked(): { meta: unknown; arrays: Record<string, PackedArray> } {
    return {
      meta: { params: this.params, terms: this.terms, dimension: this.dimension },
      arrays: { idf: this.idf, projection: this.projection },
    };
  }

  static fromPacked(meta: { params: LocalParams; terms: string[]; dimension: number }, arrays: Record<string, PackedArray>): LocalEmbedder {
    const { idf, projection } = arrays;
    if (!(idf instanceof Float32Array) || !(projection instanceof Float32Array)) throw new Error('local embedder arrays are missing');
    if (idf.length !== meta.terms.length || projection.length !== meta.terms.length * meta.dimension) {
      throw new Error('local embedder arrays do not match its vocabulary and dimension');
    }
    return new LocalEmbedder(meta.params, meta.terms, idf, projection, meta.dimension);
  }
}

/**
 * Takes the fitted texts' top `count` principal directions (uncentred: the top eigenvectors of
 * Σ v vᵀ over their unit vectors) out of the projection. This is "all-but-the-top" post-processing
 * (Mu & Viswanath 2018). After the refinement, the top axis is the corpus's broadest split of
 * topics: for the WorkOS docs, authorization (roles, permissions, FGA) against authentication (email,
 * Magic Auth, sign-in). Why removing it helps is measured, not derived: over five seeds, served at
 * limit 5, it moved dev and Mastra up and the other sets by a question at most (README, "Retrieval
 * quality").
 *
 * The matrix is built in one pass over the texts and decomposed exactly (a power iteration from
 * the texts' mean stopped short of the top direction on two seeds in five: its lead over the second
 * is small). Removing a direction from a text's vector is linear in its terms' rows, so it is taken
 * out of the rows themselves: queries and passages lose it alike, and embedding costs nothing more.
 * A model of few dimensions keeps them all: removing one of two or three would leave texts nothing
 * to tell them apart.
 */
export function removeCommonDirections(projection: Float32Array, dimension: number, texts: CsrMatrix, count: number): void {
  const d = dimension;
  if (count <= 0 || texts.rows < 2 || d < Math.max(MIN_DIMENSION_FOR_REMOVAL, 4 * count)) return;
  const gram = new Float64Array(d * d);
  const v = new Float64Array(d);
  for (let i = 0; i < texts.rows; i++) {
    v.fill(0);
    for (let p = texts.rowPtr[i] as number; p < (texts.rowPtr[i + 1] as number); p++) {
      const row = (texts.colIdx[p] as number) * d;
      const w = texts.values[p] as number;
      for (let r = 0; r < d; r++) v[r] = (v[r] as number) + w * (projection[row + r] as number);
    }
    let squared = 0;
    for (let r = 0; r < d; r++) squared += (v[r] as number) ** 2;
    if (!(squared > 0)) continue;
    // The upper triangle of Σ v vᵀ / |v|² (the unit vectors' outer products); mirrored below.
    for (let a = 0; a < d; a++) {
      const va = (v[a] as number) / squared;
      if (va === 0) continue;
      for (let b = a; b < d; b++) gram[a * d + b] = (gram[a * d + b] as number) + va * (v[b] as number);
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) gram[a * d + b] = gram[b * d + a] as number;
  const { values, vectors } = symmetricEigen(gram, d);
  const top = [...values.keys()].sort((a, b) => (values[b] as number) - (values[a] as number)).slice(0, count);
  for (const column of top) {
    if (!((values[column] as number) > 0)) continue;
    for (let base = 0; base < projection.length; base += d) {
      let dot = 0;
      for (let r = 0; r < d; r++) dot += (projection[base + r] as number) * (vectors[r * d + column] as number);
      for (let r = 0; r < d; r++) projection[base + r] = (projection[base + r] as number) - dot * (vectors[r * d + column] as number);
    }
  }
}

/** Below this many dimensions (or four per direction) no direction is removed. */
const MIN_DIMENSION_FOR_REMOVAL = 16;

/** Sublinear tf × idf over known terms, unit length. */
function tfidf(tokens: string[], termIds: Map<string, number>, idf: Float32Array): Map<number, number> {
  const counts = new Map<number, number>();
  for (const t of tokens) {
    const id = termIds.get(t);
    if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  let norm = 0;
  for (const [id, c] of counts) {
    const w = (1 + Math.log(c)) * (idf[id] ?? 0);
    counts.set(id, w);
    norm += w * w;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [id, w] of counts) counts.set(id, w / norm);
  return counts;
}

function toCsr(docs: string[][], termIds: Map<string, number>, idf: Float32Array): CsrMatrix {
  const rowPtr = new Uint32Array(docs.length + 1);
  const cols: number[] = [];
  const values: number[] = [];
  docs.forEach((tokens, i) => {
    const weights = [...tfidf(tokens, termIds, idf).entries()].sort((a, b) => a[0] - b[0]);
    for (const [id, w] of weights) {
      cols.push(id);
      values.push(w);
    }
    rowPtr[i + 1] = cols.length;
  });
  return { rows: docs.length, cols: termIds.size, rowPtr, colIdx: Uint32Array.from(cols), values: Float32Array.from(values) };
}

function evenSample<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const step = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * step)] as T);
}
