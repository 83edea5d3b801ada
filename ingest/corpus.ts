import { open } from 'node:fs/promises';
import type { Chunk, DocRecord, NavNode } from '../src/types.js';
import type { RegistryParts } from '../src/store/format/records.js';
import { DEFAULT_CHUNK_OPTIONS, type ChunkOptions } from './chunk.js';
import { discoverDocs, type SourceFile } from './discover.js';
import { DEFAULT_INGEST_LIMITS, type IngestLimits } from './limits.js';
import { buildNavigationTree, parseNavigation, type NavigationFile } from './navigation.js';
import { ParseError, readFrontmatterOnly, sha256 } from './parse.js';
import { createParsePool, type ParsePool } from './parse-pool.js';
import { mergeRegistries, registryFromFrontmatter } from './reference.js';
import { FRONTMATTER } from './markdown.js';

export interface ParsedFile {
  path: string;
  docId: string;
  sourceHash: string;
  doc: DocRecord;
  chunks: Chunk[];
}

/** What an earlier build knew about a file, so an unchanged file need not be parsed again. */
export interface PreviousFiles {
  get(path: string): ParsedFile | undefined;
  /** Hash of the merged reference registry the previous build resolved against. */
  registryHash?: string;
  /** The registry part each file defined, by path, with the hash of the source it came from. */
  registryParts?: RegistryParts;
}

/** The index format owns this record (it is stored in registry.json); its registries are ReferenceRegistry values. */
export type { RegistryParts };

export interface CorpusWarning {
  path: string;
  line?: number;
  column?: number;
  message: string;
}

export interface Corpus {
  files: ParsedFile[];
  navigation: NavNode[];
  warnings: CorpusWarning[];
  registryHash: string;
  /** Each registry-defining file's part of the registry, for the next incremental run. */
  registryParts: RegistryParts;
  /** Files parsed in this run (the rest were reused from the previous build). */
  parsed: number;
  /** Files indexed as plain Markdown or plain text because they could not be parsed as written. */
  fallback: number;
  /** Files not indexed at all (too large, unreadable). */
  failed: number;
  /** One warning per doc file that failed to parse (it is not in `files`). */
  failures: CorpusWarning[];
  sourceFiles: number;
}

export interface CorpusOptions {
  docsDir: string;
  baseUrl: string;
  chunk?: ChunkOptions;
  previous?: PreviousFiles;
  limits?: Partial<IngestLimits>;
  /** Fail on the first file that cannot be parsed as written, or is over the size limit, instead of falling back. */
  strict?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** Reads, parses and chunks every doc under a folder; files whose source is unchanged are reused. */
export async function parseCorpus(options: CorpusOptions): Promise<Corpus> {
  const limits: IngestLimits = { ...DEFAULT_INGEST_LIMITS, ...options.limits };
  const pool = createParsePool({ limits, chunk: options.chunk ?? DEFAULT_CHUNK_OPTIONS, strict: Boolean(options.strict) });
  // Without a previous build every file is parsed: the parse process loads while the files are read.
  if (options.previous?.registryHash === undefined) pool.warm();
  try {
    return await readCorpus(options, limits, pool);
  } finally {
    await pool.close();
  }
}

async function readCorpus(options: CorpusOptions, limits: IngestLimits, pool: ParsePool): Promise<Corpus> {
  const discovery = await discoverDocs(options.docsDir);
  const warnings: CorpusWarning[] = discovery.warnings.map((message) => ({ path: message.split(':')[0] ?? '', message }));
  let failed = 0;
  // Files that are not in the index at all (unreadable, over the size limit, unparseable even as text).
  const failures: CorpusWarning[] = [];
  const read = await mapLimit(discovery.files, limits.readConcurrency, async (file) => {
    try {
      return { file, source: await readSource(file, limits.maxFileBytes) };
    } catch (error) {
      const message = (error as Error).message;
      if (options.strict) throw new Error(`${file.path}: ${message} (--strict stops at the first file that cannot be indexed)`);
      const warning = { path: file.path, message: `${message}; skipped` };
      if (file.kind === 'doc') {
        failed++;
        failures.push(warning);
      }
      warnings.push(warning);
      return undefined;
    }
  });
  const sources = read.filter((s): s is { file: SourceFile; source: string } => s !== undefined);
  const navFiles: NavigationFile[] = [];
  const frontmatterOf = (file: SourceFile, source: string) => {
    try {
      return readFrontmatterOnly(source, file.path);
    } catch (error) {
      if (error instanceof ParseError) warnings.push({ path: error.path, line: error.line, message: error.reason });
      return {};
    }
  };
  const docs = sources.filter((s) => s.file.kind === 'doc');
  for (const { file, source } of sources) {
    if (file.kind === 'navigation') navFiles.push(parseNavigation(file.docId, frontmatterOf(file, source), options.baseUrl));
  }
  // The corpus-wide reference registry needs the YAML of every file that defines descriptions or
  // reference data; each file's part is kept from the previous build while its source is unchanged,
  // so an incremental run parses only the YAML of the files that changed.
  const previous = options.previous;
  const hashes = new Map(docs.map(({ file, source }) => [file.path, sha256(source)]));
  const registryParts: RegistryParts = {};
  for (const { file, source } of docs) {
    if (!definesRegistry(source)) continue;
    const hash = hashes.get(file.path) ?? '';
    const old = previous?.registryParts?.[file.path];
    registryParts[file.path] = old?.sha256 === hash ? old : { sha256: hash, registry: registryFromFrontmatter(frontmatterOf(file, source)) };
  }
  const registry = mergeRegistries(Object.values(registryParts).map((part) => part.registry));
  const registryHash = sha256(JSON.stringify(registry));
  const registryChanged = previous?.registryHash !== registryHash;
  const reusable = (file: SourceFile) => {
    const old = previous?.get(file.path);
    return Boolean(old && old.sourceHash === hashes.get(file.path) && old.docId === file.docId);
  };
  const files: Array<ParsedFile | undefined> = new Array(docs.length);
  let parsed = 0;
  let fallback = 0;
  let done = 0;
  if (docs.length === 0) options.onProgress?.(0, 0);
  pool.setRegistry(registry);
  await Promise.all(
    docs.map(async ({ file, source }, i) => {
      const sourceHash = hashes.get(file.path) ?? sha256(source);
      const old = previous?.get(file.path);
      if (old && reusable(file) && !(registryChanged && hasReference(source))) files[i] = old;
      else {
        try {
          const indexed = await pool.index({ path: file.path, docId: file.docId, source, baseUrl: options.baseUrl });
          files[i] = { path: file.path, docId: file.docId, sourceHash, doc: indexed.doc, chunks: indexed.chunks };
          parsed++;
          if (indexed.fallback) fallback++;
          warnings.push(...indexed.warnings);
        } catch (error) {
          if (options.strict) throw error;
          failed++;
          const e = error as Partial<ParseError> & Error;
          const warning: CorpusWarning = { path: file.path, line: e.line, column: e.column, message: e.reason ?? e.message ?? String(error) };
          warnings.push(warning);
          failures.push(warning);
        }
      }
      options.onProgress?.(++done, docs.length);
    }),
  );
  const indexed = files.filter((f): f is ParsedFile => f !== undefined);
  const navigation = buildNavigationTree(navFiles, indexed.map((f) => ({ id: f.docId, title: f.doc.title })));
  warnings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  failures.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files: indexed, navigation, warnings, registryHash, registryParts, parsed, fallback, failed, failures, sourceFiles: discovery.files.length };
}

/** Reads a file through one descriptor, refusing it (before reading) when it is over the size limit. */
async function readSource(file: SourceFile, maxBytes: number): Promise<string> {
  const handle = await open(file.absPath, 'r');
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) {
      throw new Error(`file is ${size} bytes, over the ${maxBytes}-byte limit (raise it with --max-file-bytes)`);
    }
    return (await handle.readFile('utf8')).replace(/^\uFEFF/, '');
  } finally {
    await handle.close();
  }
}

/** Like Promise.all over `items.map(fn)`, with at most `limit` calls in flight (so at most `limit` open files). */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}

function definesRegistry(source: string): boolean {
  return source.includes('\ndescriptions:') || source.includes('\nreference:');
}

/** Does the file use `(group.key)` placeholders? They live in its YAML frontmatter only. */
function hasReference(source: string): boolean {
  const frontmatter = FRONTMATTER.exec(source)?.[1] ?? '';
  return /\(([A-Za-z_][\w.]*)\)/.test(frontmatter);
}
