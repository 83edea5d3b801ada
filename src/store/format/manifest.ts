import { z } from 'zod';

/**
 * Bump when any file's layout changes (a codec in codecs.ts, or this schema): an index of another
 * format is refused with a rebuild hint, and ingest rebuilds it in full.
 */
export const FORMAT_VERSION = 9;

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

/** What the last fetch of an online source (site, feed) did, for `stats` and the build summary. */
export const fetchRecordSchema = z.object({
  /** When it ended (ISO), and how long it took. */
  at: z.string(),
  ms: z.number().nonnegative(),
  /** Pages (or feed entries) listed, and in the index after the run. */
  listed: z.number().int(),
  pages: z.number().int(),
  /** Downloaded anew; asked for and unchanged (304); failed and not indexed; failed and kept from before; dropped. */
  fetched: z.number().int(),
  unchanged: z.number().int(),
  failed: z.number().int(),
  kept: z.number().int(),
  removed: z.number().int(),
  requests: z.number().int(),
  conditional: z.number().int(),
  notModified: z.number().int(),
  /** Body bytes downloaded. */
  bytes: z.number().int(),
  /** Built from the cache without fetching (ingest --offline). */
  offline: z.boolean().optional(),
});
export type FetchRecord = z.infer<typeof fetchRecordSchema>;

/** Bounds of fetching an online source, as given when it was added (kept for refreshes). */
export const fetchOptionsSchema = z.object({
  maxPages: z.number().int().positive().optional(),
  timeoutMs: z.number().int().positive().optional(),
  maxPageBytes: z.number().int().positive().optional(),
});

/**
 * One source of docs, as ingest was asked to index it: recorded so that `ingest --index X` alone
 * rebuilds X from the same sources, and so that the server can name what it serves.
 */
export const sourceRecordSchema = z.object({
  /**
   * folder: a docs folder; docs-package: the pinned WorkOS docs package; npm-package: an SDK
   * package's README (and signatures); site: a live docs site read from its llms.txt; feed: a
   * changelog feed (RSS or Atom).
   */
  kind: z.enum(['folder', 'docs-package', 'npm-package', 'site', 'feed']),
  /** What users call it: "WorkOS", "Mastra", "@workos-inc/authkit-nextjs". */
  name: z.string(),
  /** Doc ids of this source start with `prefix/` (empty: no prefix). */
  prefix: z.string(),
  /** Page URLs are the base URL followed by the id within the source. */
  baseUrl: z.string(),
  /** The folder read (folder, docs-package), absolute. */
  docsDir: z.string().optional(),
  /** Changelog JSON files, if the source has them. */
  changelogsDir: z.string().nullable().optional(),
  /** npm package name and exact version (docs-package, npm-package). */
  package: z.string().optional(),
  version: z.string().optional(),
  /** The registry's integrity of the package tarball (npm-package). */
  integrity: z.string().optional(),
  /** Index the public methods of the package's type declarations (npm-package). */
  signatures: z.boolean().optional(),
  /** Title of the navigation node that holds sources sharing the prefix's first segment ("SDKs"). */
  group: z.string().optional(),
  /** The SDK's client class and the variable examples call it by (default WorkOS / workos), for `signatures`. */
  client: z.object({ className: z.string(), variable: z.string() }).optional(),
  /** The framework or platform the package is for, as code examples name it ("nextjs", "node"). */
  framework: z.string().optional(),
  /** A source that came from a preset (`workos-docs`, `workos-sdks`) follows the preset's current pins on a rebuild. */
  preset: z.enum(['workos-docs', 'workos-sdks']).optional(),
  /** The site's llms.txt (site). */
  llmsTxt: z.string().optional(),
  /** The changelog feed, RSS or Atom (feed). */
  feedUrl: z.string().optional(),
  fetch: fetchOptionsSchema.optional(),
  /** The last fetch (site, feed). */
  fetched: fetchRecordSchema.optional(),
});
export type SourceRecord = z.infer<typeof sourceRecordSchema>;

export type FetchBounds = z.infer<typeof fetchOptionsSchema>;

/** The bounds given (a config entry's fields, CLI flags), without the ones left unset. */
export function fetchBoundsOf(given: { maxPages?: number | undefined; timeoutMs?: number | undefined; maxPageBytes?: number | undefined }): FetchBounds {
  const { maxPages, timeoutMs, maxPageBytes } = given;
  return { ...(maxPages ? { maxPages } : {}), ...(timeoutMs ? { timeoutMs } : {}), ...(maxPageBytes ? { maxPageBytes } : {}) };
}

/** The bounds as fetch limits (`maxPageBytes` is the per-request `maxBytes`). */
export function fetchLimitsOf(bounds: FetchBounds = {}): { maxPages?: number; timeoutMs?: number; maxBytes?: number } {
  const { maxPageBytes, ...rest } = fetchBoundsOf(bounds);
  return { ...rest, ...(maxPageBytes ? { maxBytes: maxPageBytes } : {}) };
}

/** Sources fetched from the web when ingest or refresh runs (never when serving): a site, a feed. */
export function isOnlineSource(source: SourceRecord): boolean {
  return source.kind === 'site' || source.kind === 'feed';
}

const artifactSchema = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative() });

export const manifestSchema = z.object({
  formatVersion: z.number().int(),
  createdAt: z.string(),
  buildMs: z.number().nonnegative(),
  /** Every source, in the order given; the first one's ids carry no prefix unless it was given one. */
  sources: z.array(sourceRecordSchema),
  contentHash: z.string(),
  /**
   * The id prefix under which each changelog entry is a page (`changelog`, or another when a
   * source held that one); absent when the index has no changelog pages.
   */
  changelogPrefix: z.string().optional(),
  /** The top level of the navigation, for the server's descriptions (read before the rest of the index). */
  topics: z.array(z.object({ title: z.string(), id: z.string().optional() })),
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
  /** Per source file (by its path: `prefix/` and the path within its source), the doc it became and the source's hash. */
  files: z.record(z.object({ docId: z.string(), sha256: z.string() })),
  /** Docs that could not be read by the build and kept the version an earlier build indexed. */
  stale: z.array(z.object({ path: z.string(), message: z.string() })),
  artifacts: z.record(artifactSchema),
});

export type Manifest = z.infer<typeof manifestSchema>;
