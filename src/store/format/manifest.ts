import { z } from 'zod';

/**
 * Bump when any file's layout changes (a codec in codecs.ts, or this schema): an index of another
 * format is refused with a rebuild hint, and ingest rebuilds it in full.
 */
export const FORMAT_VERSION = 5;

/** What the manifest records about the embedder that built an index; EmbedderInfo is this type. */
export const embedderInfoSchema = z.object({
  kind: z.enum(['local', 'transformers']),
  /** `lsa` for the local embedder, the model id (e.g. `Xenova/all-MiniLM-L6-v2`) for transformers. */
  model: z.string(),
  dimension: z.number().int().positive(),
  params: z.record(z.unknown()),
});

/** The chunk size bounds the chunker ran with; ChunkOptions is this type. */
export const chunkOptionsSchema = z.object({
  /** Aim for chunks about this long (characters). */
  target: z.number(),
  /** Never exceed this: a longer line is cut at a space (or, failing one, anywhere). */
  max: z.number(),
  /** A section shorter than this is merged with its neighbour. */
  min: z.number(),
});

/** The HNSW graph's parameters; HnswParams is this type. */
export const hnswParamsSchema = z.object({ m: z.number().int(), efConstruction: z.number().int(), efSearch: z.number().int(), seed: z.number().int() });

const artifactSchema = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative() });

export const manifestSchema = z.object({
  formatVersion: z.number().int(),
  createdAt: z.string(),
  buildMs: z.number().nonnegative(),
  corpus: z.object({
    source: z.string(),
    docsDir: z.string(),
    changelogsDir: z.string().nullable(),
    baseUrl: z.string(),
    contentHash: z.string(),
  }),
  embedder: embedderInfoSchema.extend({
    /** Content hash of the corpus the local model was fitted on (it is reused while little changes). */
    fittedOn: z.string().optional(),
    fittedChunks: z.number().int().nonnegative().optional(),
  }),
  chunker: z.object({ version: z.number().int() }).merge(chunkOptionsSchema),
  hnsw: z.object({ space: z.literal('cosine') }).merge(hnswParamsSchema),
  counts: z.object({ files: z.number().int(), docs: z.number().int(), sections: z.number().int(), chunks: z.number().int(), changelog: z.number().int() }),
  registryHash: z.string(),
  /** The tokenizer the lexical indexes and the local embedder were built with. */
  tokenizerVersion: z.number().int(),
  sources: z.record(z.object({ docId: z.string(), sha256: z.string() })),
  artifacts: z.record(artifactSchema),
});

export type Manifest = z.infer<typeof manifestSchema>;
