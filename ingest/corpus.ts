import { open } from 'node:fs/promises';
import type { ChangelogEntry, Chunk, DocRecord, NavNode } from '../src/types.js';
import type { RegistryParts } from '../src/store/format/records.js';
import { DEFAULT_CHUNK_OPTIONS, type ChunkOptions } from './chunk.js';
import type { SourceFile } from './discover.js';
import type { SourceRecord } from '../src/store/format/manifest.js';
import { listSourceFiles, type ListOptions, type SourceListing } from './sources/files.js';
import { referencePagesByMethod } from './sdk/annotate.js';
import { methodPageId, renderMethodPage } from './sdk/method-page.js';
import type { SdkTable } from './sdk/annotate.js';
import type { SdkMethod } from './sdk/signatures.js';
import { folderSource, globalDocId } from './sources/sources.js';
import { underPrefix } from '../src/ids.js';
import { DEFAULT_INGEST_LIMITS, type IngestLimits } from './limits.js';
import { buildNavigationTree, parseNavigation, type NavigationFile } from './navigation.js';
import { ParseError, readFrontmatterOnly, sha256 } from './parse.js';
import { createParsePool, type ParsePool } from './parse-pool.js';
import { mergeRegistries, registryFromFrontmatter } from './reference.js';
import { FRONTMATTER } from './markdown.js';
import { mapLimit } from './map-limit.js';
import { changelogNavigation, changelogPages, changelogPrefixFor } from './changelog-pages.js';
import { mergeChangelogs } from './changelogs.js';

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
  /** The sources as read (an SDK from a local folder carries the version found there). */
  sources: SourceRecord[];
  /** The id prefix of the changelog's pages (`changelog`), when there are any. */
  changelogPrefix?: string;
  /** Every changelog entry, newest first: the given ones merged with those of the feed sources. */
  changelog: ChangelogEntry[];
  /** To call once the index is in place: online sources' caches move to this run's copies. */
  commits: Array<() => Promise<void>>;
  /** Files parsed in this run (the rest were reused from the previous build). */
  parsed: number;
  /** Files indexed as plain Markdown or plain text because they could not be parsed as written. */
  fallback: number;
  /** Files not indexed at all (too large, unreadable). */
  failed: number;
  /** One warning per doc file that failed to parse (it is not in `files`). */
  failures: CorpusWarning[];
  /** Docs that could not be read in this run and keep their previous version (they are in `files`). */
  stale: CorpusWarning[];
  sourceFiles: number;
}

export interface CorpusOptions {
  /** The sources, with their prefixes arranged (see arrangeSources). */
  sources?: SourceRecord[];
  /** Where packages are fetched and cached, and local package folders (see ListOptions). */
  list?: ListOptions;
  /** Shorthand for one docs folder as the only source (with `baseUrl`). */
  docsDir?: string;
  baseUrl?: string;
  chunk?: ChunkOptions;
  previous?: PreviousFiles;
  limits?: Partial<IngestLimits>;
  /** Fail on the first file that cannot be parsed as written, or is over the size limit, instead of falling back. */
  strict?: boolean;
  /** Changelog entries, each made a page under one id prefix (see changelog-pages.ts), newest first. */
  changelog?: ChangelogEntry[];
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
  const listings = await Promise.all(sourcesOf(options).map((source) => listSourceFiles(source, options.list)));
  // As read: an SDK taken from a local folder records the version found there.
  const sourceList = listings.map((l) => l.source);
  const sdk = listings.find((l) => l.sdk)?.sdk;
  const warnings: CorpusWarning[] = listings.flatMap((l) => l.warnings.map((message) => ({ path: message.split(': ')[0] ?? '', message })));
  const sourceOf = new Map<SourceFile, SourceRecord>();
  const allFiles = uniqueIds(listings, sourceOf, warnings);
  let failed = 0;
  // Files that are not in the index at all (unreadable, over the size limit, unparseable even as text).
  const failures: CorpusWarning[] = [];
  // Docs that could not be read this time but were indexed before: their previous version stays.
  const kept: ParsedFile[] = [];
  const stale: CorpusWarning[] = [];
  const read = await mapLimit(allFiles, limits.readConcurrency, async (file) => {
    try {
      return { file, source: file.text ?? (await readSource(file, limits.maxFileBytes)) };
    } catch (error) {
      const message = (error as Error).message;
      if (options.strict) throw new Error(`${file.path}: ${message} (--strict stops at the first file that cannot be indexed)`);
      const old = file.kind === 'doc' ? options.previous?.get(file.path) : undefined;
      if (old && old.docId === file.docId) {
        const warning = { path: file.path, message: `${message}; its previous version stays in the index until it can be read (fix the file and run ingest again)` };
        kept.push(old);
        stale.push(warning);
        warnings.push(warning);
        return undefined;
      }
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
  const navFiles: Array<NavigationFile & { source: SourceRecord }> = [];
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
    const from = sourceOf.get(file);
    if (file.kind === 'navigation' && from) navFiles.push({ ...parseNavigation(file.docId, frontmatterOf(file, source), from.baseUrl), source: from });
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
  if (sdk) registry.sdk = sdk.table;
  const registryHash = sha256(JSON.stringify(registry));
  const registryChanged = previous?.registryHash !== registryHash;
  const reusable = (file: SourceFile) => {
    const old = previous?.get(file.path);
    return Boolean(old && old.sourceHash === hashes.get(file.path) && old.docId === file.docId);
  };
  let parsed = 0;
  let fallback = 0;
  let done = 0;
  // SDK method pages are made after the docs, with links back to the reference pages that name them.
  const methodPages = sdk ? sdk.methods.length : 0;
  // A feed's copy of an entry comes first, so it wins over a pinned copy of the same change.
  const entries = mergeChangelogs([listings.flatMap((l) => l.changelog ?? []), options.changelog ?? []]);
  const total = docs.length + methodPages + entries.length;
  if (total === 0) options.onProgress?.(0, 0);
  pool.setRegistry(registry);
  const parseAll = async (list: Array<{ file: SourceFile; source: string }>): Promise<Array<ParsedFile | undefined>> => {
    const files: Array<ParsedFile | undefined> = new Array(list.length);
    await Promise.all(list.map(async ({ file, source }, i) => {
      const sourceHash = hashes.get(file.path) ?? sha256(source);
      const old = previous?.get(file.path);
      if (old && reusable(file) && !(registryChanged && (hasReference(source) || (sdk && callsClient(source, sdk.table.clientVar))))) files[i] = old;
      else {
        try {
          const indexed = await pool.index({ path: file.path, docId: file.docId, source, baseUrl: file.baseUrl ?? '', ...(file.url ? { url: file.url } : {}) });
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
      options.onProgress?.(++done, total);
    }));
    return files;
  };
  const files = await parseAll(docs);
  if (sdk) {
    const listing = listings.find((l) => l.sdk === sdk);
    const parsedDocs = files.filter((f): f is ParsedFile => f !== undefined).map((f) => f.doc);
    const pages = methodPageFiles(sdk, listing?.files[0]?.url ?? sdk.table.packageName, parsedDocs);
    for (const page of pages) hashes.set(page.file.path, sha256(page.source));
    files.push(...(await parseAll(pages)));
    allFiles.push(...pages.map((p) => p.file));
  }
  // Changelog pages come last, under a prefix no doc holds.
  const changelogPrefix = entries.length ? changelogPrefixFor(sourceList, allFiles.filter((f) => f.kind === 'doc').map((f) => f.docId)) : undefined;
  const changes = changelogPrefix ? changelogPages(entries, changelogPrefix) : [];
  for (const page of changes) hashes.set(page.file.path, sha256(page.source));
  files.push(...(await parseAll(changes)));
  allFiles.push(...changes.map((p) => p.file));
  let indexed = files.filter((f): f is ParsedFile => f !== undefined);
  if (kept.length) {
    // In the sources' order, as if they had been read.
    const order = new Map(allFiles.map((f, i) => [f.path, i]));
    indexed = [...indexed, ...kept].sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0));
  }
  const changelogIds = new Set(changes.map((p) => p.file.docId));
  const navigation = navigationOf(
    sourceList,
    navFiles,
    indexed.filter((f) => !changelogIds.has(f.docId)),
  );
  const indexedIds = new Set(indexed.map((f) => f.docId));
  const changelogNode = changelogPrefix ? changelogNavigation(changes.filter((p) => indexedIds.has(p.file.docId)), changelogPrefix) : undefined;
  if (changelogNode) navigation.push(changelogNode);
  warnings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  failures.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    sources: sourceList,
    ...(changelogNode && changelogPrefix ? { changelogPrefix } : {}),
    changelog: entries,
    commits: listings.flatMap((l) => (l.commit ? [l.commit] : [])),
    files: indexed,
    navigation,
    warnings,
    registryHash,
    registryParts,
    parsed,
    fallback,
    failed,
    failures,
    stale,
    sourceFiles: allFiles.length,
  };
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

function definesRegistry(source: string): boolean {
  return source.includes('\ndescriptions:') || source.includes('\nreference:');
}

/** Does the file use `(group.key)` placeholders? They live in its YAML frontmatter only. */
function hasReference(source: string): boolean {
  const frontmatter = FRONTMATTER.exec(source)?.[1] ?? '';
  return /\(([A-Za-z_][\w.]*)\)/.test(frontmatter);
}

function sourcesOf(options: CorpusOptions): SourceRecord[] {
  if (options.sources) return options.sources;
  if (options.docsDir === undefined) throw new Error('parseCorpus needs sources or a docsDir');
  return [folderSource({ docs: options.docsDir, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) })];
}

/**
 * Every source's files in one list; a doc id (compared without case, as look-ups are) that an
 * earlier file or source already holds is skipped with a warning, so no doc hides another.
 */
function uniqueIds(listings: SourceListing[], sourceOf: Map<SourceFile, SourceRecord>, warnings: CorpusWarning[]): SourceFile[] {
  const taken = new Map<string, string>();
  const files: SourceFile[] = [];
  for (const { source, files: list } of listings) {
    for (const file of list) {
      if (file.kind === 'doc') {
        const key = file.docId.toLowerCase();
        const holder = taken.get(key);
        if (holder !== undefined && listings.length > 1) {
          warnings.push({ path: file.path, message: `${file.path}: doc id "${file.docId}" is already taken by ${holder}; skipped` });
          continue;
        }
        taken.set(key, file.path);
      }
      sourceOf.set(file, source);
      files.push(file);
    }
  }
  return files;
}

/**
 * The navigation tree: each source's own (from its navigation files, else its folders), with its
 * ids under its prefix. With several sources, every source but one without a prefix sits under
 * a node of its own, grouped by the first segment of its prefix.
 */
function navigationOf(sources: SourceRecord[], navFiles: Array<NavigationFile & { source: SourceRecord }>, files: ParsedFile[]): NavNode[] {
  const tree: NavNode[] = [];
  const groups = new Map<string, NavNode>();
  for (const source of sources) {
    if (source.kind === 'feed') continue;
    const docs = files
      .filter((f) => (source.prefix ? underPrefix(f.docId, source.prefix) : !sources.some((o) => o.prefix && underPrefix(f.docId, o.prefix))))
      .map((f) => ({ id: localIdOf(source, f.docId), title: f.doc.title }));
    const local = buildNavigationTree(
      navFiles.filter((n) => n.source === source),
      docs,
    );
    const nodes = prefixIds(local, source);
    if (!source.prefix) {
      tree.push(...nodes);
      continue;
    }
    // The source's node names it (with its version). A package's root page (its README) is the
    // node's first child, so that the page's breadcrumb carries the package and version.
    const title = source.version ? `${source.name} ${source.version}` : source.name;
    const root = nodes.find((n) => n.id === source.prefix);
    const rest = [...(root?.children ?? []), ...nodes.filter((n) => n !== root)];
    const node: NavNode =
      source.kind === 'npm-package'
        ? { title, prefix: source.prefix, children: [...(root ? [{ ...root, children: [] }] : []), ...rest] }
        : { title, ...(root ? { id: source.prefix } : { prefix: source.prefix }), children: rest };
    const [first] = source.prefix.split('/');
    if (!source.group || !first || first === source.prefix) {
      tree.push(node);
      continue;
    }
    let group = groups.get(first);
    if (!group) {
      group = { title: source.group, prefix: first, children: [] };
      groups.set(first, group);
      tree.push(group);
    }
    group.children.push(node);
  }
  return tree;
}

function localIdOf(source: SourceRecord, docId: string): string {
  if (!source.prefix) return docId === 'index' ? '' : docId;
  return docId === source.prefix ? '' : docId.slice(source.prefix.length + 1);
}

function prefixIds(nodes: NavNode[], source: SourceRecord): NavNode[] {
  return nodes.map((n) => ({ ...n, ...(n.id !== undefined ? { id: globalDocId(source, n.id) } : {}), children: prefixIds(n.children, source) }));
}

/**
 * Can a file's SDK notes change with the SDK? Those that call the client (`workos.sso.…`) and
 * reference pages, whose SDK method lines come from their YAML.
 */
function callsClient(source: string, clientVar: string): boolean {
  return source.includes(`${clientVar}.`) || definesRegistry(source);
}

/** One generated page per SDK method, linking back to the docs pages that describe it. */
function methodPageFiles(
  sdk: { table: SdkTable; methods: SdkMethod[] },
  url: string,
  docs: Array<{ id: string; title: string; url: string; markdown: string }>,
): Array<{ file: SourceFile; source: string }> {
  const { table } = sdk;
  const links = referencePagesByMethod(docs, table.prefix);
  return sdk.methods.map((method) => {
    const id = `${table.prefix}/${methodPageId(method)}`;
    const source = renderMethodPage(method, { packageName: table.packageName, version: table.version, referencePages: links.get(id) ?? [] });
    return { file: { kind: 'doc', path: `${table.prefix}/methods/${methodPageId(method)}.md`, absPath: '', docId: id, url, baseUrl: url, text: source }, source };
  });
}
