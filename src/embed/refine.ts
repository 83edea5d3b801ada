/**
 * Refines an LSA projection on pairs the corpus provides, so that a short query-like text lands
 * near the passage it names: each section's title and heading path against its body. LSA places
 * words by how they co-occur across whole chunks; a heading and its body are a question-sized text
 * and its answer, which is what search asks of the vectors. Training is contrastive (InfoNCE with
 * the other pairs of a batch as negatives, both directions), starting from the LSA projection and
 * moving it only a little (few epochs, a small Adagrad step per term), so that what LSA learned
 * stays. Deterministic: the same pairs and seed give the same projection.
 *
 * What it gains on each question set is in the README ("Retrieval quality").
 */
export interface RefineParams {
  /** Passes over the pairs; 0 keeps the LSA projection as it is. */
  epochs: number;
  /** Adagrad's step for a term's row. */
  learningRate: number;
  /** Softmax temperature of the contrastive loss: lower sharpens it. */
  temperature: number;
  /** Pairs per batch: each pair's negatives are the batch's other pairs. */
  batch: number;
}

export const DEFAULT_REFINE_PARAMS: RefineParams = { epochs: 2, learningRate: 0.005, temperature: 0.2, batch: 64 };

/** A text as its unit-length TF-IDF vector: term rows of the projection and their weights. */
export interface SparseRow {
  ids: Uint32Array;
  weights: Float32Array;
}

/** Refines `projection` (terms × dimension, row-major) in place on [query-like, passage] pairs. */
export function refineProjection(projection: Float32Array, dimension: number, pairs: Array<[SparseRow, SparseRow]>, params: RefineParams, seed: number): void {
  const usable = pairs.filter(([q, p]) => q.ids.length > 0 && p.ids.length > 0);
  if (params.epochs <= 0 || usable.length < 2) return;
  const d = dimension;
  const squares = new Float32Array(projection.length / d);
  const random = lcg(seed);
  const maxBatch = Math.max(2, params.batch);
  const uq = new Float32Array(maxBatch * d);
  const up = new Float32Array(maxBatch * d);
  const normQ = new Float32Array(maxBatch);
  const normP = new Float32Array(maxBatch);
  const gq = new Float32Array(maxBatch * d);
  const gp = new Float32Array(maxBatch * d);
  const scores = new Float64Array(maxBatch * maxBatch);
  const grad = new Float64Array(maxBatch * maxBatch);
  const gz = new Float32Array(d);
  const step = new Float32Array(d);
  const tau = params.temperature;

  const project = (row: SparseRow, out: Float32Array, at: number): number => {
    out.fill(0, at, at + d);
    for (let k = 0; k < row.ids.length; k++) {
      const base = (row.ids[k] as number) * d;
      const w = row.weights[k] as number;
      for (let r = 0; r < d; r++) out[at + r] = (out[at + r] as number) + w * (projection[base + r] as number);
    }
    let norm = 0;
    for (let r = 0; r < d; r++) norm += (out[at + r] as number) ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let r = 0; r < d; r++) out[at + r] = (out[at + r] as number) / norm;
    return norm;
  };

  // The gradient on a unit vector, taken back through the normalisation, moves each of its terms' rows.
  const update = (row: SparseRow, u: Float32Array, g: Float32Array, at: number, norm: number) => {
    let dot = 0;
    for (let r = 0; r < d; r++) dot += (u[at + r] as number) * (g[at + r] as number);
    for (let r = 0; r < d; r++) gz[r] = ((g[at + r] as number) - (u[at + r] as number) * dot) / norm;
    for (let k = 0; k < row.ids.length; k++) {
      const id = row.ids[k] as number;
      const w = row.weights[k] as number;
      const base = id * d;
      let sum = 0;
      for (let r = 0; r < d; r++) {
        const s = w * (gz[r] as number);
        step[r] = s;
        sum += s * s;
      }
      squares[id] = (squares[id] as number) + sum / d;
      const rate = params.learningRate / Math.sqrt((squares[id] as number) + 1e-8);
      for (let r = 0; r < d; r++) projection[base + r] = (projection[base + r] as number) - rate * (step[r] as number);
    }
  };

  const order = usable.map((_, i) => i);
  for (let epoch = 0; epoch < params.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (let start = 0; start + 1 < order.length; start += maxBatch) {
      const batch = order.slice(start, start + maxBatch).map((i) => usable[i] as [SparseRow, SparseRow]);
      const n = batch.length;
      batch.forEach(([q, p], i) => {
        normQ[i] = project(q, uq, i * d);
        normP[i] = project(p, up, i * d);
      });
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let r = 0; r < d; r++) s += (uq[i * d + r] as number) * (up[j * d + r] as number);
          scores[i * n + j] = s / tau;
        }
      }
      // The loss's gradient on each score, both directions (each query against every passage, each
      // passage against every query) summed; then on the unit vectors, as two products with it.
      grad.fill(0, 0, n * n);
      for (const byQuery of [true, false]) {
        for (let i = 0; i < n; i++) {
          const at = (j: number) => (byQuery ? i * n + j : j * n + i);
          let max = -Infinity;
          for (let j = 0; j < n; j++) max = Math.max(max, scores[at(j)] as number);
          let total = 0;
          for (let j = 0; j < n; j++) total += Math.exp((scores[at(j)] as number) - max);
          for (let j = 0; j < n; j++) {
            grad[at(j)] = (grad[at(j)] as number) + (Math.exp((scores[at(j)] as number) - max) / total - (i === j ? 1 : 0)) / tau / n / 2;
          }
        }
      }
      gq.fill(0, 0, n * d);
      gp.fill(0, 0, n * d);
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          const g = grad[a * n + b] as number;
          for (let r = 0; r < d; r++) {
            gq[a * d + r] = (gq[a * d + r] as number) + g * (up[b * d + r] as number);
            gp[b * d + r] = (gp[b * d + r] as number) + g * (uq[a * d + r] as number);
          }
        }
      }
      batch.forEach(([q, p], i) => {
        update(q, uq, gq, i * d, normQ[i] as number);
        update(p, up, gp, i * d, normP[i] as number);
      });
    }
  }
}

/** A small deterministic generator (numerical recipes' LCG), enough to shuffle pairs. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}
