import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ChangelogEntry, Chunk, DocRecord, NavNode } from '../types.js';
import { ARTIFACTS, FORMAT_VERSION, manifestSchema, type Manifest } from './manifest.js';
import { unpack } from './binpack.js';
import { LexicalIndex, type LexicalParams } from './lexical.js';
import { TOKENIZER_VERSION } from '../text/tokenize.js';
import { checkHnswFile, VectorIndex } from './vector-index.js';
import { resolveIndexFolder, sha256 } from './index-dir.js';
import { IndexLoadError } from './errors.js';
import { LocalEmbedder, type LocalParams } from '../embed/local.js';

export { IndexLoadError };

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

/** The manifest of the current index of an index folder. */
export function readManifest(indexDir: string): Manifest {
  return readManifestIn(resolveIndexFolder(indexDir).folder);
}

function readManifestIn(dir: string): Manifest {
  const file = path.join(dir, 'manifest.json');
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch {
    throw new IndexLoadError(
      file,
      'it does not exist (no index has been built here)',
      `build one there with \`workos-docs-mcp ingest --index ${shellWord(dir)} --docs DOCS_DIR\` (without --docs it indexes the WorkOS docs), or pass --index with the folder of an existing index`,
    );
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

/**
 * Loads and validates every file of the current index of an index folder: checksums first, then
 * structure. Changes nothing on disk. `dir` of the result is the version folder it came from.
 */
export function loadIndex(indexDir: string): LoadedIndex {
  return stable(indexDir, (folder) => drain(loadParts(folder, true))) as LoadedIndex;
}

/**
 * The same load, pausing for the event loop between files so that a server keeps answering
 * requests while it loads a new index in the background.
 */
export async function loadIndexInBackground(indexDir: string): Promise<LoadedIndex> {
  for (let attempt = 0; ; attempt++) {
    const at = resolveIndexFolder(indexDir);
    try {
      const steps = loadParts(at.folder, true);
      for (let step = steps.next(); ; step = steps.next()) {
        if (step.done) return step.value as LoadedIndex;
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      if (!(attempt < RETRIES && movedOn(indexDir, at.version))) throw error;
    }
  }
}

/** Loads, with the same checks, only what a build reuses (the search indexes are rebuilt anyway). */
export function loadPreviousBuild(indexDir: string): PreviousBuild {
  return stable(indexDir, (folder) => drain(loadParts(folder, false))) as PreviousBuild;
}

/** A load that failed because an ingest switched versions meanwhile is retried on the new one. */
const RETRIES = 3;

function stable<T>(indexDir: string, load: (folder: string) => T): T {
  for (let attempt = 0; ; attempt++) {
    const at = resolveIndexFolder(indexDir);
    try {
      return load(at.folder);
    } catch (error) {
      if (!(attempt < RETRIES && movedOn(indexDir, at.version))) throw error;
    }
  }
}

function movedOn(indexDir: string, version: string | null): boolean {
  try {
    return resolveIndexFolder(indexDir).version !== version;
  } catch {
    return false;
  }
}

function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Yields between the expensive steps; the caller decides whether to pause there. */
function* loadParts(dir: string, search: boolean): Generator<void, LoadedIndex | PreviousBuild> {
  const manifest = readManifestIn(dir);
  yield;
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
  yield;
  const { docs, navigation } = json(ARTIFACTS.docs, docsFileSchema);
  yield;
  const dimension = manifest.embedder.dimension;
  const vectorsFile = path.join(dir, ARTIFACTS.vectors);
  const packedVectors = guard(vectorsFile, () => unpack(read(ARTIFACTS.vectors)));
  const flat = packedVectors.arrays.vectors;
  if (!(flat instanceof Float32Array) || flat.length !== chunks.length * dimension) {
    throw new IndexLoadError(vectorsFile, `expected ${chunks.length} vectors of dimension ${dimension}`);
  }
  const vectors = chunks.map((_, i) => flat.subarray(i * dimension, (i + 1) * dimension));
  yield;
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
  yield;
  const changelog = json(ARTIFACTS.changelog, changelogSchema);
  const hnswBytes = read(ARTIFACTS.hnsw);
  yield;
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
  yield;
  const lexical = lexicalIndex(ARTIFACTS.lexical, chunks.length, 'chunks');
  yield;
  const docLexical = lexicalIndex(ARTIFACTS.docLexical, docs.length, 'docs');
  yield;
  const docFulltext = lexicalIndex(ARTIFACTS.docFulltext, docs.length, 'docs');
  return { dir, manifest, chunks, docs, navigation, changelog, vectors, vectorIndex, lexical, docLexical, docFulltext, localEmbedder };
}

/** A path as one shell word, quoted only when it needs to be. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function guard<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof IndexLoadError) throw error;
    throw new IndexLoadError(file, (error as Error).message);
  }
}
