import { readFile } from 'node:fs/promises';
import type { Chunk, DocRecord, NavNode } from '../src/types.js';
import type { RegistryParts } from '../src/store/format/records.js';
import { chunkSections, DEFAULT_CHUNK_OPTIONS, type ChunkOptions } from './chunk.js';
import { discoverDocs, type SourceFile } from './discover.js';
import { buildNavigationTree, parseNavigation, type NavigationFile } from './navigation.js';
import { parseDoc, ParseError, readFrontmatterOnly, sha256 } from './parse.js';
import { mergeRegistries, registryFromFrontmatter } from './reference.js';

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
  onProgress?: (done: number, total: number) => void;
}

/** Reads, parses and chunks every doc under a folder; files whose source is unchanged are reused. */
export async function loadCorpus(options: CorpusOptions): Promise<Corpus> {
  const discovery = await discoverDocs(options.docsDir);
  const warnings: CorpusWarning[] = discovery.warnings.map((message) => ({ path: message.split(':')[0] ?? '', message }));
  const sources = await Promise.all(discovery.files.map(async (file) => ({ file, source: await readSource(file) })));
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
  const files: ParsedFile[] = [];
  let parsed = 0;
  let failed = 0;
  const failures: CorpusWarning[] = [];
  for (const [i, { file, source }] of docs.entries()) {
    options.onProgress?.(i, docs.length);
    const sourceHash = hashes.get(file.path) ?? sha256(source);
    const old = previous?.get(file.path);
    if (old && reusable(file) && !(registryChanged && hasReference(source))) {
      files.push(old);
      continue;
    }
    try {
      const { doc, sections } = parseDoc({ path: file.path, docId: file.docId, source, baseUrl: options.baseUrl, registry });
      const chunks = chunkSections(sections, options.baseUrl, options.chunk ?? DEFAULT_CHUNK_OPTIONS);
      files.push({ path: file.path, docId: file.docId, sourceHash, doc, chunks });
      parsed++;
    } catch (error) {
      failed++;
      const warning: CorpusWarning =
        error instanceof ParseError
          ? { path: error.path, line: error.line, column: error.column, message: error.reason }
          : { path: file.path, message: (error as Error).message ?? String(error) };
      warnings.push(warning);
      failures.push(warning);
    }
  }
  options.onProgress?.(docs.length, docs.length);
  const navigation = buildNavigationTree(navFiles, files.map((f) => ({ id: f.docId, title: f.doc.title })));
  return { files, navigation, warnings, registryHash, registryParts, parsed, failed, failures, sourceFiles: discovery.files.length };
}

async function readSource(file: SourceFile): Promise<string> {
  return (await readFile(file.absPath, 'utf8')).replace(/^\uFEFF/, '');
}

function definesRegistry(source: string): boolean {
  return source.includes('\ndescriptions:') || source.includes('\nreference:');
}

/** Does the file use `(group.key)` placeholders? They live in its YAML frontmatter only. */
function hasReference(source: string): boolean {
  const frontmatter = /^---\r?\n([\s\S]*?)\r?\n---/.exec(source)?.[1] ?? '';
  return /\(([A-Za-z_][\w.]*)\)/.test(frontmatter);
}
