import type { z } from 'zod';
import type { embedderInfoSchema } from '../store/format/manifest.js';

/** What the manifest records about the embedder that built an index (its schema is the format's). */
export type EmbedderInfo = z.infer<typeof embedderInfoSchema>;

/** Text in, unit-length vectors out. Queries and passages may be embedded differently (prefixes). */
export interface Embedder {
  readonly info: EmbedderInfo;
  embedPassages(texts: string[]): Promise<Float32Array[]>;
  embedQuery(text: string): Promise<Float32Array>;
  /**
   * embedQuery of a query already split by `tokenize`, at once, for an embedder that reads its
   * tokens: search tokenizes a query once for its lexical indexes and this embedder.
   */
  embedTokens?(tokens: string[]): Float32Array;
}

export class EmbedderError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(`${message}\nFix: ${fix}`);
    this.name = 'EmbedderError';
  }
}

export function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += (vector[i] ?? 0) ** 2;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] ?? 0) / norm;
  return vector;
}
