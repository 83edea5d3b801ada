import type { Chunk } from '../types.js';

/** What gets embedded and indexed for a chunk: its context (doc title, heading path) and its body. */
export function embeddingText(chunk: Pick<Chunk, 'title' | 'heading' | 'text'>): string {
  const context = [chunk.title, ...chunk.heading].join(' > ');
  return `${context}\n\n${chunk.text}`;
}
