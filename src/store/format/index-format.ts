import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { LocalEmbedder } from '../../embed/local.js';
import { TOKENIZER_VERSION } from '../../text/tokenize.js';
import { IndexLoadError } from '../errors.js';
import { docCentroids } from '../doc-centroids.js';
import { hashFile, sha256 } from '../index-dir.js';
import type { IndexWriter } from '../index-writer.js';
import type { LexicalIndexes } from '../lexical-indexes.js';
import { vectorRows, type HnswParams, type VectorIndex } from '../vector-index.js';
import { PackedStrings } from '../string-table.js';
import { ARTIFACTS, chunkRecords, CODECS, hnswCodec, joinChunkTexts, type Codec, type DocsFile, type Vectors } from './codecs.js';
import { FORMAT_VERSION, manifestSchema, type Manifest } from './manifest.js';
import type { ChangelogEntry, Chunk, DocRecord, NavNode, RegistryParts } from './records.js';

/**
 * The one owner of the files of an index version: `writeIndex` and `readIndexSteps` side by side,
 * each component through its codec (codecs.ts), the manifest listing every file's size and checksum.
 * Where the version folder lives, and switching to it, is index-dir.ts and index-writer.ts.
 */

/** What a build writes, and what a reader gets back. */
export interface IndexParts {
  chunks: Chunk[];
  docs: DocRecord[];
  navigation: NavNode[];
  changelog: ChangelogEntry[];
  registryParts: RegistryParts;
  vectors: Vectors;
  lexical: LexicalIndexes;
  /** Present when the index was built with the local embedder. */
  localEmbedder?: LocalEmbedder;
}

/** The manifest's fields that describe the build (the format version and checksums are added here). */
export type ManifestFields = Omit<Manifest, 'formatVersion' | 'artifacts'>;

export interface LoadedIndex {
  dir: string;
  manifest: Manifest;
  chunks: Chunk[];
  /** The chunks' texts, in chunk order: what `chunks[i].text` reads. */
  chunkTexts: PackedStrings;
  /** The doc ids in `docs` order (what search needs of the docs). */
  docIds: string[];
  /** Read on first use when the index was opened with readIndexForServing. */
  docs: DocRecord[];
  navigation: NavNode[];
  changelog: ChangelogEntry[];
  /** Unit vectors, one per chunk, in chunk order. */
  vectors: Float32Array[];
  /** Each doc's centroid (doc-centroids.ts), docs × dimension, in `docIds` order. */
  docCentroids: Float32Array;
  vectorIndex: VectorIndex;
  /** chunks: one entry per chunk; docs (title, description, headings) and fulltext (whole text): one per doc, in `docs` order. */
  lexical: LexicalIndexes;
  /** Present when the index was built with the local embedder. */
  localEmbedder?: LocalEmbedder;
}

/** What an incremental build reuses from the previous index: no search structures. */
export type PreviousBuild = Pick<LoadedIndex, 'dir' | 'manifest' | 'chunks' | 'docs' | 'vectors' | 'localEmbedder'> & {
  registryParts: RegistryParts;
};

/**
 * Starts building the HNSW graph of `vectors` into the version folder `writer` is staging (on a
 * worker thread when it can); resolves to the file's path once hnswlib has written it.
 */
export async function startHnsw(writer: IndexWriter, vectors: Vectors, params: HnswParams): Promise<{ file: string; built: Promise<void> }> {
  const file = path.join(await writer.stage(), hnswCodec.file);
  return { file, built: hnswCodec.build(file, vectors, params) };
}

/**
 * Writes every component into the version folder `writer` is staging (the HNSW file must already be
 * there, see startHnsw), then the manifest, and commits: the writer reads every file back and switches
 * the index folder to the new version. Returns the manifest written.
 */
export async function writeIndex(writer: IndexWriter, parts: IndexParts, fields: ManifestFields): Promise<Manifest> {
  // Each file is encoded when it is written, so that only one encoded file is held at a time
  // (holding all of them added about 60 MB to the peak of an ingest 4× the default corpus).
  const encoded = <T, C>(codec: Codec<T, C>, value: () => T) => ({ file: codec.file, data: () => codec.encode(value()) });
  const files = [
    encoded(CODECS.chunks, () => chunkRecords(parts.chunks)),
    encoded(CODECS.chunkTexts, () => PackedStrings.of(parts.chunks.map((c) => c.text))),
    encoded(CODECS.docs, () => ({ docs: parts.docs, navigation: parts.navigation })),
    encoded(CODECS.docIds, () => parts.docs.map((d) => d.id)),
    encoded(CODECS.changelog, () => parts.changelog),
    encoded(CODECS.registry, () => parts.registryParts),
    encoded(CODECS.vectors, () => ({ ...parts.vectors, docCentroids: docCentroidsOf(parts) })),
    encoded(CODECS.lexicalChunks, () => parts.lexical.chunks),
    encoded(CODECS.lexicalDocs, () => parts.lexical.docs),
    encoded(CODECS.lexicalFulltext, () => parts.lexical.fulltext),
  ];
  const model = parts.localEmbedder;
  if (model) files.push(encoded(CODECS.localModel, () => model));
  const artifacts: Manifest['artifacts'] = { [hnswCodec.file]: await writer.adopt(hnswCodec.file) };
  for (const { file, data } of files) artifacts[file] = await writer.write(file, data());
  const manifest: Manifest = { formatVersion: FORMAT_VERSION, ...fields, artifacts };
  await writer.commit(manifest);
  return manifest;
}

/** The docs' centroids of what a build writes: its chunks' vectors, summed per doc in docs order. */
function docCentroidsOf(parts: IndexParts): Float32Array {
  const { flat, dimension } = parts.vectors;
  return docCentroids(parts.chunks, vectorRows(flat, dimension, parts.chunks.length), parts.docs.map((d) => d.id));
}

export interface ManifestCheck {
  /**
   * Accept a manifest of another tokenizer version. Only ingest does, to plan what to rebuild:
   * serving such an index would search with tokens it was not built with.
   */
  anyTokenizer?: boolean;
  /**
   * Check the per-file records (`files`: what an incremental build compares, 80% of the default
   * index's manifest) with a plain loop instead of zod: checking them with zod took about 10 ms of
   * a server's start-up. Both checks accept and refuse the same records.
   */
  serving?: boolean;
}

const servingManifestSchema = manifestSchema.extend({
  files: z.custom<Manifest['files']>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.values(value).every((r: unknown) => {
        const record = r as { docId?: unknown; sha256?: unknown } | null;
        return typeof record === 'object' && record !== null && typeof record.docId === 'string' && typeof record.sha256 === 'string';
      }),
    'Expected a record of {docId, sha256} per source file',
  ),
});

/** The manifest of the index version in `dir`, validated; refused with how to fix it. */
export function readManifestIn(dir: string, check: ManifestCheck = {}): Manifest {
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
  const parsed = (check.serving ? servingManifestSchema : manifestSchema).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new IndexLoadError(file, `it does not match the manifest schema (${issue?.path.join('.')}: ${issue?.message})`);
  }
  if (parsed.data.tokenizerVersion !== TOKENIZER_VERSION && !check.anyTokenizer) {
    throw new IndexLoadError(file, `it was built with tokenizer version ${parsed.data.tokenizerVersion}, this program tokenizes with version ${TOKENIZER_VERSION}`);
  }
  return parsed.data;
}

/** Reads and validates every file of the index version in `dir` (see readIndexSteps). */
export function readIndex(dir: string): LoadedIndex {
  const steps = readIndexSteps(dir, true);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value as LoadedIndex;
  }
}

/**
 * Reads and validates the index version in `dir`: each file's size and checksum against the
 * manifest first, then its content through its codec. With `search` false, only what a build
 * reuses. Yields between the expensive steps; the caller decides whether to pause there.
 */
export function* readIndexSteps(dir: string, search: boolean, check: ManifestCheck = {}): Generator<void, LoadedIndex | PreviousBuild> {
  const manifest = readManifestIn(dir, check);
  yield;
  const read = (name: string): Buffer => {
    checkedSize(dir, name, manifest);
    const file = path.join(dir, name);
    const bytes = readFileSync(file);
    if (sha256(bytes) !== manifest.artifacts[name]?.sha256) throw new IndexLoadError(file, 'its checksum does not match the manifest (the file is damaged)');
    return bytes;
  };
  const decode = <T, C>(codec: Codec<T, C>, context: C): T => {
    const bytes = read(codec.file);
    return guard(path.join(dir, codec.file), () => codec.decode(bytes, context));
  };
  const chunkTexts = decode(CODECS.chunkTexts, undefined);
  // A server reading a new index (a reload) reads texts on use, as at start; a build reuses them all.
  const chunks = guard(path.join(dir, CODECS.chunkTexts.file), () => joinChunkTexts(decode(CODECS.chunks, undefined), chunkTexts, !search));
  yield;
  const { docs, navigation } = decode(CODECS.docs, undefined);
  const docIds = decode(CODECS.docIds, undefined);
  guard(path.join(dir, CODECS.docIds.file), () => checkDocIds(docIds, docs));
  yield;
  const dimension = manifest.embedder.dimension;
  const { flat, docCentroids } = decode(CODECS.vectors, { count: chunks.length, docCount: docs.length, dimension });
  const vectors = vectorRows(flat, dimension, chunks.length);
  yield;
  const localEmbedder = manifest.embedder.kind === 'local' ? decode(CODECS.localModel, { dimension }) : undefined;
  if (!search) return { dir, manifest, chunks, docs, vectors, localEmbedder, registryParts: decode(CODECS.registry, undefined) };
  yield;
  const changelog = decode(CODECS.changelog, undefined);
  const hnswBytes = read(hnswCodec.file);
  yield;
  const hnswFile = path.join(dir, hnswCodec.file);
  const hnswContext = { dimension, count: chunks.length, efSearch: manifest.hnsw.efSearch, m: manifest.hnsw.m };
  const vectorIndex = guard(hnswFile, () => hnswCodec.read(hnswFile, hnswBytes, hnswContext));
  yield;
  const lexicalChunks = decode(CODECS.lexicalChunks, { size: chunks.length, what: 'chunks' });
  yield;
  const lexicalDocs = decode(CODECS.lexicalDocs, { size: docs.length, what: 'docs' });
  yield;
  const lexicalFulltext = decode(CODECS.lexicalFulltext, { size: docs.length, what: 'docs' });
  const lexical: LexicalIndexes = { chunks: lexicalChunks, docs: lexicalDocs, fulltext: lexicalFulltext };
  return { dir, manifest, chunks, chunkTexts, docIds, docs, navigation, changelog, vectors, docCentroids, vectorIndex, lexical, localEmbedder };
}

/**
 * Opens the index version in `dir` for a server, doing at start only what search needs: every
 * file's size is checked against the manifest, the search structures are decoded and checked as
 * readIndex does (the HNSW file's whole structure is checked before hnswlib reads it, so a damaged
 * graph cannot crash the process), but no file is hashed (verifyChecksums does that once the
 * server is up), and the docs, navigation and changelog are read on first use. Hashing every file
 * and parsing every doc's markdown took about a third of the start-up.
 */
export function readIndexForServing(dir: string): LoadedIndex {
  const manifest = readManifestIn(dir, { serving: true });
  for (const name of Object.keys(manifest.artifacts)) checkedSize(dir, name, manifest);
  const read = (name: string) => readFileSync(path.join(dir, name));
  const decode = <T, C>(codec: Codec<T, C>, context: C): T => {
    const bytes = read(codec.file);
    return guard(path.join(dir, codec.file), () => codec.decode(bytes, context));
  };
  const chunkTexts = decode(CODECS.chunkTexts, undefined);
  const chunks = guard(path.join(dir, CODECS.chunkTexts.file), () => joinChunkTexts(decode(CODECS.chunks, undefined), chunkTexts, false));
  const docIds = decode(CODECS.docIds, undefined);
  const dimension = manifest.embedder.dimension;
  const { flat, docCentroids } = decode(CODECS.vectors, { count: chunks.length, docCount: docIds.length, dimension });
  const vectors = vectorRows(flat, dimension, chunks.length);
  const localEmbedder = manifest.embedder.kind === 'local' ? decode(CODECS.localModel, { dimension }) : undefined;
  const hnswFile = path.join(dir, hnswCodec.file);
  const hnswContext = { dimension, count: chunks.length, efSearch: manifest.hnsw.efSearch, m: manifest.hnsw.m };
  const vectorIndex = guard(hnswFile, () => hnswCodec.read(hnswFile, read(hnswCodec.file), hnswContext));
  const lexical: LexicalIndexes = {
    chunks: decode(CODECS.lexicalChunks, { size: chunks.length, what: 'chunks' }),
    docs: decode(CODECS.lexicalDocs, { size: docIds.length, what: 'docs' }),
    fulltext: decode(CODECS.lexicalFulltext, { size: docIds.length, what: 'docs' }),
  };
  let docsFile: DocsFile | undefined;
  const docsFileOnce = (): DocsFile => {
    if (!docsFile) {
      const loaded = decode(CODECS.docs, undefined);
      guard(path.join(dir, CODECS.docIds.file), () => checkDocIds(docIds, loaded.docs));
      docsFile = loaded;
    }
    return docsFile;
  };
  let changelog: ChangelogEntry[] | undefined;
  return {
    dir,
    manifest,
    chunks,
    chunkTexts,
    docIds,
    get docs() {
      return docsFileOnce().docs;
    },
    get navigation() {
      return docsFileOnce().navigation;
    },
    get changelog() {
      return (changelog ??= decode(CODECS.changelog, undefined));
    },
    vectors,
    docCentroids,
    vectorIndex,
    lexical,
    localEmbedder,
  };
}

/**
 * Hashes every file of the index version in `dir` against the manifest, in slices that leave the
 * event loop free between them; resolves with the IndexLoadError of the first damaged file, or
 * undefined when all match.
 */
export async function verifyChecksums(dir: string, manifest: Manifest): Promise<IndexLoadError | undefined> {
  // About a millisecond of hashing per slice: a request that arrives meanwhile waits at most that long.
  const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
  for (const [name, expected] of Object.entries(manifest.artifacts)) {
    const file = path.join(dir, name);
    let found: { sha256: string; bytes: number };
    try {
      found = await hashFile(file, pause);
    } catch (error) {
      return new IndexLoadError(file, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it is missing' : 'it could not be read');
    }
    if (found.bytes !== expected.bytes || found.sha256 !== expected.sha256) {
      return new IndexLoadError(file, 'its checksum does not match the manifest (the file is damaged or was replaced)');
    }
  }
  return undefined;
}

function checkedSize(dir: string, name: string, manifest: Manifest): void {
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
}

function checkDocIds(docIds: string[], docs: DocRecord[]): void {
  if (docIds.length !== docs.length || docs.some((d, i) => d.id !== docIds[i])) {
    throw new Error(`its ${docIds.length} doc ids do not match the ${docs.length} docs of docs.json`);
  }
}

/** Every file name a version folder may hold besides manifest.json. */
export const ARTIFACT_FILES: ReadonlySet<string> = new Set(Object.values(ARTIFACTS));

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
