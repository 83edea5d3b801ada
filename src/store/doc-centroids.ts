import type { Chunk } from '../types.js';

/**
 * Each doc's mean direction in the embedding space: the normalised sum of its chunks' vectors,
 * row-major in `docIds` order (a doc without chunks is all zeros). A chunk's vector says what one
 * section is about; the centroid says what the whole page is about, which is what a question that
 * names a page's purpose matches, where several pages share its words in one section each.
 */
export function docCentroids(chunks: Chunk[], vectors: Float32Array[], docIds: string[]): Float32Array {
  const dimension = vectors[0]?.length ?? 0;
  const row = new Map(docIds.map((id, i) => [id, i]));
  const out = new Float32Array(docIds.length * dimension);
  chunks.forEach((chunk, i) => {
    const r = row.get(chunk.docId);
    const v = vectors[i];
    if (r === undefined || !v) return;
    const base = r * dimension;
    for (let k = 0; k < dimension; k++) out[base + k] = (out[base + k] as number) + (v[k] as number);
  });
  for (let r = 0; r < docIds.length; r++) {
    const base = r * dimension;
    let norm = 0;
    for (let k = 0; k < dimension; k++) norm += (out[base + k] as number) ** 2;
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let k = 0; k < dimension; k++) out[base + k] = (out[base + k] as number) * scale;
    }
  }
  return out;
}

/** The given docs (rows of `centroids`) ordered by cosine to `query`, best first; ties keep row order. */
export function rankByCentroid(centroids: Float32Array, dimension: number, query: Float32Array, rows: number[]): number[] {
  const dots = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const base = (rows[i] as number) * dimension;
    // Four sums at a time, and no object per row: with the marks of centroidRanking, 86 → 58 µs of a search.
    let d0 = 0;
    let d1 = 0;
    let d2 = 0;
    let d3 = 0;
    let k = 0;
    for (; k + 3 < dimension; k += 4) {
      d0 += (centroids[base + k] as number) * (query[k] as number);
      d1 += (centroids[base + k + 1] as number) * (query[k + 1] as number);
      d2 += (centroids[base + k + 2] as number) * (query[k + 2] as number);
      d3 += (centroids[base + k + 3] as number) * (query[k + 3] as number);
    }
    for (; k < dimension; k++) d0 += (centroids[base + k] as number) * (query[k] as number);
    dots[i] = d0 + d1 + d2 + d3;
  }
  const order = Array.from(rows.keys());
  order.sort((a, b) => (dots[b] as number) - (dots[a] as number) || (rows[a] as number) - (rows[b] as number));
  return order.map((i) => rows[i] as number);
}
