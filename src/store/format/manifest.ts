import { z } from 'zod';

/**
 * Bump when any file's layout changes (a codec in codecs.ts, or this schema): an index of another
 * format is refused with a rebuild hint, and ingest rebuilds it in full.
 */
export const FORMAT_VERSION = 4;

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
  embedder: z.object({
    kind: z.enum(['local', 'transformers']),
    model: z.string(),
    dimension: z.number().int().positive(),
    params: z.record(z.unknown()),
    /** Content hash of the corpus the local model was fitted on (it is reused while little changes). */
    fittedOn: z.string().optional(),
    fittedChunks: z.number().int().nonnegative().optional(),
  }),
  chunker: z.object({ version: z.number().int(), target: z.number(), max: z.number(), min: z.number() }),
  hnsw: z.object({ space: z.literal('cosine'), m: z.number().int(), efConstruction: z.number().int(), efSearch: z.number().int(), seed: z.number().int() }),
  counts: z.object({ files: z.number().int(), docs: z.number().int(), sections: z.number().int(), chunks: z.number().int(), changelog: z.number().int() }),
  registryHash: z.string(),
  /** The tokenizer the lexical indexes and the local embedder were built with. */
  tokenizerVersion: z.number().int(),
  sources: z.record(z.object({ docId: z.string(), sha256: z.string() })),
  artifacts: z.record(artifactSchema),
});

export type Manifest = z.infer<typeof manifestSchema>;
