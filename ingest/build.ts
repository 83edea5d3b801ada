import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import type { Chunk } from '../src/types.js';
import { DEFAULT_BASE_URL } from '../src/ids.js';
import { breadcrumbs, embeddingText } from '../src/text/embedding-text.js';
import { DEFAULT_LOCAL_PARAMS, LocalEmbedder } from '../src/embed/local.js';
import { createTransformersEmbedder } from '../src/embed/transformers.js';
import type { Embedder } from '../src/embed/types.js';
import { pack } from '../src/store/binpack.js';
import { IndexWriteError, writeFailure } from '../src/store/errors.js';
import { IndexWriter } from '../src/store/index-writer.js';
import { resolveIndexFolder } from '../src/store/index-dir.js';
import type { LexicalIndex } from '../src/store/lexical.js';
import { buildLexicalIndexes } from '../src/store/lexical-indexes.js';
import { TOKENIZER_VERSION } from '../src/text/tokenize.js';
import { loadPreviousBuild, readManifest, type PreviousBuild } from '../src/store/load.js';
import { ARTIFACTS, FORMAT_VERSION, type Manifest } from '../src/store/manifest.js';
import { buildHnswFile, DEFAULT_HNSW_PARAMS, VectorIndex } from '../src/store/vector-index.js';
import { CHUNKER_VERSION, DEFAULT_CHUNK_OPTIONS, withContext } from './chunk.js';
import { readChangelogs } from './changelog.js';
import { loadCorpus, type CorpusWarning, type ParsedFile } from './corpus.js';
import { defaultCorpus } from './discover.js';
import { DEFAULT_INGEST_LIMITS, type IngestLimits } from './limits.js';

export interface BuildOptions {
  docsDir?: string;
  /** null: no changelog. undefined: the default corpus's changelogs when docsDir is the default. */
  changelogsDir?: string | null;
  indexDir: string;
  embedder: 'local' | 'transformers';
  model?: string;
  modelsDir: string;
  allowRemote?: boolean;
  full?: boolean;
  baseUrl?: string;
  /** Overrides of DEFAULT_INGEST_LIMITS (file size, parse time and memory, expansion, concurrency). */
  limits?: Partial<IngestLimits>;
  /** Fail instead of indexing a file as plain Markdown or plain text, or skipping one over the size limit. */
  strict?: boolean;
  log?: (line: string) => void;
  progress?: (stage: string, done: number, total: number) => void;
  /** Build an index from a docs folder with no .md/.mdx files (otherwise an error). */
  allowEmpty?: boolean;
  /** Replace an index even when the build drops more than SHRINK_LIMIT of its docs. */
  allowShrink?: boolean;
  /** Test hook: called after vectors are computed and before anything is written. */
  beforeWrite?: () => void | Promise<void>;
  /** Test hook: called when the HNSW library has written its file, before the file is checked. */
  afterHnswWrite?: (file: string) => void | Promise<void>;
}

export interface BuildSummary {
  indexDir: string;
  /**
   * removed: deleted from the docs folder; fallback: indexed as plain Markdown or text because they
   * could not be parsed as written; failed: not in the index at all (unreadable, too large, unparseable).
   */
  files: { total: number; added: number; changed: number; removed: number; parsed: number; fallback: number; failed: number };
  /** The files that are not in the index, with where and why. */
  failures: CorpusWarning[];
  /** Doc ids the previous index held that this one does not (deleted or failed). */
  lost: string[];
  docs: number;
  sections: number;
  chunks: number;
  chunksEmbedded: number;
  refitted: boolean;
  warnings: CorpusWarning[];
  ms: number;
  full: boolean;
}

/**
 * The local model is refitted when more than this share of chunks (and more than REFIT_MIN_CHUNKS)
 * is new; below that, new chunks are folded into the existing latent space, as LSA allows.
 */
const REFIT_FRACTION = 0.2;
const REFIT_MIN_CHUNKS = 50;

/**
 * A build that drops more than this share of the previous index's docs (and more than one doc) is
 * not swapped in without `allowShrink`: a docs folder half deleted, mounted wrong or full of files
 * that stopped parsing must not silently replace a good index.
 */
export const SHRINK_LIMIT = 0.1;

export class ShrinkRefusedError extends Error {
  constructor(
    readonly indexDir: string,
    readonly lost: string[],
    readonly previousDocs: number,
    /** How many of the lost docs are there but could not be indexed (too large, unreadable). */
    readonly failed: number,
  ) {
    const shown = lost.slice(0, 5).join(', ') + (lost.length > 5 ? ` and ${lost.length - 5} more` : '');
    super(
      `Refusing to replace the index at ${indexDir}: the new build would lose ${lost.length} of its ${previousDocs} docs ` +
        `(more than the limit of ${Math.round(SHRINK_LIMIT * 100)}%): ${shown}` +
        `${failed ? `; ${failed} of them could not be indexed (see the warnings above)` : ''}. The previous index is unchanged.\n` +
        'Fix: if these docs were removed on purpose, run ingest again with --allow-shrink; otherwise check the --docs folder.',
    );
    this.name = 'ShrinkRefusedError';
  }
}

export class EmptyDocsError extends Error {
  constructor(readonly docsDir: string) {
    super(
      `No .md or .mdx files in ${docsDir}, so nothing was built and the existing index (if any) is unchanged.\n` +
        'Fix: pass --docs with a folder of .mdx/.md files, or --allow-empty to build an empty index on purpose.',
    );
    this.name = 'EmptyDocsError';
  }
}

/** Builds or updates an index folder: parse what changed, embed what is new, write atomically. */
export async function buildIndex(options: BuildOptions): Promise<BuildSummary> {
  const start = performance.now();
  const log = options.log ?? (() => {});
  const defaults = defaultCorpus();
  const docsDir = path.resolve(options.docsDir ?? defaults.docs);
  const isDefault = docsDir === path.resolve(defaults.docs);
  const changelogsDir = options.changelogsDir === undefined ? (isDefault ? defaults.changelogs : null) : options.changelogsDir;
  const baseUrl = options.baseUrl ?? DEFAULT_BASE_URL;
  assertDocsFolder(docsDir);
  const writer = await IndexWriter.open(options.indexDir);
  try {
    const summary = await buildInto(writer, options, { start, log, docsDir, isDefault, changelogsDir, baseUrl });
    await writer.release();
    return summary;
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

interface BuildContext {
  start: number;
  log: (line: string) => void;
  docsDir: string;
  isDefault: boolean;
  changelogsDir: string | null | undefined;
  baseUrl: string;
}

/** The build itself, holding the index folder's lock through `writer`. */
async function buildInto(writer: IndexWriter, options: BuildOptions, context: BuildContext): Promise<BuildSummary> {
  const { start, log, docsDir, isDefault, changelogsDir, baseUrl } = context;
  const previous = options.full ? undefined : loadPrevious(options, baseUrl, log);
  const oldSources = previous?.manifest.sources ?? {};
  const previousFiles = previous ? filesOf(previous) : new Map<string, ParsedFile>();

  const limits: IngestLimits = { ...DEFAULT_INGEST_LIMITS, ...options.limits };
  const corpus = await loadCorpus({
    docsDir,
    baseUrl,
    limits,
    strict: options.strict,
    previous: { get: (p) => previousFiles.get(p), registryHash: previous?.manifest.registryHash, registryParts: previous?.registryParts },
    onProgress: (done, total) => options.progress?.('parse', done, total),
  });
  for (const w of corpus.warnings) log(`warning: ${w.path}${w.line ? `:${w.line}${w.column ? `:${w.column}` : ''}` : ''}: ${w.message}`);
  const changelog = await readChangelogs(changelogsDir ?? undefined, limits.maxFileBytes);
  for (const w of changelog.warnings) log(`warning: changelog: ${w}`);
  if (corpus.files.length + corpus.failed === 0 && !options.allowEmpty) throw new EmptyDocsError(docsDir);
  const before = previous?.manifest ?? previousManifest(options.indexDir);
  const lost = lostDocs(before, corpus.files);
  if (lost.docs.length > Math.max(1, SHRINK_LIMIT * lost.of) && !options.allowShrink) {
    const failedBefore = corpus.failures.filter((f) => before?.sources[f.path]).length;
    throw new ShrinkRefusedError(path.resolve(options.indexDir), lost.docs, lost.of, failedBefore);
  }

  const chunks = withContext(corpus.files.flatMap((f) => f.chunks), breadcrumbs(corpus.navigation));
  const texts = chunks.map((c) => embeddingText(c));
  const oldVectors = new Map<string, Float32Array>();
  previous?.chunks.forEach((c, i) => {
    const v = previous.vectors[i];
    if (v) oldVectors.set(c.hash, v);
  });
  const newCount = chunks.filter((c) => !oldVectors.has(c.hash)).length;

  let embedder: Embedder;
  let local: LocalEmbedder | undefined;
  let refitted = false;
  let fittedOn = previous?.manifest.embedder.fittedOn;
  let fittedChunks = previous?.manifest.embedder.fittedChunks;
  const contentHash = hashCorpus(corpus.files, changelog.entries.length);
  if (options.embedder === 'local') {
    const reuse = previous?.localEmbedder && newCount <= Math.max(REFIT_MIN_CHUNKS, REFIT_FRACTION * chunks.length);
    if (reuse && previous?.localEmbedder) local = previous.localEmbedder;
    else {
      options.progress?.('fit', 0, 1);
      local = LocalEmbedder.fit(texts, DEFAULT_LOCAL_PARAMS);
      refitted = true;
      fittedOn = contentHash;
      fittedChunks = chunks.length;
      oldVectors.clear();
    }
    embedder = local;
  } else {
    embedder = await createTransformersEmbedder({
      model: options.model ?? 'Xenova/all-MiniLM-L6-v2',
      modelsDir: options.modelsDir,
      allowRemote: options.allowRemote,
    });
    fittedOn = undefined;
    fittedChunks = undefined;
  }

  const vectors: Float32Array[] = new Array(chunks.length);
  const todo: number[] = [];
  chunks.forEach((c, i) => {
    const old = oldVectors.get(c.hash);
    if (old && old.length === embedder.info.dimension) vectors[i] = old;
    else todo.push(i);
  });
  const batch = 64;
  for (let i = 0; i < todo.length; i += batch) {
    const ids = todo.slice(i, i + batch);
    const embedded = await embedder.embedPassages(ids.map((j) => texts[j] ?? ''));
    ids.forEach((j, k) => (vectors[j] = embedded[k] ?? new Float32Array(embedder.info.dimension)));
    options.progress?.('embed', Math.min(i + batch, todo.length), todo.length);
  }

  options.progress?.('index', 0, 1);
  const flat = new Float32Array(chunks.length * embedder.info.dimension);
  vectors.forEach((v, i) => flat.set(v, i * embedder.info.dimension));
  // The HNSW graph is built on a worker thread while this one builds the lexical indexes.
  const hnswFile = path.join(await writer.stage(), ARTIFACTS.hnsw);
  const hnswBuilt = buildHnswFile(flat, embedder.info.dimension, DEFAULT_HNSW_PARAMS, hnswFile);
  let lexical: ReturnType<typeof buildLexicalIndexes>;
  try {
    lexical = buildLexicalIndexes(chunks, corpus.files.map((f) => f.doc), corpus.navigation);
  } finally {
    await hnswBuilt.catch(() => {});
  }
  await hnswBuilt.catch((error: unknown) => {
    throw writeFailure(error, hnswFile, 'writing vectors.hnsw');
  });
  await options.afterHnswWrite?.(hnswFile);
  checkHnswFile(hnswFile, embedder.info.dimension, chunks.length);
  await options.beforeWrite?.();

  const sources: Manifest['sources'] = {};
  for (const f of corpus.files) sources[f.path] = { docId: f.docId, sha256: f.sourceHash };
  const oldPaths = new Set(Object.keys(oldSources));
  const newPaths = Object.keys(sources);
  const added = newPaths.filter((p) => !oldPaths.has(p)).length;
  const changed = newPaths.filter((p) => oldPaths.has(p) && oldSources[p]?.sha256 !== sources[p]?.sha256).length;
  const failedPaths = new Set(corpus.failures.map((f) => f.path));
  const removed = [...oldPaths].filter((p) => !(p in sources) && !failedPaths.has(p)).length;

  const packLexical = (index: LexicalIndex) => {
    const packed = index.toPacked();
    return pack(packed.meta, packed.arrays);
  };
  const artifacts: Array<{ name: string; data: Buffer | string }> = [
    { name: ARTIFACTS.chunks, data: JSON.stringify(chunks) },
    { name: ARTIFACTS.docs, data: JSON.stringify({ docs: corpus.files.map((f) => f.doc), navigation: corpus.navigation }) },
    { name: ARTIFACTS.changelog, data: JSON.stringify(changelog.entries) },
    { name: ARTIFACTS.registry, data: JSON.stringify(corpus.registryParts) },
    { name: ARTIFACTS.vectors, data: pack({ dimension: embedder.info.dimension }, { vectors: flat }) },
    { name: ARTIFACTS.lexical, data: packLexical(lexical.chunks) },
    { name: ARTIFACTS.docLexical, data: packLexical(lexical.docs) },
    { name: ARTIFACTS.docFulltext, data: packLexical(lexical.fulltext) },
  ];
  if (local) {
    const packed = local.toPacked();
    artifacts.push({ name: ARTIFACTS.embedder, data: pack(packed.meta, packed.arrays) });
  }
  const sections = corpus.files.reduce((n, f) => n + f.doc.sections.length, 0);
  const ms = performance.now() - start;
  const checksums: Manifest['artifacts'] = { [ARTIFACTS.hnsw]: await writer.adopt(ARTIFACTS.hnsw) };
  for (const artifact of artifacts) checksums[artifact.name] = await writer.write(artifact.name, artifact.data);
  const manifest: Manifest = {
    formatVersion: FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    buildMs: Math.round(ms),
    corpus: { source: corpusSource(isDefault), docsDir, changelogsDir: changelogsDir ?? null, baseUrl, contentHash },
    embedder: { ...embedder.info, ...(fittedOn ? { fittedOn, fittedChunks } : {}) },
    chunker: { version: CHUNKER_VERSION, ...DEFAULT_CHUNK_OPTIONS },
    hnsw: { space: 'cosine', ...DEFAULT_HNSW_PARAMS },
    counts: { files: corpus.sourceFiles, docs: corpus.files.length, sections, chunks: chunks.length, changelog: changelog.entries.length },
    registryHash: corpus.registryHash,
    tokenizerVersion: TOKENIZER_VERSION,
    sources,
    artifacts: checksums,
  };
  await writer.commit(manifest);
  return {
    indexDir: path.resolve(options.indexDir),
    files: { total: corpus.files.length, added, changed, removed, parsed: corpus.parsed, fallback: corpus.fallback, failed: corpus.failed },
    failures: corpus.failures,
    lost: lost.docs,
    docs: corpus.files.length,
    sections,
    chunks: chunks.length,
    chunksEmbedded: todo.length,
    refitted,
    warnings: corpus.warnings,
    ms: Math.round(performance.now() - start),
    full: !previous,
  };
}

/** The previous index, if it can be built upon: same embedder, same chunker, same base URL. */
function loadPrevious(options: BuildOptions, baseUrl: string, log: (line: string) => void): PreviousBuild | undefined {
  let index: PreviousBuild;
  try {
    if (!existsSync(path.join(resolveIndexFolder(options.indexDir).folder, 'manifest.json'))) return undefined;
    index = loadPreviousBuild(options.indexDir);
  } catch (error) {
    log(`previous index not reusable, building from scratch: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
  const m = index.manifest;
  const model = options.embedder === 'local' ? 'lsa' : (options.model ?? 'Xenova/all-MiniLM-L6-v2');
  if (m.embedder.kind !== options.embedder || m.embedder.model !== model) {
    log(`embedder changed (${m.embedder.kind}/${m.embedder.model} → ${options.embedder}/${model}): full build`);
    return undefined;
  }
  if (m.chunker.version !== CHUNKER_VERSION || m.corpus.baseUrl !== baseUrl) {
    log('chunker version or base URL changed: full build');
    return undefined;
  }
  return index;
}

/** The previous index's manifest, for the shrink check of a full build; none if it cannot be read. */
function previousManifest(indexDir: string): Manifest | undefined {
  try {
    return readManifest(indexDir);
  } catch {
    return undefined;
  }
}

function lostDocs(previous: Manifest | undefined, files: ParsedFile[]): { docs: string[]; of: number } {
  if (!previous) return { docs: [], of: 0 };
  const kept = new Set(files.map((f) => f.docId));
  const before = [...new Set(Object.values(previous.sources).map((s) => s.docId))];
  return { docs: before.filter((id) => !kept.has(id)).sort(), of: before.length };
}

/**
 * hnswlib writes its file through a stream whose errors it ignores, so a full disk leaves a
 * truncated file and no error. Reading the file back is the only proof that it is complete.
 */
function checkHnswFile(file: string, dimension: number, count: number): void {
  try {
    VectorIndex.read(file, dimension, count, DEFAULT_HNSW_PARAMS.efSearch);
  } catch (error) {
    let size = 0;
    try {
      size = readFileSync(file).length;
    } catch {
      // reported below as size 0
    }
    throw new IndexWriteError(
      file,
      undefined,
      `the HNSW file read back is incomplete (${size} bytes; ${(error as Error).message}); the HNSW library does not report write errors, so the disk is probably full`,
      'free some disk space and run ingest again; the previous index is unchanged and still serves',
    );
  }
}

function filesOf(index: PreviousBuild): Map<string, ParsedFile> {
  const chunksByDoc = new Map<string, Chunk[]>();
  for (const c of index.chunks) {
    const list = chunksByDoc.get(c.docId);
    if (list) list.push(c);
    else chunksByDoc.set(c.docId, [c]);
  }
  const docsById = new Map(index.docs.map((d) => [d.id, d]));
  const files = new Map<string, ParsedFile>();
  for (const [filePath, source] of Object.entries(index.manifest.sources)) {
    const doc = docsById.get(source.docId);
    if (!doc) continue;
    files.set(filePath, { path: filePath, docId: source.docId, sourceHash: source.sha256, doc, chunks: chunksByDoc.get(source.docId) ?? [] });
  }
  return files;
}

function hashCorpus(files: ParsedFile[], changelogCount: number): string {
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f.path}\0${f.sourceHash}\n`);
  hash.update(`changelog:${changelogCount}`);
  return hash.digest('hex');
}

function corpusSource(isDefault: boolean): string {
  if (!isDefault) return 'folder';
  try {
    const pkgPath = path.resolve(defaultCorpus().docs, '..', '..', '..', 'package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { name: string; version: string };
    return `npm:${pkg.name}@${pkg.version}`;
  } catch {
    return 'npm:@workos/mcp-docs-server';
  }
}

/** The docs source must be a folder; a file or a missing path is refused with what to pass instead. */
function assertDocsFolder(docsDir: string): void {
  const stat = statSync(docsDir, { throwIfNoEntry: false });
  if (!stat) throw new Error(`Docs folder not found: ${docsDir}. Pass --docs DIR with a folder of .mdx/.md files.`);
  if (!stat.isDirectory()) {
    throw new Error(`--docs must be a folder of .mdx/.md files, but ${docsDir} is a file. Pass the folder that holds the docs, e.g. --docs ${path.dirname(docsDir)}.`);
  }
}
