import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fetchLimitsOf, type SourceRecord } from '../../src/store/format/manifest.js';
import { discoverDocs, type SourceFile } from '../discover.js';
import type { SdkTable } from '../sdk/annotate.js';
import type { SdkMethod, SdkSignatures } from '../sdk/signatures.js';
import { fetchPinnedPackage, type PackFn } from './npm-package.js';
import type { PublishTimesFn } from './publish-times.js';
import { globalDocId, globalPath, npmPageUrl, pageUrlOf } from './sources.js';
import type { ChangelogEntry } from '../../src/types.js';
import { DEFAULT_FETCH_LIMITS } from '../online/http.js';
import { DEFAULT_SITE_LIMITS, type SiteLimits } from '../online/site.js';

/** A source's files, with ids, paths and URLs as the index holds them. */
export interface SourceListing {
  source: SourceRecord;
  files: SourceFile[];
  warnings: string[];
  /** An SDK package's public methods (sources with `signatures`): their pages are made once the docs are parsed. */
  sdk?: { table: SdkTable; methods: SdkMethod[] };
  /** Changelog entries the source brought (a feed). */
  changelog?: ChangelogEntry[];
  /** An online source's cache moves to this run's copies: called once the index built from them is in place. */
  commit?: () => Promise<void>;
}

export interface ListOptions {
  /** Where package tarballs are cached (and unpacked). */
  cacheDir?: string;
  /** How a tarball is downloaded (tests pass one that copies a local file). */
  pack?: PackFn;
  /** Use this unpacked package folder for a source's package instead of the pinned tarball (ingest --sdk-dir). */
  packageDirs?: Record<string, string>;
  /** Online sources: build from what the cache holds, without fetching (ingest --offline). */
  offline?: boolean;
  /** Online sources: bounds of fetching, over the defaults and each source's own. */
  fetchLimits?: Partial<SiteLimits>;
  /** How a package's publish times are asked of the registry, to date its CHANGELOG.md (tests pass their own). */
  publishTimes?: PublishTimesFn;
}

/**
 * Lists the files of one source. Paths and doc ids carry the source's prefix; each doc's URL
 * follows the source's base URL (a root `index.md` is the base URL itself).
 */
export async function listSourceFiles(source: SourceRecord, options: ListOptions = {}): Promise<SourceListing> {
  if (source.kind === 'npm-package') return listPackage(source, options);
  if (source.kind === 'site') return listSite(source, options);
  if (source.kind === 'feed') return listFeed(source, options);
  if (!source.docsDir) throw new Error(`The source ${source.name} has no docs folder to read.`);
  const discovery = await discoverDocs(source.docsDir);
  const files = discovery.files.map((file) => {
    const localId = file.docId;
    return {
      ...file,
      path: globalPath(source, file.path),
      // A navigation file keeps the id of its folder within the source: its links are read there.
      docId: file.kind === 'navigation' ? localId : globalDocId(source, localId),
      url: pageUrlOf(source, localId, file.path),
      baseUrl: source.baseUrl,
    };
  });
  return { source, files, warnings: discovery.warnings.map((w) => (source.prefix ? `${source.prefix}/${w}` : w)) };
}

/** The limits of fetching one online source: defaults, then the source's own, then the run's. */
function siteLimits(source: SourceRecord, options: ListOptions): SiteLimits {
  return { ...DEFAULT_FETCH_LIMITS, ...DEFAULT_SITE_LIMITS, ...fetchLimitsOf(source.fetch), ...options.fetchLimits };
}

/**
 * A live site: its pages brought up to date in the cache from its llms.txt, each a doc with its
 * published URL (root-relative links in it resolve against the site's origin).
 */
async function listSite(source: SourceRecord, options: ListOptions): Promise<SourceListing> {
  if (!source.llmsTxt) throw new Error(`The source ${source.name} names no llms.txt to read.`);
  if (!options.cacheDir) throw new Error(`No cache folder to keep the pages of ${source.llmsTxt} in.`);
  const { syncSite } = await import('../online/site.js');
  const sync = await syncSite({ llmsTxt: source.llmsTxt, baseUrl: source.baseUrl }, options.cacheDir, siteLimits(source, options), { offline: Boolean(options.offline) });
  const origin = new URL(source.llmsTxt).origin;
  const seen = new Set<string>();
  const files: SourceFile[] = [];
  for (const page of sync.pages) {
    const key = page.localId.toLowerCase();
    if (seen.has(key)) {
      sync.warnings.push(`${page.url}: has the same id "${page.localId || 'index'}" as an earlier page of ${source.llmsTxt}; skipped`);
      continue;
    }
    seen.add(key);
    const relPath = `${page.localId || 'index'}.md`;
    files.push({ kind: 'doc', path: globalPath(source, relPath), absPath: '', docId: globalDocId(source, page.localId), url: page.url, baseUrl: origin, text: page.markdown });
  }
  return { source: { ...source, fetched: sync.record }, files, warnings: sync.warnings, commit: sync.commit };
}

/** A changelog feed: no pages, its entries. */
async function listFeed(source: SourceRecord, options: ListOptions): Promise<SourceListing> {
  if (!source.feedUrl) throw new Error(`The source ${source.name} names no feed URL.`);
  if (!options.cacheDir) throw new Error(`No cache folder to keep ${source.feedUrl} in.`);
  const { syncFeed } = await import('../online/feed.js');
  const sync = await syncFeed(source.feedUrl, options.cacheDir, siteLimits(source, options), { offline: Boolean(options.offline) });
  return { source: { ...source, fetched: sync.record }, files: [], warnings: sync.warnings, changelog: sync.entries.map((e) => ({ ...e, source: source.name })), commit: sync.commit };
}

/**
 * An SDK package: its README (sections by heading, code kept whole) as the source's root page,
 * and, with `signatures`, its public methods from the type declarations.
 */
async function listPackage(source: SourceRecord, options: ListOptions): Promise<SourceListing> {
  const { dir, name, version, local } = await packageFolder(source, options);
  const url = npmPageUrl(name, version);
  const files: SourceFile[] = [];
  const warnings: string[] = [];
  const readme = (await readdir(dir)).find((name) => /^readme\.(md|markdown)$/i.test(name));
  if (readme) {
    const absPath = path.join(dir, readme);
    files.push({ kind: 'doc', path: globalPath(source, 'README.md'), absPath, docId: globalDocId(source, ''), url, baseUrl: url });
  } else warnings.push(`${name}@${version}: no README in the package; only its signatures are indexed`);
  if (!source.signatures) return { source, files, warnings };
  const client = source.client ?? { className: 'WorkOS', variable: 'workos' };
  const signatures = await signaturesOf(dir, client, local ? undefined : path.join(dir, '..', `signatures-${SIGNATURES_CACHE_VERSION}.json`));
  warnings.push(...signatures.warnings.map((w) => `${name}@${version}: ${w}`));
  const table: SdkTable = {
    packageName: name,
    version,
    prefix: source.prefix,
    clientVar: client.variable,
    methods: signatures.methods.map((m) => ({ namespace: m.namespace, name: m.name, call: m.call })),
  };
  return { source: { ...source, version }, files, warnings, sdk: { table, methods: signatures.methods } };
}

/**
 * Where a package source's files are: the folder `packageDirs` names for it (with the version
 * found there), else its pinned tarball, fetched into the cache (or found there) and verified.
 */
export async function packageFolder(source: SourceRecord, options: ListOptions): Promise<{ dir: string; name: string; version: string; local: boolean }> {
  if (!source.package || !source.version) throw new Error(`The source ${source.name} names no package and version.`);
  const local = options.packageDirs?.[source.package];
  if (local) return { dir: local, name: source.package, version: await installedVersion(local, source.version), local: true };
  if (!source.integrity) throw new Error(`The source ${source.package}@${source.version} has no pinned integrity: add it (npm view ${source.package}@${source.version} dist.integrity).`);
  if (!options.cacheDir) throw new Error(`No cache folder to keep ${source.package}@${source.version} in.`);
  const { dir } = await fetchPinnedPackage({ name: source.package, version: source.version, integrity: source.integrity }, options.cacheDir, options.pack);
  return { dir, name: source.package, version: source.version, local: false };
}

async function installedVersion(dir: string, fallback: string): Promise<string> {
  try {
    return (JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { version?: string }).version ?? fallback;
  } catch {
    return fallback;
  }
}

/** Bump when the signature extractor's output changes: cached extractions of older versions are redone. */
const SIGNATURES_CACHE_VERSION = 1;

/**
 * A package's signatures, read with the TypeScript compiler once per pinned tarball: the result is
 * kept beside the unpacked package in the cache (the tarball is verified, so its declarations
 * cannot change), which spares a rebuild the compiler's few seconds.
 */
async function signaturesOf(dir: string, client: { className: string; variable: string }, cacheFile: string | undefined): Promise<SdkSignatures> {
  if (cacheFile) {
    try {
      const cached = JSON.parse(await readFile(cacheFile, 'utf8')) as { client: typeof client; signatures: SdkSignatures };
      if (cached.client.className === client.className && cached.client.variable === client.variable) return cached.signatures;
    } catch {
      // Not cached yet, or unreadable: extract again.
    }
  }
  const { extractSdkSignatures } = await import('../sdk/signatures.js');
  const signatures = extractSdkSignatures(dir, { clientClass: client.className, clientVar: client.variable });
  if (cacheFile) await writeFile(cacheFile, JSON.stringify({ client, signatures })).catch(() => {});
  return signatures;
}
