import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_BASE_URL, docUrl } from '../../src/ids.js';
import type { SourceRecord } from '../../src/store/format/manifest.js';
import { defaultCorpus } from '../discover.js';

export type { SourceRecord };

/** A docs folder as a user describes it (CLI flags or the config file); paths already absolute. */
export interface FolderSourceOptions {
  docs: string;
  name?: string;
  baseUrl?: string;
  /** null: no changelog. */
  changelogs?: string | null;
  prefix?: string;
}

/** Folder names that say nothing about what the docs are of: the name is looked for further up. */
const GENERIC_FOLDERS = new Set(['docs', '.docs', 'doc', 'content', 'contents', 'src', 'pages', 'organized', 'package', 'site', 'website', 'documentation', 'md', 'mdx']);

/** The pinned WorkOS docs package (`@workos/mcp-docs-server`): its docs folder and changelog. */
export function workosDocsSource(prefix = ''): SourceRecord {
  const corpus = defaultCorpus();
  const pkg = packageOf(corpus.docs);
  return {
    kind: 'docs-package',
    preset: 'workos-docs',
    name: 'WorkOS',
    prefix,
    baseUrl: DEFAULT_BASE_URL,
    docsDir: corpus.docs,
    changelogsDir: corpus.changelogs,
    package: pkg?.name ?? '@workos/mcp-docs-server',
    ...(pkg?.version ? { version: pkg.version } : {}),
  };
}

interface PinnedSdk {
  name: string;
  version: string;
  integrity: string;
  id: string;
  framework?: string;
  signatures?: boolean;
}

/**
 * The WorkOS SDK packages, pinned in ingest/sources/workos-sdks.json: each README under
 * `sdk/<id>`, and the Node SDK's methods under `sdk/node/…`.
 */
export function workosSdkSources(): SourceRecord[] {
  const { packages } = JSON.parse(readFileSync(pinsFile(), 'utf8')) as { packages: PinnedSdk[] };
  return packages.map((p) => ({
    kind: 'npm-package' as const,
    preset: 'workos-sdks' as const,
    name: p.name,
    prefix: `sdk/${p.id}`,
    baseUrl: npmPageUrl(p.name, p.version),
    package: p.name,
    version: p.version,
    integrity: p.integrity,
    group: 'SDK packages',
    ...(p.framework ? { framework: p.framework } : {}),
    ...(p.signatures ? { signatures: true } : {}),
  }));
}

/** The committed pins, next to this file in the sources and beside dist/ when built. */
function pinsFile(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'workos-sdks.json'), path.join(here, '..', '..', '..', 'ingest', 'sources', 'workos-sdks.json')];
  const found = candidates.find((file) => statSync(file, { throwIfNoEntry: false })?.isFile());
  if (!found) throw new Error(`The SDK pins file (ingest/sources/workos-sdks.json) is missing: looked in ${candidates.join(', ')}. Reinstall the package.`);
  return found;
}

/** The sources a preset stands for, with its current pins. */
export function presetSources(preset: 'workos-docs' | 'workos-sdks'): SourceRecord[] {
  return preset === 'workos-docs' ? [workosDocsSource()] : workosSdkSources();
}

/**
 * A docs folder. Without a base URL, pages link to their files (`file://…`): a made-up web
 * address would send agents to pages that do not exist. Without a name, the folder's name (or
 * the first telling name above it) is used.
 */
export function folderSource(options: FolderSourceOptions): SourceRecord {
  const docsDir = path.resolve(options.docs);
  const baseUrl = options.baseUrl ?? pathToFileURL(docsDir).href;
  if (options.baseUrl !== undefined) checkBaseUrl(options.baseUrl);
  return {
    kind: 'folder',
    name: options.name?.trim() || nameOfFolder(docsDir),
    prefix: options.prefix ?? '',
    baseUrl,
    docsDir,
    changelogsDir: options.changelogs ? path.resolve(options.changelogs) : null,
  };
}

/** A live docs site, read from its llms.txt (see ingest/online/site.ts). */
export interface SiteSourceOptions {
  llmsTxt: string;
  name?: string;
  /** Ids are the pages' paths below this URL (default: the llms.txt's folder). */
  baseUrl?: string;
  prefix?: string;
  fetch?: SourceRecord['fetch'];
}

/** A site source: ids from the pages' URL paths below the base URL, URLs as the llms.txt publishes them. */
export function siteSource(options: SiteSourceOptions): SourceRecord {
  const llms = checkOnlineUrl(options.llmsTxt, '--llms-txt', 'https://example.com/llms.txt');
  const baseUrl = options.baseUrl ?? new URL('./', llms).href.replace(/\/+$/, '');
  if (options.baseUrl !== undefined) checkOnlineUrl(options.baseUrl, '--base-url', 'https://example.com/docs');
  return {
    kind: 'site',
    name: options.name?.trim() || llms.hostname.replace(/^(www|docs)\./, ''),
    prefix: options.prefix ?? '',
    baseUrl,
    llmsTxt: llms.href,
    ...(options.fetch && Object.keys(options.fetch).length ? { fetch: options.fetch } : {}),
  };
}

/** A changelog feed (RSS or Atom): entries only, no pages. */
export function feedSource(options: { feedUrl: string; name?: string; prefix?: string; fetch?: SourceRecord['fetch'] }): SourceRecord {
  const url = checkOnlineUrl(options.feedUrl, '--changelog-feed', 'https://example.com/changelog/rss.xml');
  const name = options.name?.trim() || `${url.hostname.replace(/^www\./, '')} changelog`;
  return {
    kind: 'feed',
    name,
    prefix: options.prefix ?? prefixFromName(name),
    baseUrl: url.origin,
    feedUrl: url.href,
    ...(options.fetch && Object.keys(options.fetch).length ? { fetch: options.fetch } : {}),
  };
}

function checkOnlineUrl(url: string, flag: string, example: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${flag} must be an absolute http(s) URL such as ${example}, got "${url}".`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`${flag} must be an http(s) URL such as ${example}, got "${url}".`);
  return parsed;
}

/**
 * The page URL of a doc of a source, from its id within the source ('' is the source's root
 * page). Folder sources without a web address link to the file itself.
 */
export function pageUrlOf(source: SourceRecord, localId: string, relPath: string): string {
  if (source.kind === 'folder' && source.baseUrl.startsWith('file:') && source.docsDir) {
    return pathToFileURL(path.join(source.docsDir, relPath)).href;
  }
  return docUrl(source.baseUrl, localId);
}

/** The npm page of a package version: where its README is published. */
export function npmPageUrl(name: string, version?: string): string {
  return `https://www.npmjs.com/package/${name}${version ? `/v/${version}` : ''}`;
}

/** A doc's id in the index: its id within its source under the source's prefix; a root page is `index`. */
export function globalDocId(source: SourceRecord, localId: string): string {
  if (!source.prefix) return localId || 'index';
  return localId ? `${source.prefix}/${localId}` : source.prefix;
}

/** A file's path in the manifest: its path within its source under the source's prefix. */
export function globalPath(source: SourceRecord, relPath: string): string {
  return source.prefix ? `${source.prefix}/${relPath}` : relPath;
}

/**
 * Checks a list of sources for one index: names and prefixes are unique, and when there are
 * several, every source but the first needs a prefix (its ids would otherwise collide with the
 * first's); a missing one is made from its name.
 */
export function arrangeSources(sources: SourceRecord[]): SourceRecord[] {
  if (sources.length === 0) throw new Error('No sources to index. Pass --docs DIR, or list sources in workos-docs-mcp.config.json.');
  const out = sources.map((s, i) => (i > 0 && !s.prefix ? { ...s, prefix: prefixFromName(s.name) } : { ...s, prefix: normalizePrefix(s.prefix) }));
  const seen = new Map<string, string>();
  for (const s of out) {
    const other = seen.get(s.prefix);
    if (other !== undefined) {
      throw new Error(
        `Two sources would share the id prefix "${s.prefix || '(none)'}": ${other} and ${s.name}. Give one of them its own "prefix" in the config file (e.g. "prefix": "${prefixFromName(s.name)}-2").`,
      );
    }
    seen.set(s.prefix, s.name);
  }
  for (const s of out) {
    for (const t of out) {
      if (s.prefix && t.prefix.startsWith(`${s.prefix}/`)) {
        throw new Error(`The id prefix "${t.prefix}" of ${t.name} lies inside the prefix "${s.prefix}" of ${s.name}: give them prefixes that do not nest.`);
      }
    }
  }
  return out;
}

export function prefixFromName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/^@[^/]+\//, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'source';
}

function normalizePrefix(prefix: string): string {
  const p = prefix.trim().replace(/^\/+|\/+$/g, '');
  if (/(^|\/)\.\.?(\/|$)/.test(p) || /[\\#?\0]/.test(p)) {
    throw new Error(`A source's id prefix must be a plain path such as "sdk" or "mastra/docs", got "${prefix}".`);
  }
  return p;
}

function checkBaseUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--base-url must be an absolute URL such as https://example.com/docs, got "${url}".`);
  }
  if (!['http:', 'https:', 'file:'].includes(parsed.protocol)) {
    throw new Error(`--base-url must be an http(s) URL such as https://example.com/docs, got "${url}".`);
  }
}

function nameOfFolder(dir: string): string {
  let current = dir;
  for (let i = 0; i < 4; i++) {
    const base = path.basename(current);
    if (base && !GENERIC_FOLDERS.has(base.toLowerCase())) return titleCase(base);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return '';
}

function titleCase(name: string): string {
  return name.replace(/[-_]+/g, ' ').replace(/\b[a-z]/g, (c) => c.toUpperCase());
}

function packageOf(start: string): { name: string; version: string } | undefined {
  let dir = start;
  for (let i = 0; i < 6; i++) {
    try {
      const file = path.join(dir, 'package.json');
      if (statSync(file, { throwIfNoEntry: false })?.isFile()) {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name) return { name: pkg.name, version: pkg.version ?? '' };
      }
    } catch {
      // keep looking above
    }
    dir = path.dirname(dir);
  }
  return undefined;
}
