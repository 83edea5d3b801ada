import { z } from 'zod';
import { LocalEmbedder, type LocalParams } from '../../embed/local.js';
import { pack, unpack } from '../binpack.js';
import { LexicalIndex, type LexicalParams } from '../lexical.js';
import { PackedStrings } from '../string-table.js';
import { buildHnswFile, checkHnswFile, VectorIndex, type HnswParams } from '../vector-index.js';
import {
  changelogEntrySchema,
  chunkRecordSchema,
  docRecordSchema,
  navTopSchema,
  registryPartsSchema,
  sampled,
  type ChangelogEntry,
  type Chunk,
  type ChunkRecord,
  type DocRecord,
  type NavNode,
  type RegistryParts,
} from './records.js';

/** A file's bytes, or its text in pieces (written one after another, so that it is never held whole). */
export type Encoded = Buffer | string | Iterable<string>;

/**
 * One codec per component of an index: its file name in a version folder, how its value becomes
 * bytes and how bytes become the value again. `decode` is given bytes whose size and checksum the
 * reader has verified against the manifest, plus what it needs to check the content against the
 * rest of the index (counts, dimension); it throws a plain Error saying what is wrong, which the
 * reader reports with the file's path.
 *
 * Bump FORMAT_VERSION (manifest.ts) when a file name or the bytes any codec writes change.
 */
export interface Codec<T, Context = undefined, E extends Encoded = Encoded> {
  readonly file: string;
  encode(value: T): E;
  decode(bytes: Buffer, context: Context): T;
}

function jsonCodec<T>(file: string, schema: z.ZodType<T>): Codec<T, undefined, string> {
  return {
    file,
    encode: (value) => JSON.stringify(value),
    decode(bytes) {
      try {
        return schema.parse(JSON.parse(bytes.toString('utf8')));
      } catch (error) {
        throw new Error(`its content is invalid (${(error as Error).message.slice(0, 200)})`);
      }
    },
  };
}

export interface DocsFile {
  docs: DocRecord[];
  navigation: NavNode[];
}

/** Vectors as one packed float array, count × dimension, in chunk order. */
export interface Vectors {
  flat: Float32Array;
  dimension: number;
}

/** The vectors file: the chunks' vectors and each doc's centroid (docCentroids, docs × dimension, in doc order). */
export interface StoredVectors extends Vectors {
  docCentroids: Float32Array;
}

function lexicalCodec(file: string): Codec<LexicalIndex, { size: number; what: string }, Buffer> {
  return {
    file,
    encode(index) {
      const packed = index.toPacked();
      return pack(packed.meta, packed.arrays);
    },
    decode(bytes, { size, what }) {
      const packed = unpack(bytes);
      const index = LexicalIndex.fromPacked(packed.meta as { params: LexicalParams }, packed.arrays);
      if (index.size !== size) throw new Error(`covers ${index.size} ${what}, expected ${size}`);
      return index;
    },
  };
}

/**
 * The HNSW graph is the one component whose bytes another library writes: hnswlib builds the
 * index and writes the file itself (on a worker thread, while the build does other work), and
 * reads it from a path. So it has `build`/`read` on files instead of encode/decode on bytes.
 */
export const hnswCodec = {
  file: 'vectors.hnsw',
  build: (file: string, vectors: Vectors, params: HnswParams): Promise<void> => buildHnswFile(vectors.flat, vectors.dimension, params, file),
  /** `bytes` are the file's bytes, checked against the manifest before hnswlib (which trusts them) reads the file. */
  read(file: string, bytes: Uint8Array, context: { dimension: number; count: number; efSearch: number; m: number }): VectorIndex {
    checkHnswFile(bytes, context);
    return VectorIndex.read(file, context.dimension, context.count, context.efSearch);
  },
} as const;

/**
 * A chunk whose text stays in the index's chunk texts until it is read: a server decodes the few
 * it shows, not 2.2 MB of text at start (about 15 ms, and 4 MB of heap for as long as it runs).
 */
class StoredChunk implements Chunk {
  declare readonly id: string;
  declare readonly docId: string;
  declare readonly url: string;
  declare readonly title: string;
  declare readonly heading: string[];
  declare readonly anchor: string;
  declare readonly context?: string[];
  declare readonly hash: string;
  readonly #texts: PackedStrings;
  readonly #row: number;

  constructor(record: ChunkRecord, texts: PackedStrings, row: number) {
    Object.assign(this, record);
    this.#texts = texts;
    this.#row = row;
  }

  get text(): string {
    return this.#texts.at(this.#row);
  }
}

/** The chunks of chunks.json with their texts: read now (`eager`, for a build to reuse), or on use (StoredChunk). */
export function joinChunkTexts(records: ChunkRecord[], texts: PackedStrings, eager: boolean): Chunk[] {
  if (records.length !== texts.size) throw new Error(`holds ${texts.size} texts for ${records.length} chunks`);
  return records.map((record, i) => (eager ? { ...record, text: texts.at(i) } : new StoredChunk(record, texts, i)));
}

/** chunks.json's records: each chunk without its text. */
export function chunkRecords(chunks: Chunk[]): ChunkRecord[] {
  return chunks.map(({ text: _text, ...record }) => record);
}

export const CODECS = {
  chunks: jsonCodec<ChunkRecord[]>('chunks.json', sampled(chunkRecordSchema)),
  /** Every chunk's text, in chunk order, as packed UTF-8 (see StoredChunk); joinChunkTexts checks the count. */
  chunkTexts: {
    file: 'chunk-text.bin',
    encode: (texts) => pack({}, { bytes: texts.bytes, offsets: texts.offsets }),
    decode(bytes) {
      const { arrays } = unpack(bytes);
      return PackedStrings.checked(arrays.bytes, arrays.offsets, 'text');
    },
  } satisfies Codec<PackedStrings, undefined, Buffer>,
  docs: {
    ...jsonCodec<DocsFile>('docs.json', z.object({ docs: sampled(docRecordSchema), navigation: z.array(navTopSchema) })),
    /**
     * JSON.stringify({ docs, navigation }) one doc at a time: the docs' markdown is the largest
     * text of an index (13 MB for a corpus 4× the default), which as one string and its bytes
     * raised an ingest's peak by three times that.
     */
    *encode({ docs, navigation }: DocsFile): Iterable<string> {
      yield '{"docs":[';
      for (let i = 0; i < docs.length; i++) yield `${i ? ',' : ''}${JSON.stringify(docs[i])}`;
      yield `],"navigation":${JSON.stringify(navigation)}}`;
    },
  } satisfies Codec<DocsFile, undefined, Iterable<string>>,
  /**
   * The doc ids in `docs` order, apart from the docs: search needs only these (to name what the
   * doc-level indexes rank), so a server can search before it has read any doc's markdown.
   */
  docIds: jsonCodec<string[]>('doc-ids.json', z.array(z.string())),
  changelog: jsonCodec<ChangelogEntry[]>('changelog.json', z.array(changelogEntrySchema)),
  /** Each reference file's part of the YAML registry, reused by incremental builds. */
  registry: jsonCodec<RegistryParts>('registry.json', registryPartsSchema),
  vectors: {
    file: 'vectors.bin',
    encode: ({ flat, dimension, docCentroids }) => pack({ dimension }, { vectors: flat, docCentroids }),
    decode(bytes, { count, docCount, dimension }) {
      const { vectors: flat, docCentroids } = unpack(bytes).arrays;
      if (!(flat instanceof Float32Array) || flat.length !== count * dimension) throw new Error(`expected ${count} vectors of dimension ${dimension}`);
      if (!(docCentroids instanceof Float32Array) || docCentroids.length !== docCount * dimension) throw new Error(`expected ${docCount} doc centroids of dimension ${dimension}`);
      return { flat, dimension, docCentroids };
    },
  } satisfies Codec<StoredVectors, { count: number; docCount: number; dimension: number }, Buffer>,
  /** The three lexical indexes: one entry per chunk; per doc (title, description, headings); per doc (whole text). */
  lexicalChunks: lexicalCodec('lexical.bin'),
  lexicalDocs: lexicalCodec('doc-lexical.bin'),
  lexicalFulltext: lexicalCodec('doc-fulltext.bin'),
  /** The local embedder's learned model; present when the index was built with it. */
  localModel: {
    file: 'embedder.bin',
    encode(embedder) {
      const packed = embedder.toPacked();
      return pack(packed.meta, packed.arrays);
    },
    decode(bytes, { dimension }) {
      const packed = unpack(bytes);
      const embedder = LocalEmbedder.fromPacked(packed.meta as { params: LocalParams; terms: string[]; dimension: number }, packed.arrays);
      if (embedder.dimension !== dimension) throw new Error(`has dimension ${embedder.dimension}, the manifest says ${dimension}`);
      return embedder;
    },
  } satisfies Codec<LocalEmbedder, { dimension: number }, Buffer>,
} as const;

/** Every file name an index version may hold besides manifest.json, by component. */
export const ARTIFACTS = {
  ...(Object.fromEntries(Object.entries(CODECS).map(([key, codec]) => [key, codec.file])) as { [K in keyof typeof CODECS]: (typeof CODECS)[K]['file'] }),
  hnsw: hnswCodec.file,
};
