import { readFileSync } from 'node:fs';
import { IndexWriteError, writeFailure } from '../src/store/errors.js';
import { hnswCodec, type Vectors } from '../src/store/format/codecs.js';
import { startHnsw } from '../src/store/format/index-format.js';
import type { IndexWriter } from '../src/store/index-writer.js';
import { buildLexicalIndexes, type LexicalIndexes } from '../src/store/lexical-indexes.js';
import { checkHnswFile as checkHnswBytes, DEFAULT_HNSW_PARAMS } from '../src/store/vector-index.js';
import type { Chunk, DocRecord, NavNode } from '../src/types.js';

export interface SearchInput {
  chunks: Chunk[];
  docs: DocRecord[];
  navigation: NavNode[];
  vectors: Vectors;
  /** Which docs the lexical term statistics are taken over (default all; see buildLexicalIndexes). */
  inStats?: (docId: string) => boolean;
  progress?: (stage: string, done: number, total: number) => void;
  /** Test hook: called when the HNSW library has written its file, before the file is checked. */
  afterHnswWrite?: (file: string) => void | Promise<void>;
}

/**
 * The search-structures stage of a build. The HNSW graph is built on a worker thread straight into
 * the new version folder while this thread builds the lexical indexes; the HNSW file is read back.
 */
export async function buildSearchStructures(writer: IndexWriter, input: SearchInput): Promise<{ lexical: LexicalIndexes }> {
  input.progress?.('index', 0, 1);
  const { file: hnswFile, built: hnswBuilt } = await startHnsw(writer, input.vectors, DEFAULT_HNSW_PARAMS);
  let lexical: LexicalIndexes;
  try {
    lexical = buildLexicalIndexes(input.chunks, input.docs, input.navigation, input.inStats);
  } finally {
    await hnswBuilt.catch(() => {});
  }
  await hnswBuilt.catch((error: unknown) => {
    throw writeFailure(error, hnswFile, `writing ${hnswCodec.file}`);
  });
  await input.afterHnswWrite?.(hnswFile);
  checkHnswFile(hnswFile, input.vectors.dimension, input.chunks.length);
  return { lexical };
}

/**
 * hnswlib writes its file through a stream whose errors it ignores, so a full disk leaves a
 * truncated file and no error. Reading the file back is the only proof that it is complete: its
 * whole structure is checked as a server checks it, without loading a second copy of the graph
 * into hnswlib (15 MB more at the peak of an ingest 4× the default corpus).
 */
function checkHnswFile(file: string, dimension: number, count: number): void {
  let size = 0;
  try {
    const bytes = readFileSync(file);
    size = bytes.length;
    checkHnswBytes(bytes, { dimension, count, m: DEFAULT_HNSW_PARAMS.m });
  } catch (error) {
    throw new IndexWriteError(
      file,
      undefined,
      `the HNSW file read back is incomplete (${size} bytes; ${(error as Error).message}); the HNSW library does not report write errors, so the disk is probably full`,
      'free some disk space and run ingest again; the previous index is unchanged and still serves',
    );
  }
}
