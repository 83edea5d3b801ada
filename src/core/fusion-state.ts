import type { Chunk } from '../types.js';

/**
 * What fusion adds up, by chunk and by doc row, reused by every search: a value belongs to the
 * current search when its mark is the search's generation (nothing needs clearing between them).
 */
export class FusionState {
  readonly score: Float64Array;
  readonly chunkMark: Uint32Array;
  readonly docScore: Float64Array;
  readonly docMark: Uint32Array;
  /** Per doc row, the last ranking that counted the doc (its first chunk there gives its rank). */
  readonly seen: Uint32Array;
  /** Per chunk, its doc's row: the docs' order in `docIds`, then any doc a chunk names that is not listed. */
  readonly rowOfChunk: Int32Array;
  readonly rowOfDoc: Map<string, number>;
  private generation = 0;

  constructor(chunks: Chunk[], docIds: string[]) {
    this.rowOfDoc = new Map(docIds.map((id, i) => [id, i]));
    this.rowOfChunk = Int32Array.from(chunks, (c) => {
      let row = this.rowOfDoc.get(c.docId);
      if (row === undefined) this.rowOfDoc.set(c.docId, (row = this.rowOfDoc.size));
      return row;
    });
    this.score = new Float64Array(chunks.length);
    this.chunkMark = new Uint32Array(chunks.length);
    this.docScore = new Float64Array(this.rowOfDoc.size);
    this.docMark = new Uint32Array(this.rowOfDoc.size);
    this.seen = new Uint32Array(this.rowOfDoc.size);
  }

  /**
   * Makes room for `count` generations, called once at the start of a search: when the marks
   * would overflow within them, every mark starts again from zero (never in the middle of a search).
   */
  reserve(count: number): void {
    if (this.generation + count < 0xffffffff) return;
    for (const marks of [this.chunkMark, this.docMark, this.seen]) marks.fill(0);
    this.generation = 0;
  }

  /** A new generation: a mark equal to it belongs to the current search or ranking. */
  next(): number {
    return ++this.generation;
  }
}
