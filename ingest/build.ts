import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import type { ChangelogEntry, Chunk } from '../src/types.js';
import { DEFAULT_BASE_URL, underPrefix, withAnchor } from '../src/ids.js';
import { codeBlocks } from '../src/core/examples.js';
import { breadcrumbs } from '../src/text/breadcrumbs.js';
import { embeddingText } from '../src/text/embedding-text.js';
import { DEFAULT_LOCAL_PARAMS, type LocalParams } from '../src/embed/local.js';
import { IndexWriter } from '../src/store/index-writer.js';
import { resolveIndexFolder } from '../src/store/index-dir.js';
import type { LexicalIndexes } from '../src/store/lexical-indexes.js';
import { TOKENIZER_VERSION } from '../src/text/tokenize.js';
import { loadPreviousBuild, readManifest, type PreviousBuild } from '../src/store/load.js';
import { writeIndex } from '../src/store/format/index-format.js';
import { FORMAT_VERSION, type Manifest } from '../src/store/format/manifest.js';
import { DEFAULT_HNSW_PARAMS } from '../src/store/vector-index.js';
import { CHUNKER_VERSION, DEFAULT_CHUNK_OPTIONS, withContext } from './chunk.js';
import { readAllChangelogs } from './changelogs.js';
import type { FetchRecord } from '../src/store/format/manifest.js';
import { parseCorpus, type Corpus, type CorpusWarning, type ParsedFile } from './corpus.js';
import { defaultCorpus } from './discover.js';
import { z } from 'zod';
import { sourceRecordSchema } from '../src/store/format/manifest.js';
import { arrangeSources, feedSource, folderSource, presetSources, siteSource, workosDocsSource, workosSdkSources, type SourceRecord } from './sources/sources.js';
import { defaultCacheDir } from '../src/package-root.js';
import { frameworkKey, pointPlaceholders, type SdkExample } from './sdk/placeholders.js';
import type { ListOptions } from './sources/files.js';
import { embedChunks, type Embedded } from './embed-stage.js';
import { planBuild, recordedSettings, sourceUrls, type BuildPlan, type BuildSettings } from './plan.js';
import { buildSearchStructures } from './search-stage.js';
import { DEFAULT_INGEST_LIMITS, type IngestLimits } from './limits.js';

/** Where sources are fetched and cached, and how (ListOptions), plus what to build and how. */
export interface BuildOptions extends ListOptions {
  /**
   * What to index. Without it: the folder `docsDir` (with `name`, `baseUrl`, `changelogsDir`);
   * without that either, the sources the index at `indexDir` records, else the default WorkOS sources.
   */
  sources?: SourceRecord[];
  docsDir?: string;
  /** The docs folder's (or site's) name, as tools and instructions call it ("Mastra"). */
  name?: string;
  /** A live docs site to index from its llms.txt, instead of a docs folder. */
  llmsTxt?: string;
  /** A changelog feed (RSS or Atom) to add to the sources. */
  changelogFeed?: string;
  /** Bounds recorded with a new site or feed source (kept for its refreshes). */
  fetchOptions?: SourceRecord['fetch'];
  /** null: no changelog. undefined: the default corpus's changelogs when docsDir is the default. */
  changelogsDir?: string | null;
  indexDir: string;
  embedder: 'local' | 'transformers';
  model?: string;
  modelsDir: string;
  allowRemote?: boolean;
  full?: boolean;
  /** Where the docs folder's pages are published; its ids follow it (default: file:// URLs of the files). */
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
  /** false: leave the WorkOS SDK packages out (docs and changelog only); true: add them to the sources an index records. */
  sdks?: boolean;
  /** Where pinned package tarballs and online sources' copies are cached (default: $WORKOS_DOCS_MCP_CACHE or .cache/sources in the package). */
  cacheDir?: string;
  /**
   * The local embedder's random seed (default DEFAULT_LOCAL_PARAMS.seed). For maintainers: one draw of
   * the model moves question-set figures by a few questions (`retrieval-lab seeds`).
   */
  embedderSeed?: number;
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
  files: { total: number; added: number; changed: number; removed: number; parsed: number; fallback: number; failed: number; stale: number };
  /** Docs that could not be read in this run and keep their previous version, with why. */
  stale: CorpusWarning[];
  /** The files that are not in the index, with where and why. */
  failures: CorpusWarning[];
  /** Missing code samples rendered as placeholders, and how many point to an SDK example. */
  placeholders: { total: number; pointed: number };
  /** Doc ids the previous index held that this one does not (deleted or failed). */
  lost: string[];
  docs: number;
  sections: number;
  chunks: number;
  chunksEmbedded: number;
  refitted: boolean;
  warnings: CorpusWarning[];
  /** What each online source's fetch did in this run. */
  online: Array<{ name: string; url: string; kind: SourceRecord['kind']; fetched: FetchRecord }>;
  /** Changelog entries in the index (pinned and fetched). */
  changelog: number;
  ms: number;
  full: boolean;
}

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
        'Fix: if these docs were removed on purpose, run ingest (or refresh) again with --allow-shrink; otherwise check the sources: the --docs folder, or the site\'s llms.txt and the warnings above.',
    );
    this.name = 'ShrinkRefusedError';
  }
}

export class EmptyDocsError extends Error {
  constructor(
    readonly docsDir: string,
    /** The site, when the sources were one: its pages all failed, or it listed none that could be indexed. */
    site?: { llmsTxt: string; listed: number; failed: number },
  ) {
    super(
      site
        ? `${site.llmsTxt} listed ${site.listed} page${site.listed === 1 ? '' : 's'} on its origin and none could be indexed (${site.failed} failed; see the warnings above), so nothing was built and the existing index (if any) is unchanged.\n` +
            'Fix: check that the pages (or their .md variants) can be fetched, raise --fetch-timeout-ms or --max-page-bytes if the warnings name them, or pass --allow-empty to build an empty index on purpose.'
        : `No .md or .mdx files in ${docsDir}, so nothing was built and the existing index (if any) is unchanged.\n` +
            'Fix: pass --docs with a folder of .mdx/.md files, or --allow-empty to build an empty index on purpose.',
    );
    this.name = 'EmptyDocsError';
  }
}

/** Builds or updates an index folder: parse what changed, embed what is new, write atomically. */
export async function buildIndex(options: BuildOptions): Promise<BuildSummary> {
  const start = performance.now();
  const log = options.log ?? (() => {});
  const sources = arrangeSources(sourcesToBuild(options, log));
  for (const source of sources) if (source.docsDir) assertDocsFolder(source.docsDir, source);
  const writer = await IndexWriter.open(options.indexDir);
  try {
    const { summary, commits } = await buildInto(writer, options, { start, log, sources });
    await writer.release();
    // The index is in place: online sources' caches may now forget what it no longer needs.
    for (const commit of commits) await commit().catch((error: Error) => log(`warning: the cache of an online source could not be updated (${error.message}); the next run fetches it again`));
    return summary;
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

interface BuildContext {
  start: number;
  log: (line: string) => void;
  sources: SourceRecord[];
}

type SourceOptions = Pick<BuildOptions, 'sources' | 'docsDir' | 'name' | 'baseUrl' | 'changelogsDir' | 'indexDir' | 'sdks' | 'llmsTxt' | 'changelogFeed' | 'fetchOptions'>;

/**
 * The sources of this build: given ones; else a docs folder from the options; else what the
 * index being updated records (so `ingest --index X` rebuilds X from its own sources); else the
 * default WorkOS sources.
 */
export function sourcesToBuild(options: SourceOptions, log: (line: string) => void = () => {}): SourceRecord[] {
  const sources = mainSources(options, log);
  if (!options.changelogFeed) return sources;
  const feed = feedSource({ feedUrl: options.changelogFeed, ...(options.fetchOptions ? { fetch: options.fetchOptions } : {}) });
  return sources.some((s) => s.kind === 'feed' && s.feedUrl === feed.feedUrl) ? sources : [...sources, feed];
}

function mainSources(options: SourceOptions, log: (line: string) => void): SourceRecord[] {
  if (options.sources) return options.sources;
  if (options.llmsTxt !== undefined) {
    if (options.docsDir !== undefined) throw new Error('Pass one of --docs DIR or --llms-txt URL (to index both, list them as sources in workos-docs-mcp.config.json).');
    if (options.changelogsDir) throw new Error('--changelogs is a folder of changelog JSON for a --docs folder; for a site, pass its feed with --changelog-feed URL.');
    return [siteSource({ llmsTxt: options.llmsTxt, name: options.name, baseUrl: options.baseUrl, ...(options.fetchOptions ? { fetch: options.fetchOptions } : {}) })];
  }
  if (options.docsDir !== undefined) {
    const defaults = defaultCorpus();
    if (path.resolve(options.docsDir) === path.resolve(defaults.docs) && options.name === undefined && options.baseUrl === undefined) {
      const source = workosDocsSource();
      return [options.changelogsDir === undefined ? source : { ...source, changelogsDir: options.changelogsDir }];
    }
    return [folderSource({ docs: options.docsDir, name: options.name, baseUrl: options.baseUrl, changelogs: options.changelogsDir })];
  }
  if (options.name !== undefined || options.baseUrl !== undefined || options.changelogsDir !== undefined) {
    throw new Error('--name, --base-url and --changelogs describe a docs folder or site: pass it with --docs DIR or --llms-txt URL too (or list sources in workos-docs-mcp.config.json).');
  }
  const recorded = recordedSources(options.indexDir);
  if (recorded && options.sdks === false) return recorded.filter((s) => s.preset !== 'workos-sdks');
  if (recorded && options.sdks === true && !recorded.some((s) => s.preset === 'workos-sdks')) return [...recorded, ...workosSdkSources()];
  if (recorded) {
    log(`sources: as recorded in the index (${recorded.map((s) => s.name).join(', ')})`);
    return recorded;
  }
  return defaultSources({ sdks: options.sdks });
}

/**
 * The build itself, holding the index folder's lock through `writer`, in stages with plain data
 * between them: plan what to reuse, parse, embed, build the search structures, write.
 */
async function buildInto(writer: IndexWriter, options: BuildOptions, context: BuildContext): Promise<{ summary: BuildSummary; commits: Array<() => Promise<void>> }> {
  const { previous, plan } = planStage(options, wantedSettings(options, context.sources), context.log);
  const parsed = await parseStage(options, context, previous, plan);
  const contentHash = hashCorpus(parsed.corpus.files, parsed.changelog.length);
  const docsOnly = docsSourcesOnly(parsed.corpus.sources, parsed.corpus.changelogPrefix);
  const embedded = await embedChunks({ ...options, localParams: localParams(options), chunks: parsed.chunks, texts: parsed.texts, contentHash, ...(docsOnly ? { fitOn: (c: Chunk) => docsOnly(c.docId) } : {}) }, previous, plan);
  const { files, navigation } = parsed.corpus;
  const search = await buildSearchStructures(writer, { ...options, chunks: parsed.chunks, docs: files.map((f) => f.doc), navigation, vectors: embedded.vectors, ...(docsOnly ? { inStats: docsOnly } : {}) });
  await options.beforeWrite?.();
  const summary = await writeStage(writer, options, context, { previous, parsed, embedded, search, contentHash });
  return { summary, commits: parsed.corpus.commits };
}

/** The local embedder's params for this build: the defaults, with the seed the options give. */
function localParams(options: BuildOptions): LocalParams {
  return options.embedderSeed === undefined ? DEFAULT_LOCAL_PARAMS : { ...DEFAULT_LOCAL_PARAMS, seed: options.embedderSeed };
}

/** The settings this build would record: compared with the previous build's by the plan. */
function wantedSettings(options: BuildOptions, sources: SourceRecord[]): BuildSettings {
  const local = options.embedder === 'local';
  return {
    formatVersion: FORMAT_VERSION,
    embedder: { kind: options.embedder, model: local ? 'lsa' : (options.model ?? 'Xenova/all-MiniLM-L6-v2'), params: local ? { ...localParams(options) } : {} },
    chunker: { version: CHUNKER_VERSION, ...DEFAULT_CHUNK_OPTIONS },
    urls: sourceUrls(sources),
    tokenizerVersion: TOKENIZER_VERSION,
    hnsw: DEFAULT_HNSW_PARAMS,
  };
}

/** Plan: what the previous index offers, and what of it this build may reuse (see plan.ts). */
function planStage(options: BuildOptions, wanted: BuildSettings, log: (line: string) => void): { previous?: PreviousBuild; plan: BuildPlan } {
  if (options.full) return { plan: planBuild(undefined, wanted, true) };
  let recorded: BuildSettings | undefined;
  try {
    if (existsSync(path.join(resolveIndexFolder(options.indexDir).folder, 'manifest.json'))) {
      recorded = recordedSettings(readManifest(options.indexDir, { anyTokenizer: true }));
    }
  } catch (error) {
    log(`previous index not reusable, building from scratch: ${(error as Error).message.split('\n')[0]}`);
  }
  const plan = planBuild(recorded, wanted);
  if (recorded) for (const reason of plan.reasons) log(reason);
  if (!plan.reuseParsed && !plan.reuseVectors && !plan.reuseModel) return { plan };
  try {
    return { previous: loadPreviousBuild(options.indexDir), plan };
  } catch (error) {
    log(`previous index not reusable, building from scratch: ${(error as Error).message.split('\n')[0]}`);
    return { plan };
  }
}

interface Parsed {
  corpus: Corpus;
  changelog: ChangelogEntry[];
  lost: string[];
  /** Chunks with their navigation breadcrumbs, and the text each one embeds. */
  chunks: Chunk[];
  texts: string[];
  /** Missing code samples rendered as placeholders, and how many point to an SDK example. */
  placeholders: { total: number; pointed: number };
}

/** Parse: read and parse the sources (reusing unchanged files when the plan allows), refuse a shrink. */
async function parseStage(options: BuildOptions, context: BuildContext, previous: PreviousBuild | undefined, plan: BuildPlan): Promise<Parsed> {
  const { log, sources } = context;
  const reuse = plan.reuseParsed ? previous : undefined;
  const previousFiles = reuse ? filesOf(reuse) : new Map<string, ParsedFile>();
  const limits: IngestLimits = { ...DEFAULT_INGEST_LIMITS, ...options.limits };
  const { pack, packageDirs, publishTimes, offline, fetchLimits } = options;
  const list: ListOptions = { cacheDir: options.cacheDir ?? defaultCacheDir({}), pack, packageDirs, publishTimes, offline, fetchLimits };
  // The changelog first: its entries become pages of the corpus (and packages are fetched here).
  const changelog = await readAllChangelogs(sources, { maxFileBytes: limits.maxFileBytes, list });
  for (const w of changelog.warnings) log(`warning: changelog: ${w}`);
  const corpus = await parseCorpus({
    sources,
    list,
    changelog: changelog.entries,
    limits,
    strict: options.strict,
    previous: { get: (p) => previousFiles.get(p), registryHash: reuse?.manifest.registryHash, registryParts: reuse?.registryParts },
    onProgress: (done, total) => options.progress?.('parse', done, total),
  });
  // A warning that already starts with its path (a URL, a package) is not prefixed with it twice.
  for (const w of corpus.warnings) log(`warning: ${w.message.startsWith(`${w.path}:`) ? '' : `${w.path}${w.line ? `:${w.line}${w.column ? `:${w.column}` : ''}` : ''}: `}${w.message}`);
  // Changelog pages are not docs of a folder: a docs folder with none is still empty.
  const sourceDocs = corpus.files.filter((f) => !corpus.changelogPrefix || !underPrefix(f.docId, corpus.changelogPrefix)).length;
  if (sourceDocs + corpus.failed === 0 && !options.allowEmpty) {
    const site = corpus.sources.find((s) => s.kind === 'site' && s.fetched);
    throw new EmptyDocsError(
      sources.map((s) => s.docsDir ?? s.name).join(', '),
      site?.llmsTxt && site.fetched ? { llmsTxt: site.llmsTxt, listed: site.fetched.listed, failed: site.fetched.failed + site.fetched.removed } : undefined,
    );
  }
  const before = previous?.manifest ?? previousManifest(options.indexDir);
  const lost = lostDocs(before, corpus.files, corpus.changelogPrefix);
  if (lost.docs.length > Math.max(1, SHRINK_LIMIT * lost.of) && !options.allowShrink) {
    const failedBefore = corpus.failures.filter((f) => before?.files[f.path]).length;
    throw new ShrinkRefusedError(path.resolve(options.indexDir), lost.docs, lost.of, failedBefore);
  }
  const pointed = pointPlaceholders(corpus.files, sdkExamples(corpus));
  corpus.files = pointed.files;
  if (pointed.placeholders) log(`missing code samples: ${pointed.placeholders} placeholders, ${pointed.pointed} with a pointer to the closest SDK example`);
  const chunks = withContext(corpus.files.flatMap((f) => f.chunks), breadcrumbs(corpus.navigation));
  // The corpus's list: these entries and those of the feeds fetched as the sources were listed.
  return { corpus, changelog: corpus.changelog, lost: lost.docs, chunks, texts: chunks.map((c) => embeddingText(c)), placeholders: { total: pointed.placeholders, pointed: pointed.pointed } };
}

/** Write: write every component and the manifest, switch to the new version, and summarize. */
async function writeStage(
  writer: IndexWriter,
  options: BuildOptions,
  context: BuildContext,
  stages: { previous?: PreviousBuild; parsed: Parsed; embedded: Embedded; search: { lexical: LexicalIndexes }; contentHash: string },
): Promise<BuildSummary> {
  const { start } = context;
  const { previous, parsed, embedded, search, contentHash } = stages;
  const { corpus, chunks, changelog } = parsed;
  const sources: Manifest['files'] = {};
  for (const f of corpus.files) sources[f.path] = { docId: f.docId, sha256: f.sourceHash };
  const oldSources = previous?.manifest.files ?? {};
  const oldPaths = new Set(Object.keys(oldSources));
  const newPaths = Object.keys(sources);
  const added = newPaths.filter((p) => !oldPaths.has(p)).length;
  const changed = newPaths.filter((p) => oldPaths.has(p) && oldSources[p]?.sha256 !== sources[p]?.sha256).length;
  const failedPaths = new Set(corpus.failures.map((f) => f.path));
  const removed = [...oldPaths].filter((p) => !(p in sources) && !failedPaths.has(p)).length;
  const sections = corpus.files.reduce((n, f) => n + f.doc.sections.length, 0);
  const fit = embedded.fit?.fittedOn ? embedded.fit : {};
  await writeIndex(
    writer,
    {
      chunks,
      docs: corpus.files.map((f) => f.doc),
      navigation: corpus.navigation,
      changelog,
      registryParts: corpus.registryParts,
      vectors: embedded.vectors,
      lexical: search.lexical,
      localEmbedder: embedded.local,
    },
    {
      createdAt: new Date().toISOString(),
      buildMs: Math.round(performance.now() - start),
      sources: corpus.sources,
      contentHash,
      ...(corpus.changelogPrefix ? { changelogPrefix: corpus.changelogPrefix } : {}),
      topics: corpus.navigation.map((n) => ({ title: n.title, ...(n.id !== undefined ? { id: n.id } : {}) })),
      embedder: { ...embedded.embedder.info, ...fit },
      chunker: { version: CHUNKER_VERSION, ...DEFAULT_CHUNK_OPTIONS },
      hnsw: { space: 'cosine', ...DEFAULT_HNSW_PARAMS },
      counts: { files: corpus.sourceFiles, docs: corpus.files.length, sections, chunks: chunks.length, changelog: changelog.length },
      registryHash: corpus.registryHash,
      tokenizerVersion: TOKENIZER_VERSION,
      files: sources,
      stale: corpus.stale.map((w) => ({ path: w.path, message: w.message })),
    },
  );
  return {
    indexDir: path.resolve(options.indexDir),
    files: { total: corpus.files.length, added, changed, removed, parsed: corpus.parsed, fallback: corpus.fallback, failed: corpus.failed, stale: corpus.stale.length },
    failures: corpus.failures,
    stale: corpus.stale,
    placeholders: parsed.placeholders,
    lost: parsed.lost,
    docs: corpus.files.length,
    sections,
    chunks: chunks.length,
    chunksEmbedded: embedded.embeddedCount,
    refitted: embedded.refitted,
    warnings: corpus.warnings,
    online: corpus.sources.filter((s) => s.fetched).map((s) => ({ name: s.name, url: s.llmsTxt ?? s.feedUrl ?? s.baseUrl, kind: s.kind, fetched: s.fetched as FetchRecord })),
    changelog: changelog.length,
    ms: Math.round(performance.now() - start),
    full: !previous,
  };
}

/** The previous index's manifest, for the shrink check of a full build; none if it cannot be read. */
function previousManifest(indexDir: string): Manifest | undefined {
  try {
    return readManifest(indexDir, { anyTokenizer: true });
  } catch {
    return undefined;
  }
}

/**
 * The docs of the previous index this build does not have. Changelog pages do not count: entries
 * leave with their sources (a feed keeps only its latest), which is not a docs folder gone wrong.
 */
function lostDocs(previous: Manifest | undefined, files: ParsedFile[], changelogPrefix: string | undefined): { docs: string[]; of: number } {
  if (!previous) return { docs: [], of: 0 };
  const kept = new Set(files.map((f) => f.docId));
  const changes = [previous.changelogPrefix, changelogPrefix].filter((p): p is string => Boolean(p));
  const before = [...new Set(Object.values(previous.files).map((s) => s.docId))].filter((id) => !changes.some((p) => underPrefix(id, p)));
  return { docs: before.filter((id) => !kept.has(id)).sort(), of: before.length };
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
  for (const [filePath, source] of Object.entries(index.manifest.files)) {
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

/** The docs source must be a folder; a file or a missing path is refused with what to pass instead. */
function assertDocsFolder(docsDir: string, source: SourceRecord): void {
  const stat = statSync(docsDir, { throwIfNoEntry: false });
  if (!stat) {
    const fix = source.kind === 'docs-package' ? `Reinstall the package ${source.package ?? ''} (npm ci).` : 'Pass --docs DIR with a folder of .mdx/.md files.';
    throw new Error(`Docs folder of ${source.name || 'the source'} not found: ${docsDir}. ${fix}`);
  }
  if (!stat.isDirectory()) {
    throw new Error(`--docs must be a folder of .mdx/.md files, but ${docsDir} is a file. Pass the folder that holds the docs, e.g. --docs ${path.dirname(docsDir)}.`);
  }
}

/** The default sources: the pinned WorkOS docs package and, unless left out, the pinned WorkOS SDK packages. */
export function defaultSources(options: { sdks?: boolean } = {}): SourceRecord[] {
  return [workosDocsSource(), ...(options.sdks === false ? [] : workosSdkSources())];
}

/**
 * The sources an existing index records, read leniently so that an index of an older format is
 * rebuilt from its folder too; undefined when there is no readable manifest.
 */
export function recordedSources(indexDir: string): SourceRecord[] | undefined {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path.join(resolveIndexFolder(indexDir).folder, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const parsed = z.array(sourceRecordSchema).min(1).safeParse(raw.sources);
  if (parsed.success) {
    // Sources from a preset follow its current pins (an upgrade of this package updates them).
    const out: SourceRecord[] = [];
    const seen = new Set<string>();
    for (const s of parsed.data) {
      if (!s.preset) out.push(s.kind === 'docs-package' ? { ...workosDocsSource(s.prefix) } : s);
      else if (!seen.has(s.preset)) {
        seen.add(s.preset);
        out.push(...presetSources(s.preset).map((p) => (p.kind === 'docs-package' ? { ...p, prefix: s.prefix } : p)));
      }
    }
    return out;
  }
  // Format 4 and older recorded one folder as `corpus`.
  const corpus = raw.corpus as { source?: unknown; docsDir?: unknown; changelogsDir?: unknown; baseUrl?: unknown } | undefined;
  if (!corpus || typeof corpus.docsDir !== 'string') return undefined;
  if (typeof corpus.source === 'string' && corpus.source.startsWith('npm:')) return defaultSources();
  // Those builds could not be given a base URL: the WorkOS one they recorded was never chosen.
  const baseUrl = typeof corpus.baseUrl === 'string' && corpus.baseUrl !== DEFAULT_BASE_URL ? corpus.baseUrl : undefined;
  return [folderSource({ docs: corpus.docsDir, baseUrl, changelogs: typeof corpus.changelogsDir === 'string' ? corpus.changelogsDir : null })];
}

/** The SDK code missing docs samples may point to: each README code block (in its section) and each method page's call. */
function sdkExamples(corpus: Corpus): SdkExample[] {
  const examples: SdkExample[] = [];
  for (const source of corpus.sources) {
    if (source.kind !== 'npm-package' || !source.prefix) continue;
    const framework = frameworkKey(source.framework ?? '') || undefined;
    for (const file of corpus.files) {
      if (!underPrefix(file.docId, source.prefix)) continue;
      const { doc } = file;
      const blocks = codeBlocks(doc.markdown);
      // A method page's first block is its call; a README's every block is an example.
      for (const block of file.docId === source.prefix ? blocks : blocks.slice(0, 1)) {
        const section = [...doc.sections].reverse().find((s) => s.offset <= block.offset);
        const where = file.docId === source.prefix ? section?.heading.join(' › ') || doc.title : doc.title;
        examples.push({
          docId: doc.id,
          url: withAnchor(doc.url, section?.anchor || undefined),
          label: `${source.name} ${source.version ?? ''} › ${where}`.replace(/ {2,}/g, ' '),
          ...(framework ? { framework } : {}),
          text: `${section?.heading.join(' ') ?? ''}\n${block.intro}\n${block.code}`,
        });
      }
    }
  }
  return examples;
}

/**
 * Beside package sources (READMEs, generated method pages) and the changelog's pages, what the
 * model and the term statistics are learned from: the docs sources. The local model is fitted on
 * them (the other chunks are projected into its space) and the lexical indexes take document
 * frequencies and lengths over them, so adding an SDK or a changelog entry leaves the docs'
 * vectors and term weights as they were. An index of packages alone learns from all its pages.
 */
export function docsSourcesOnly(sources: SourceRecord[], changelogPrefix: string | undefined): ((docId: string) => boolean) | undefined {
  const packages = sources.filter((s) => s.kind === 'npm-package' && s.prefix).map((s) => s.prefix);
  const left = packages.length === sources.length ? [] : packages;
  const out = [...left, ...(changelogPrefix ? [changelogPrefix] : [])];
  if (out.length === 0) return undefined;
  return (docId) => !out.some((p) => underPrefix(docId, p));
}
