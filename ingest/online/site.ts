import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Link, Definition, Nodes } from 'mdast';
import { remark } from 'remark';
import { mapLimit } from '../map-limit.js';
import { sha256 } from '../parse.js';
import { onlineCacheDir, readState, writeAtomic } from './cache.js';
import { emptyCounts, fetchText, type FetchCounts, type FetchLimits, type FetchOutcome, type Validators } from './http.js';
import { htmlToMarkdown } from './html.js';
import type { FetchRecord } from '../../src/store/format/manifest.js';

/** How much of a site one run may take. */
export interface SiteLimits extends FetchLimits {
  /** Pages fetched at once. */
  concurrency: number;
  /** Links of the llms.txt beyond this many are not fetched (and are reported). */
  maxPages: number;
}

export const DEFAULT_SITE_LIMITS: Omit<SiteLimits, keyof FetchLimits> = { concurrency: 6, maxPages: 2000 };

/** A page as the index takes it: its id within the source, its published URL and its Markdown. */
export interface SitePage {
  localId: string;
  url: string;
  markdown: string;
}

export interface SiteSync {
  pages: SitePage[];
  warnings: string[];
  record: FetchRecord;
}

/** The whole run failed (the llms.txt could not be had): the index is left as it is. */
export class OnlineSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnlineSourceError';
  }
}

interface PageState {
  /** The link as the llms.txt gives it: the page's published URL. */
  url: string;
  /** What was fetched for it: its `.md` variant, or the page itself. */
  from: string;
  localId: string;
  validators: Validators;
  file: string;
  sha256: string;
  fetchedAt: string;
}

interface SiteState {
  version: 1;
  llmsTxt: { url: string; validators: Validators; fetchedAt: string };
  pages: Record<string, PageState>;
}

const STATE_FILE = 'state.json';
const LLMS_FILES = /(^|\/)llms(-[\w-]+)?\.txt$/i;
const LLMS_FILE = 'llms.txt';

/**
 * Brings a site's pages up to date in the cache from its `llms.txt`, and returns them. Only links
 * on the llms.txt's own origin are followed; for a link to an HTML page its `.md` variant is
 * asked for first, and the HTML (as Markdown) only when there is none. Each page is asked for
 * with the validators of its last download, so a site that has not changed costs one
 * conditional request per page and no body. A page that fails keeps the version in the cache;
 * one that is gone (404, 410) or no longer listed is dropped; each is reported. With `offline`,
 * nothing is fetched: the pages of the last run are returned as they are.
 */
export async function syncSite(
  source: { llmsTxt: string; baseUrl: string },
  cacheDir: string,
  limits: SiteLimits,
  options: { offline?: boolean } = {},
): Promise<SiteSync> {
  const started = Date.now();
  const dir = onlineCacheDir(cacheDir, 'site', source.llmsTxt);
  const stateFile = path.join(dir, STATE_FILE);
  const previous = await readState(stateFile, isSiteState);
  const origin = new URL(source.llmsTxt).origin;
  const counts = emptyCounts();
  const warnings: string[] = [];
  if (options.offline) {
    if (!previous) throw new OnlineSourceError(`${source.llmsTxt} has never been fetched, so there is nothing to build from offline: run ingest once while online.`);
    const pages = await readPages(dir, Object.values(previous.pages), warnings);
    return { pages, warnings, record: record(started, counts, { listed: pages.length, pages: pages.length, offline: true }) };
  }
  // The llms.txt is asked for with its validators only while its copy is there to fall back on.
  const cachedList = previous ? await readFile(path.join(dir, LLMS_FILE), 'utf8').catch(() => undefined) : undefined;
  const llms = await fetchText(source.llmsTxt, { origin, validators: cachedList === undefined ? undefined : previous?.llmsTxt.validators, limits, counts, accept: 'text/markdown, text/plain;q=0.9, */*;q=0.1' });
  let listText: string;
  if (llms.kind === 'failed') {
    throw new OnlineSourceError(`Could not fetch ${source.llmsTxt}: ${llms.reason}. The index was not changed (the previous one keeps serving); run ingest again when the site can be reached, or add --offline to rebuild from the pages fetched last time.`);
  } else if (llms.kind === 'body') {
    listText = llms.body;
    await writeAtomic(path.join(dir, LLMS_FILE), listText);
  } else if (cachedList !== undefined) {
    listText = cachedList;
  } else {
    throw new OnlineSourceError(`${source.llmsTxt} answered 304 Not Modified to a request that was not conditional. The index was not changed.`);
  }
  const { links, otherOrigins } = linksOf(listText, source.llmsTxt);
  if (otherOrigins.size) warnings.push(`${source.llmsTxt}: ${[...otherOrigins.values()].reduce((n, c) => n + c, 0)} links to other origins not fetched (${[...otherOrigins.keys()].join(', ')})`);
  if (links.length > limits.maxPages) warnings.push(`${source.llmsTxt}: lists ${links.length} pages; only the first ${limits.maxPages} are taken (raise --max-pages)`);
  const taken = links.slice(0, limits.maxPages);
  const base = new URL(source.baseUrl);
  const tally = { fetched: 0, unchanged: 0, failed: 0, kept: 0, removed: 0 };
  const next: SiteState = { version: 1, llmsTxt: { url: source.llmsTxt, validators: llms.validators, fetchedAt: new Date().toISOString() }, pages: {} };
  await mapLimit(taken, limits.concurrency, async (url) => {
    const old = previous?.pages[url];
    const outcome = await fetchPage(url, old, { origin, limits, counts });
    if (outcome.kind === 'body') {
      const localId = localIdOf(new URL(url), base);
      const markdown = isHtml(outcome) ? htmlToMarkdown(outcome.body, { page: true }) : outcome.body;
      const file = `pages/${sha256(url).slice(0, 16)}.md`;
      await writeAtomic(path.join(dir, file), markdown);
      next.pages[url] = { url, from: outcome.url, localId, validators: outcome.validators, file, sha256: sha256(markdown), fetchedAt: new Date().toISOString() };
      tally.fetched++;
    } else if (outcome.kind === 'not-modified' && old) {
      next.pages[url] = { ...old, validators: outcome.validators };
      tally.unchanged++;
    } else if (outcome.kind === 'failed' && outcome.gone) {
      warnings.push(`${url}: ${outcome.reason}, the page is gone${old ? '; removed from the index' : ''}`);
      if (old) tally.removed++;
      else tally.failed++;
    } else if (old) {
      warnings.push(`${url}: ${outcome.kind === 'failed' ? outcome.reason : 'unexpected 304'}; its previous version (${old.fetchedAt.slice(0, 10)}) stays in the index`);
      next.pages[url] = old;
      tally.kept++;
    } else {
      warnings.push(`${url}: ${outcome.kind === 'failed' ? outcome.reason : 'unexpected 304'}; not indexed`);
      tally.failed++;
    }
  });
  for (const url of Object.keys(previous?.pages ?? {})) {
    if (!taken.includes(url)) {
      warnings.push(`${url}: no longer listed in ${source.llmsTxt}; removed from the index`);
      tally.removed++;
    }
  }
  // In the llms.txt's order, which is the site's own.
  next.pages = Object.fromEntries(taken.filter((url) => next.pages[url]).map((url) => [url, next.pages[url] as PageState]));
  await writeAtomic(stateFile, JSON.stringify(next));
  await removeOrphans(dir, next);
  const pages = await readPages(dir, Object.values(next.pages), warnings);
  return { pages, warnings, record: record(started, counts, { listed: links.length, pages: pages.length, ...tally }) };
}

/** A page's `.md` variant first (unless the link is one), the page itself when there is none. */
async function fetchPage(url: string, old: PageState | undefined, options: { origin: string; limits: FetchLimits; counts: FetchCounts }): Promise<FetchOutcome> {
  const variant = markdownVariant(url);
  // Ask again where the page was found last time, with its validators.
  if (old) {
    const again = await fetchText(old.from, { ...options, validators: old.validators });
    if (again.kind !== 'failed' || !again.gone || old.from === url) return again;
    return fetchText(old.from === variant ? url : variant, options);
  }
  if (variant === url) return fetchText(url, options);
  const md = await fetchText(variant, options);
  if (md.kind === 'body' && !isHtml(md)) return md;
  if (md.kind === 'failed' && !md.gone) return md;
  return fetchText(url, options);
}

/** `https://x.dev/docs/sso` → `…/docs/sso.md`; `…/docs/` → `…/docs/index.md`; a `.md`/`.txt` link is itself. */
export function markdownVariant(url: string): string {
  const parsed = new URL(url);
  if (/\.(md|markdown|mdx|txt)$/i.test(parsed.pathname)) return url;
  parsed.pathname = parsed.pathname.endsWith('/') ? `${parsed.pathname}index.md` : `${parsed.pathname.replace(/\.html?$/i, '')}.md`;
  parsed.hash = '';
  return parsed.href;
}

/** A page's id within its source: its path below the base URL, without extension or trailing `index`. */
export function localIdOf(page: URL, base: URL): string {
  let p = safeDecode(page.pathname);
  const folder = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  if (page.origin === base.origin && (p === base.pathname || p.startsWith(folder))) p = p.slice(Math.min(p.length, folder.length));
  return p
    .replace(/\.(md|markdown|mdx|html?|txt)$/i, '')
    .replace(/(^|\/)index$/i, '')
    .replace(/^\/+|\/+$/g, '');
}

/** The llms.txt's links (Markdown links and definitions), resolved, same origin only, each once, in order. */
export function linksOf(text: string, listUrl: string): { links: string[]; otherOrigins: Map<string, number> } {
  const origin = new URL(listUrl).origin;
  const links: string[] = [];
  const seen = new Set<string>();
  const otherOrigins = new Map<string, number>();
  const visit = (node: Nodes) => {
    if (node.type === 'link' || node.type === 'definition') {
      const target = resolve((node as Link | Definition).url, listUrl);
      if (target && target.origin !== origin) otherOrigins.set(target.origin, (otherOrigins.get(target.origin) ?? 0) + 1);
      else if (target && (target.protocol === 'http:' || target.protocol === 'https:')) {
        target.hash = '';
        // Other llms files (llms-full.txt and the like) hold the same pages again, in one piece.
        if (target.href !== listUrl && !LLMS_FILES.test(target.pathname) && !seen.has(target.href)) {
          seen.add(target.href);
          links.push(target.href);
        }
      }
    }
    if ('children' in node) for (const child of node.children) visit(child as Nodes);
  };
  visit(remark().parse(text));
  return { links, otherOrigins };
}

async function readPages(dir: string, states: PageState[], warnings: string[]): Promise<SitePage[]> {
  const pages: SitePage[] = [];
  for (const state of states) {
    try {
      pages.push({ localId: state.localId, url: state.url, markdown: await readFile(path.join(dir, state.file), 'utf8') });
    } catch (error) {
      warnings.push(`${state.url}: its cached copy cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); not indexed`);
    }
  }
  return pages;
}

/** Page files no page of the state refers to any more. */
async function removeOrphans(dir: string, state: SiteState): Promise<void> {
  const used = new Set(Object.values(state.pages).map((p) => path.basename(p.file)));
  const names = await readdir(path.join(dir, 'pages')).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => !used.has(n)).map((n) => rm(path.join(dir, 'pages', n), { force: true })));
}

function record(started: number, counts: FetchCounts, figures: Partial<FetchRecord>): FetchRecord {
  return {
    at: new Date().toISOString(),
    ms: Date.now() - started,
    listed: 0,
    pages: 0,
    fetched: 0,
    unchanged: 0,
    failed: 0,
    kept: 0,
    removed: 0,
    ...figures,
    requests: counts.requests,
    conditional: counts.conditional,
    notModified: counts.notModified,
    bytes: counts.bytes,
  };
}

function isHtml(outcome: { contentType: string; body: string }): boolean {
  return /html/i.test(outcome.contentType) || (!outcome.contentType && /^\s*<(!doctype html|html)/i.test(outcome.body));
}

function resolve(href: string, base: string): URL | undefined {
  try {
    return new URL(href, base);
  } catch {
    return undefined;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function isSiteState(value: unknown): value is SiteState {
  const v = value as Partial<SiteState> | null;
  return Boolean(v && v.version === 1 && v.llmsTxt && typeof v.pages === 'object');
}
