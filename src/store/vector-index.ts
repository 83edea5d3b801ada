import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import hnswlib from 'hnswlib-node';
import type { z } from 'zod';
import type { hnswParamsSchema } from './format/manifest.js';

/**
 * The HNSW index (hnswlib-node, cosine). The only module that imports hnswlib-node.
 * Labels are chunk positions. Parameters were chosen by measuring recall@10 against exact
 * search on the real index (see `npm run bench`).
 */
export type HnswParams = z.infer<typeof hnswParamsSchema>;

/**
 * efSearch is a floor: hnswlib searches max(ef, k) deep. A default search asks for 80 neighbours
 * (the retriever's candidates); at ef 96 its top 80 agree with exact search 0.991 of the time
 * (0.986 at ef 64 or 80, 0.996 at 128, which costs a seventh more), on the bench's probe queries.
 */
export const DEFAULT_HNSW_PARAMS: HnswParams = { m: 16, efConstruction: 100, efSearch: 96, seed: 100 };

export interface Neighbor {
  index: number;
  /** Cosine similarity. */
  score: number;
}

export class VectorIndex {
  private constructor(
    private readonly index: hnswlib.HierarchicalNSW,
    readonly dimension: number,
    readonly size: number,
  ) {}

  static build(vectors: Float32Array[], dimension: number, params: HnswParams = DEFAULT_HNSW_PARAMS): VectorIndex {
    const index = new hnswlib.HierarchicalNSW('cosine', dimension);
    index.initIndex(Math.max(1, vectors.length), params.m, params.efConstruction, params.seed);
    vectors.forEach((v, i) => index.addPoint(Array.from(v), i));
    index.setEf(params.efSearch);
    return new VectorIndex(index, dimension, vectors.length);
  }

  /** Reads a file the caller has checked with `checkHnswFile`: hnswlib trusts the bytes it is given. */
  static read(file: string, dimension: number, size: number, efSearch: number): VectorIndex {
    const index = new hnswlib.HierarchicalNSW('cosine', dimension);
    index.readIndexSync(file);
    index.setEf(efSearch);
    if (index.getCurrentCount() !== size) throw new Error(`holds ${index.getCurrentCount()} vectors, expected ${size}`);
    return new VectorIndex(index, dimension, size);
  }

  write(file: string): void {
    this.index.writeIndexSync(file);
  }

  setEf(ef: number): void {
    this.index.setEf(ef);
  }

  search(query: Float32Array, k: number, allow?: (index: number) => boolean): Neighbor[] {
    const n = Math.min(k, this.size);
    if (n <= 0) return [];
    const result = this.index.searchKnn(Array.from(query), n, allow);
    return result.neighbors.map((index, i) => ({ index, score: 1 - (result.distances[i] ?? 1) }));
  }
}

/** What the manifest says the HNSW file must hold. */
export interface HnswExpectation {
  dimension: number;
  count: number;
  m: number;
}

/** Bytes of the header hnswlib writes before the level-0 data (see `saveIndex` in hnswalg.h). */
const HEADER_BYTES = 96;
/** hnswlib draws levels as -ln(U)/ln(M); even 2^32 points stay far below this. */
const MAX_LEVEL = 64;

/**
 * Checks an HNSW file against the manifest before hnswlib reads it: hnswlib trusts the header
 * and the link lists, so a crafted file (checksum recomputed) would otherwise crash the process
 * inside native code. Verifies every header field, the exact file size, and that every link
 * points at an existing node on a level that node has. Throws an Error saying what is wrong.
 */
export function checkHnswFile(bytes: Uint8Array, expected: HnswExpectation): void {
  const fail = (problem: string): never => {
    throw new Error(`its HNSW data does not match the manifest: ${problem}`);
  };
  if (bytes.length < HEADER_BYTES) fail(`${bytes.length} bytes is shorter than the ${HEADER_BYTES}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u64 = (at: number) => {
    const value = view.getBigUint64(at, true);
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(value);
  };
  const field = (name: string, at: number, want: number) => {
    const got = u64(at);
    if (got !== want) fail(`${name} is ${got === -1 ? 'out of range' : got}, expected ${want}`);
  };
  const { count, dimension, m } = expected;
  const linksLevel0 = 2 * m * 4 + 4;
  const linksUpper = m * 4 + 4;
  const perElement = linksLevel0 + dimension * 4 + 8;
  field('level-0 offset', 0, 0);
  field('capacity', 8, Math.max(1, count));
  field('element count', 16, count);
  field('bytes per element (dimension)', 24, perElement);
  field('label offset', 32, linksLevel0 + dimension * 4);
  field('data offset', 40, linksLevel0);
  field('maxM', 56, m);
  field('maxM0', 64, 2 * m);
  field('M', 72, m);
  const maxLevel = view.getInt32(48, true);
  const entry = view.getUint32(52, true);
  if (count > 0 && (maxLevel < 0 || maxLevel > MAX_LEVEL)) fail(`top level ${maxLevel} is outside 0..${MAX_LEVEL}`);
  if (count > 0 && entry >= count) fail(`entry point ${entry} is not one of the ${count} elements`);
  const levels = new Array<number>(count);
  const upper = new Array<number>(count);
  let at = HEADER_BYTES + count * perElement;
  if (at > bytes.length) fail(`${bytes.length} bytes cannot hold ${count} elements of ${perElement} bytes`);
  for (let i = 0; i < count; i++) {
    if (at + 4 > bytes.length) fail(`the file ends inside the link lists (element ${i})`);
    const size = view.getUint32(at, true);
    if (size % linksUpper !== 0 || size / linksUpper > maxLevel) fail(`element ${i} has an invalid upper-level link list size ${size}`);
    levels[i] = size / linksUpper;
    upper[i] = at + 4;
    at += 4 + size;
  }
  if (at !== bytes.length) fail(`the file is ${bytes.length} bytes, its header and link lists describe ${at}`);
  if (count > 0 && levels[entry] !== maxLevel) fail(`the entry point is on level ${levels[entry]}, the top level is ${maxLevel}`);
  const checkList = (start: number, level: number, max: number, owner: number) => {
    const n = view.getUint16(start, true);
    if (n > max) fail(`element ${owner} has ${n} links on level ${level}, at most ${max} fit`);
    for (let j = 0; j < n; j++) {
      const target = view.getUint32(start + 4 + 4 * j, true);
      if (target >= count || (levels[target] ?? -1) < level) fail(`element ${owner} links to ${target} on level ${level}, which has no such node`);
    }
  };
  for (let i = 0; i < count; i++) {
    const base = HEADER_BYTES + i * perElement;
    if (view.getUint8(base + 2) !== 0) fail(`element ${i} is marked deleted`);
    checkList(base, 0, 2 * m, i);
    const label = u64(base + linksLevel0 + dimension * 4);
    if (label < 0 || label >= count) fail(`element ${i} has label ${label}, expected a chunk position below ${count}`);
    for (let level = 1; level <= (levels[i] ?? 0); level++) checkList((upper[i] ?? 0) + (level - 1) * linksUpper, level, m, i);
  }
}

/** The first `count` rows of a row-major `count × dimension` array, as views (nothing copied). */
export function vectorRows(flat: Float32Array, dimension: number, count: number): Float32Array[] {
  return Array.from({ length: count }, (_, i) => flat.subarray(i * dimension, (i + 1) * dimension));
}

/** Exact cosine top-k over unit vectors: the ground truth for measuring HNSW recall. */
export function bruteForce(vectors: Float32Array[], query: Float32Array, k: number): Neighbor[] {
  const scored = vectors.map((v, index) => {
    let dot = 0;
    for (let i = 0; i < v.length; i++) dot += (v[i] ?? 0) * (query[i] ?? 0);
    return { index, score: dot };
  });
  return scored.sort((a, b) => b.score - a.score).slice(0, k);
}

/**
 * Builds the HNSW index of `flat` (count × dimension) and writes it to `file`, on a worker thread
 * when the compiled worker is available (it is not when running from TypeScript sources), so that
 * the caller can do other work meanwhile.
 */
export async function buildHnswFile(flat: Float32Array, dimension: number, params: HnswParams, file: string): Promise<void> {
  const worker = new URL('./hnsw-worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(worker))) return writeHnswFile(flat, dimension, params, file);
  await new Promise<void>((resolve, reject) => {
    const thread = new Worker(worker, { workerData: { vectors: flat, dimension, params, file } });
    thread.once('message', () => resolve());
    thread.once('error', reject);
    thread.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the HNSW build thread exited with code ${code}`))));
  });
}

/** Builds the HNSW index of `flat` (count × dimension) and writes it to `file`, on this thread. */
export function writeHnswFile(flat: Float32Array, dimension: number, params: HnswParams, file: string): void {
  const vectors = vectorRows(flat, dimension, flat.length / dimension);
  VectorIndex.build(vectors, dimension, params).write(file);
}
