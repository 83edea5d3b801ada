import { existsSync, readFileSync, rmSync } from 'node:fs';
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
import { recoverIndexDir, swapIn, writeStaging, type ArtifactWrite } from '../src/store/index-dir.js';
import type { LexicalIndex } from '../src/store/lexical.js';
import { buildLexicalIndexes } from '../src/store/lexical-indexes.js';
import { TOKENIZER_VERSION } from '../src/text/tokenize.js';
import { loadPreviousBuild, type PreviousBuild } from '../src/store/load.js';
import { ARTIFACTS, FORMAT_VERSION, type Manifest } from '../src/store/manifest.js';
import { buildHnswFile, DEFAULT_HNSW_PARAMS } from '../src/store/vector-index.js';
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
  /** Test hook: called after vectors are computed and before anything is written. */
  beforeWrite?: () => void | Promise<void>;
}

export interface BuildSummary {
  indexDir: string;
  files: { total: number; added: number; changed: number; removed: number; parsed: number; fallback: number; failed: number };
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

/** Builds or updates an index folder: parse what changed, embed what is new, write atomically. */
export async function buildIndex(options: BuildOptions): Promise<BuildSummary> {
  const start = performance.now();
  const log = options.log ?? (() => {});
  const defaults = defaultCorpus();
  const docsDir = path.resolve(options.docsDir ?? defaults.docs);
  const isDefault = docsDir === path.resolve(defaults.docs);
  const changelogsDir = options.changelogsDir === undefined ? (isDefault ? defaults.changelogs : null) : options.changelogsDir;
  const baseUrl = options.baseUrl ?? DEFAULT_BASE_URL;
  if (!existsSync(docsDir)) throw new Error(`Docs folder not found: ${docsDir}. Pass --docs DIR with a folder of .mdx/.md files.`);
  recoverIndexDir(options.indexDir);
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
  const hnswTemp = path.resolve(`${options.indexDir}.hnsw-${process.pid}-${Date.now()}`);
  const hnswBuilt = buildHnswFile(flat, embedder.info.dimension, DEFAULT_HNSW_PARAMS, hnswTemp);
  let lexical: ReturnType<typeof buildLexicalIndexes>;
  try {
    lexical = buildLexicalIndexes(chunks, corpus.files.map((f) => f.doc), corpus.navigation);
    await hnswBuilt;
    await options.beforeWrite?.();
  } catch (error) {
    await hnswBuilt.catch(() => {});
    rmSync(hnswTemp, { force: true });
    throw error;
  }

  const sources: Manifest['sources'] = {};
  for (const f of corpus.files) sources[f.path] = { docId: f.docId, sha256: f.sourceHash };
  const oldPaths = new Set(Object.keys(oldSources));
  const newPaths = Object.keys(sources);
  const added = newPaths.filter((p) => !oldPaths.has(p)).length;
  const changed = newPaths.filter((p) => oldPaths.has(p) && oldSources[p]?.sha256 !== sources[p]?.sha256).length;
  const removed = [...oldPaths].filter((p) => !(p in sources)).length;

  const packLexical = (index: LexicalIndex) => {
    const packed = index.toPacked();
    return pack(packed.meta, packed.arrays);
  };
  const artifacts: ArtifactWrite[] = [
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
  const manifest: Omit<Manifest, 'artifacts'> = {
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
  };
  const staging = await writeStaging(options.indexDir, artifacts, [{ name: ARTIFACTS.hnsw, file: hnswTemp }], manifest);
  await swapIn(staging, options.indexDir);
  return {
    indexDir: path.resolve(options.indexDir),
    files: { total: corpus.files.length, added, changed, removed, parsed: corpus.parsed, fallback: corpus.fallback, failed: corpus.failed },
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
  if (!existsSync(path.join(options.indexDir, 'manifest.json'))) return undefined;
  let index: PreviousBuild;
  try {
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
