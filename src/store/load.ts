import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ChangelogEntry, Chunk, DocRecord, NavNode } from '../types.js';
import { ARTIFACTS, FORMAT_VERSION, manifestSchema, type Manifest } from './manifest.js';
import { unpack } from './binpack.js';
import { LexicalIndex, type LexicalParams } from './lexical.js';
import { TOKENIZER_VERSION } from '../text/tokenize.js';
import { checkHnswFile, VectorIndex } from './vector-index.js';
import { recoverIndexDir, sha256 } from './index-dir.js';
import { LocalEmbedder, type LocalParams } from '../embed/local.js';

/** An index file that is missing, damaged or from another build: says which file and how to fix it. */
export class IndexLoadError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly fix = 'rebuild the index with `workos-docs-mcp ingest --full`',
  ) {
    super(`Cannot load index file ${file}: ${problem}.\nFix: ${fix}`);
    this.name = 'IndexLoadError';
  }
}

export interface LoadedIndex {
  dir: string;
  manifest: Manifest;
  chunks: Chunk[];
  docs: DocRecord[];
  navigation: NavNode[];
  changelog: ChangelogEntry[];
  /** Unit vectors, one per chunk, in chunk order. */
  vectors: Float32Array[];
  vectorIndex: VectorIndex;
  lexical: LexicalIndex;
  /** Doc-level indexes, in `docs` order: title, description and headings; and whole text. */
  docLexical: LexicalIndex;
  docFulltext: LexicalIndex;
  /** Present when the index was built with the local embedder. */
  localEmbedder?: LocalEmbedder;
}

const chunkSchema = z.object({
  id: z.string(),
  docId: z.string(),
  url: z.string(),
  title: z.string(),
  heading: z.array(z.string()),
  anchor: z.string(),
  context: z.array(z.string()).optional(),
  text: z.string(),
  hash: z.string(),
});
/** An array whose first element is checked against the schema; the rest are trusted to match. */
function sampled<T>(schema: z.ZodType<T>): z.ZodType<T[]> {
  return z.array(z.unknown()).superRefine((items, ctx) => {
    const first = schema.safeParse(items[0]);
    if (items.length > 0 && !first.success) ctx.addIssue({ code: z.ZodIssueCode.custom, message: first.error.issues[0]?.message ?? 'bad element' });
  }) as unknown as z.ZodType<T[]>;
}

/** The top level of the nav tree is checked; deeper nodes are trusted like the sampled arrays. */
const navSchema = z.object({ title: z.string(), id: z.string().optional(), children: z.array(z.unknown()) }) as unknown as z.ZodType<NavNode>;
const docsFileSchema = z.object({
  docs: sampled(
    z.object({
      id: z.string(),
      title: z.string(),
      description: z.string(),
      url: z.string(),
      markdown: z.string(),
      sections: z.array(z.object({ heading: z.array(z.string()), anchor: z.string(), level: z.number(), offset: z.number() })),
      sourceHash: z.string(),
    }),
  ),
  navigation: z.array(navSchema),
});
const registryPartsSchema = z.record(
  z.object({ sha256: z.string(), registry: z.object({ descriptions: z.record(z.unknown()), shared: z.record(z.record(z.object({}).passthrough())) }) }),
);
const changelogSchema = z.array(z.object({ date: z.string(), title: z.string(), url: z.string(), text: z.string() }));

export function readManifest(dir: string): Manifest {
  const file = path.join(dir, 'manifest.json');
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch {
    throw new IndexLoadError(file, 'it does not exist (no index has been built here)', 'build one with `workos-docs-mcp ingest` (or pass --index DIR to use another folder)');
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new IndexLoadError(file, 'it is not valid JSON (damaged or truncated)');
  }
  const version = (json as { formatVersion?: unknown })?.formatVersion;
  if (version !== FORMAT_VERSION) {
    throw new IndexLoadError(file, `it has format version ${JSON.stringify(version)}, this program reads version ${FORMAT_VERSION}`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new IndexLoadError(file, `it does not match the manifest schema (${issue?.path.join('.')}: ${issue?.message})`);
  }
  if (parsed.data.tokenizerVersion !== TOKENIZER_VERSION) {
    throw new IndexLoadError(file, `it was built with tokenizer version ${parsed.data.tokenizerVersion}, this program tokenizes with version ${TOKENIZER_VERSION}`);
  }
  return parsed.data;
}

/** What an incremental build reuses from the previous index: no search structures. */
export type PreviousBuild = Pick<LoadedIndex, 'dir' | 'manifest' | 'chunks' | 'docs' | 'vectors' | 'localEmbedder'> & {
  /** Per source path: the hash of the source and the registry part it defined (ingest's RegistryParts). */
  registryParts: Record<string, { sha256: string; registry: { descriptions: Record<string, unknown>; shared: Record<string, Record<string, object>> } }>;
};

/** Loads and validates every file of an index folder: checksums first, then structure. */
export function loadIndex(dir: string): LoadedIndex {
  return loadParts(dir, true);
}

/** Loads, with the same checks, only what a build reuses (the search indexes are rebuilt anyway). */
export function loadPreviousBuild(dir: string): PreviousBuild {
  return loadParts(dir, false);
}

function loadParts(dir: string, search: true): LoadedIndex;
function loadParts(dir: string, search: false): PreviousBuild;
function loadParts(dir: string, search: boolean): LoadedIndex | PreviousBuild {
  recoverIndexDir(dir, { removeStaging: false });
  const manifest = readManifest(dir);
  const read = (name: string): Buffer => {
    const file = path.join(dir, name);
    const expected = manifest.artifacts[name];
    if (!expected) throw new IndexLoadError(file, 'the manifest does not list it');
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      throw new IndexLoadError(file, 'it is missing');
    }
    if (size !== expected.bytes) throw new IndexLoadError(file, `it is ${size} bytes, the manifest says ${expected.bytes} (truncated or replaced)`);
    const bytes = readFileSync(file);
    if (sha256(bytes) !== expected.sha256) throw new IndexLoadError(file, 'its checksum does not match the manifest (the file is damaged)');
    return bytes;
  };
  const json = <T>(name: string, schema: z.ZodType<T>): T => {
    const bytes = read(name);
    try {
      return schema.parse(JSON.parse(bytes.toString('utf8')));
    } catch (error) {
      throw new IndexLoadError(path.join(dir, name), `its content is invalid (${(error as Error).message.slice(0, 200)})`);
    }
  };
  // The checksums above prove these files are the ones the build wrote, so the large arrays get a
  // shape check of their first element rather than a full schema pass (which costs start-up time).
  const chunks = json(ARTIFACTS.chunks, sampled(chunkSchema));
  const { docs, navigation } = json(ARTIFACTS.docs, docsFileSchema);
  const dimension = manifest.embedder.dimension;
  const vectorsFile = path.join(dir, ARTIFACTS.vectors);
  const packedVectors = guard(vectorsFile, () => unpack(read(ARTIFACTS.vectors)));
  const flat = packedVectors.arrays.vectors;
  if (!(flat instanceof Float32Array) || flat.length !== chunks.length * dimension) {
    throw new IndexLoadError(vectorsFile, `expected ${chunks.length} vectors of dimension ${dimension}`);
  }
  const vectors = chunks.map((_, i) => flat.subarray(i * dimension, (i + 1) * dimension));
  let localEmbedder: LocalEmbedder | undefined;
  if (manifest.embedder.kind === 'local') {
    const file = path.join(dir, ARTIFACTS.embedder);
    localEmbedder = guard(file, () => {
      const packed = unpack(read(ARTIFACTS.embedder));
      const embedder = LocalEmbedder.fromPacked(packed.meta as { params: LocalParams; terms: string[]; dimension: number }, packed.arrays);
      if (embedder.dimension !== dimension) throw new Error(`has dimension ${embedder.dimension}, the manifest says ${dimension}`);
      return embedder;
    });
  }
  if (!search) return { dir, manifest, chunks, docs, vectors, localEmbedder, registryParts: json(ARTIFACTS.registry, registryPartsSchema) };
  const changelog = json(ARTIFACTS.changelog, changelogSchema);
  const hnswBytes = read(ARTIFACTS.hnsw);
  const hnswFile = path.join(dir, ARTIFACTS.hnsw);
  const vectorIndex = guard(hnswFile, () => {
    checkHnswFile(hnswBytes, { dimension, count: chunks.length, m: manifest.hnsw.m });
    return VectorIndex.read(hnswFile, dimension, chunks.length, manifest.hnsw.efSearch);
  });
  const lexicalIndex = (name: string, size: number, what: string): LexicalIndex => {
    const file = path.join(dir, name);
    return guard(file, () => {
      const packed = unpack(read(name));
      const index = LexicalIndex.fromPacked(packed.meta as { params: LexicalParams; terms: string[] }, packed.arrays);
      if (index.size !== size) throw new Error(`covers ${index.size} ${what}, expected ${size}`);
      return index;
    });
  };
  const lexical = lexicalIndex(ARTIFACTS.lexical, chunks.length, 'chunks');
  const docLexical = lexicalIndex(ARTIFACTS.docLexical, docs.length, 'docs');
  const docFulltext = lexicalIndex(ARTIFACTS.docFulltext, docs.length, 'docs');
  return { dir, manifest, chunks, docs, navigation, changelog, vectors, vectorIndex, lexical, docLexical, docFulltext, localEmbedder };
}

function guard<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof IndexLoadError) throw error;
    throw new IndexLoadError(file, (error as Error).message);
  }
}
