import type { Definition, Link, Nodes, Root } from 'mdast';
import { remark } from 'remark';
import { z } from 'zod';
import { mapLimit } from '../map-limit.js';
import { commitState, fetchListing, onlineCacheDir, readBody, readState, STATE_FILE, storeBody } from './cache.js';
import { emptyCounts, fetchRecord, fetchText, OnlineSourceError, type FetchCounts, type FetchLimits, type FetchOutcome } from './http.js';
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
  /** Makes this run's copies the ones the next run starts from; called once the index built from them is in place. */
  commit: () => Promise<void>;
}

const validatorsSchema = z.object({ etag: z.string().optional(), lastModified: z.string().optional() });
const pageStateSchema = z.object({
  /** The link as the llms.txt gives it: the page's published URL. */
  url: z.string(),
  /** What was fetched for it: its `.md` variant, or the page itself (after redirects). */
  from: z.string(),
  localId: z.string(),
  validators: validatorsSchema,
  /** Its Markdown in the cache folder (bodies/…). */
  file: z.string(),
  fetchedAt: z.string(),
});
const siteStateSchema = z.object({
  version: z.literal(2),
  llmsTxt: z.object({ url: z.string(), validators: validatorsSchema, fetchedAt: z.string(), file: z.string() }),
  pages: z.record(pageStateSchema),
});
type PageState = z.infer<typeof pageStateSchema>;
type SiteState = z.infer<typeof siteStateSchema>;

const LLMS_FILES = /(^|\/)llms(-[\w-]+)?\.txt$/i;
/** An inline link or image, or a definition, whose target has no scheme and starts with neither `/` nor `#`. */
const MAYBE_RELATIVE = /\]\(\s*<?(?![a-z][a-z0-9+.-]*:|\/|#|\))|^ {0,3}\[[^\]]+\]:\s*<?(?![a-z][a-z0-9+.-]*:|\/|#)/im;
/** This many pages in a row without an answer (after their retries) stop the run: the site went away. */
const STOP_AFTER_UNANSWERED = 8;

/**
 * Brings a site's pages up to date in the cache from its `llms.txt`, and returns them. Only links
 * on the llms.txt's own origin are followed; for a link to an HTML page its `.md` variant is
 * asked for first, and the HTML (as Markdown) only when there is none. Each page is asked for
 * with the validators of its last download, so a site that has not changed costs one
 * conditional request per page and no body. A page that fails keeps the copy fetched before;
 * one that is gone (404, 410) or no longer listed is dropped; each is reported. The cache moves
 * to this run's copies only through `commit`. With `offline`, nothing is fetched: the pages of
 * the last run are returned as they are.
 */
export async function syncSite(source: { llmsTxt: string; baseUrl: string }, cacheDir: string, limits: SiteLimits, options: { offline?: boolean } = {}): Promise<SiteSync> {
  const started = Date.now();
  const dir = onlineCacheDir(cacheDir, 'site', source.llmsTxt);
  const previous = await readState(`${dir}/${STATE_FILE}`, siteStateSchema);
  const origin = new URL(source.llmsTxt).origin;
  const counts = emptyCounts();
  const warnings: string[] = [];
  if (options.offline) {
    if (!previous) throw new OnlineSourceError(source.llmsTxt, 'never fetched', `${source.llmsTxt} has never been fetched, so there is nothing to build from offline: run ingest once while online.`);
    const pages = await readPages(dir, Object.values(previous.pages), warnings);
    return { pages, warnings, record: fetchRecord(started, counts, { listed: pages.length, pages: pages.length, offline: true }), commit: async () => {} };
  }
  const list = await fetchListing(source.llmsTxt, dir, previous?.llmsTxt, { limits, counts, accept: 'text/markdown, text/plain;q=0.9, */*;q=0.1', what: '', ext: 'txt' });
  const { links, otherOrigins } = linksOf(list.text, source.llmsTxt);
  if (links.length === 0) {
    throw new OnlineSourceError(
      source.llmsTxt,
      'no links',
      `${source.llmsTxt} lists no pages on ${origin}: expected a Markdown list of links such as "- [Quick start](/docs/quick-start)", got ${list.text.length} characters${/^\s*</.test(list.text) ? ' of HTML' : ''}` +
        `${otherOrigins.size ? ` linking only to ${[...otherOrigins.keys()].join(', ')}` : ''}. The index and the pages fetched earlier were not changed.`,
    );
  }
  if (otherOrigins.size) {
    const n = [...otherOrigins.values()].reduce((a, c) => a + c, 0);
    warnings.push(`${source.llmsTxt}: ${n} link${n === 1 ? '' : 's'} to other origins not fetched (${[...otherOrigins.keys()].join(', ')})`);
  }
  if (links.length > limits.maxPages) warnings.push(`${source.llmsTxt}: lists ${links.length} pages; only the first ${limits.maxPages} are taken (raise --max-pages)`);
  const taken = links.slice(0, limits.maxPages);
  const base = new URL(source.baseUrl);
  const tally = { fetched: 0, unchanged: 0, failed: 0, kept: 0, removed: 0 };
  const pages: Record<string, PageState> = {};
  /** Each page's Markdown as this run has it: downloaded, or the copy kept (read once). */
  const texts = new Map<string, string>();
  let unanswered = 0;
  let lastUnanswered = '';
  await mapLimit(taken, limits.concurrency, async (url) => {
    if (unanswered >= STOP_AFTER_UNANSWERED) return;
    // A copy that is gone from the cache cannot be kept: the page is asked for whole.
    const known = previous?.pages[url];
    const copy = known ? await readBody(dir, known.file) : undefined;
    const old = copy !== undefined ? known : undefined;
    const outcome = await fetchPage(url, old, { origin, limits, counts });
    if (outcome.kind === 'failed' && outcome.unreachable) {
      unanswered++;
      lastUnanswered = `${url}: ${outcome.reason}`;
    } else unanswered = 0;
    if (outcome.kind === 'body') {
      const markdown = isHtml(outcome) ? htmlToMarkdown(outcome.body, { page: true, url: outcome.url }) : absoluteLinks(outcome.body, outcome.url);
      const file = await storeBody(dir, markdown, 'md');
      pages[url] = { url, from: outcome.url, localId: localIdOf(new URL(url), base), validators: outcome.validators, file, fetchedAt: new Date().toISOString() };
      texts.set(url, markdown);
      tally.fetched++;
    } else if (outcome.kind === 'not-modified' && old) {
      pages[url] = { ...old, validators: outcome.validators };
      texts.set(url, copy as string);
      tally.unchanged++;
    } else if (outcome.kind === 'failed' && outcome.gone) {
      warnings.push(`${url}: ${outcome.reason}, the page is gone${old ? '; removed from the index' : ''}`);
      if (old) tally.removed++;
      else tally.failed++;
    } else if (old) {
      warnings.push(`${url}: ${outcome.kind === 'failed' ? outcome.reason : 'unexpected 304'}; its previous version (${old.fetchedAt.slice(0, 10)}) stays in the index`);
      pages[url] = old;
      texts.set(url, copy as string);
      tally.kept++;
    } else {
      warnings.push(`${url}: ${outcome.kind === 'failed' ? outcome.reason : 'unexpected 304'}; not indexed`);
      tally.failed++;
    }
  });
  if (unanswered >= STOP_AFTER_UNANSWERED) {
    throw new OnlineSourceError(
      source.llmsTxt,
      'stopped answering',
      `${origin} stopped answering after its llms.txt: ${STOP_AFTER_UNANSWERED} pages in a row got no answer (last: ${lastUnanswered}). The index and the pages fetched earlier were not changed; run ingest again later.`,
    );
  }
  const listed = new Set(taken);
  for (const url of Object.keys(previous?.pages ?? {})) {
    if (!listed.has(url)) {
      warnings.push(`${url}: no longer listed in ${source.llmsTxt}; removed from the index`);
      tally.removed++;
    }
  }
  // In the llms.txt's order, which is the site's own.
  const ordered = taken.filter((url) => pages[url]).map((url) => pages[url] as PageState);
  const listCopy = list.stored ?? previous?.llmsTxt;
  const next: SiteState = {
    version: 2,
    llmsTxt: { url: source.llmsTxt, validators: listCopy?.validators ?? {}, fetchedAt: new Date().toISOString(), file: listCopy?.file ?? '' },
    pages: Object.fromEntries(ordered.map((p) => [p.url, p])),
  };
  return {
    pages: ordered.map((p) => ({ localId: p.localId, url: p.url, markdown: texts.get(p.url) ?? '' })),
    warnings,
    record: fetchRecord(started, counts, { listed: links.length, pages: ordered.length, ...tally }),
    commit: () => commitState(dir, next, [next.llmsTxt.file, ...ordered.map((p) => p.file)]),
  };
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
  // No Markdown variant: a 404, or another refusal (S3 and CloudFront answer 403 for a missing object).
  const refused = md.kind === 'failed' && !md.unreachable && (md.status ?? 0) >= 400 && (md.status ?? 0) < 500 && md.status !== 429;
  if (md.kind === 'failed' && !refused) return md;
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

/**
 * A page's id within its source: its path below the base URL, without extension or trailing
 * `index`. Each segment is decoded on its own (an encoded `/` stays encoded, as part of its
 * segment), and `.` and `..` segments are dropped, so no URL makes an id that climbs.
 */
export function localIdOf(page: URL, base: URL): string {
  let p = page.pathname;
  const folder = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  if (page.origin === base.origin && (p === base.pathname || p.startsWith(folder))) p = p.slice(Math.min(p.length, folder.length));
  return p
    .split('/')
    .map((segment) => safeDecode(segment).replace(/\//g, '%2F'))
    .filter((segment) => segment && segment !== '.' && segment !== '..')
    .join('/')
    .replace(/\.(md|markdown|mdx|html?|txt)$/i, '')
    .replace(/(^|\/)index$/i, '');
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
      if (target && target.protocol !== 'http:' && target.protocol !== 'https:') {
        // mailto:, tel: and the like are not pages.
      } else if (target && target.origin !== origin) otherOrigins.set(target.origin, (otherOrigins.get(target.origin) ?? 0) + 1);
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
    const markdown = await readBody(dir, state.file);
    if (markdown === undefined) warnings.push(`${state.url}: its cached copy cannot be read; not indexed (it is fetched again on the next run)`);
    else pages.push({ localId: state.localId, url: state.url, markdown });
  }
  return pages;
}

/**
 * A Markdown page with its relative links and images made absolute against the URL it was
 * fetched from (`next.md`, `../overview`), as a browser would resolve them; root-relative and
 * absolute links are left as they are. Only the URLs are rewritten, in place: the rest of the
 * text is kept byte for byte.
 */
export function absoluteLinks(markdown: string, pageUrl: string): string {
  // Most pages link root-relative or absolute only: those are not parsed at all.
  if (!MAYBE_RELATIVE.test(markdown)) return markdown;
  const edits: Array<{ start: number; end: number; url: string }> = [];
  const visit = (node: Nodes) => {
    if ((node.type === 'link' || node.type === 'image' || node.type === 'definition') && node.position) {
      const url = (node as Link | Definition).url;
      if (url && !/^([a-z][a-z0-9+.-]*:|\/|#)/i.test(url)) {
        const start = node.position.start.offset ?? 0;
        const end = node.position.end.offset ?? 0;
        const at = markdown.slice(start, end).lastIndexOf(url);
        const target = resolve(url, pageUrl);
        if (at >= 0 && target) edits.push({ start: start + at, end: start + at + url.length, url: target.href });
      }
    }
    if ('children' in node) for (const child of node.children) visit(child as Nodes);
  };
  visit(remark().parse(markdown) as Root);
  let out = markdown;
  for (const edit of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.url + out.slice(edit.end);
  return out;
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
