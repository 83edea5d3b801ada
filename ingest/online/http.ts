/**
 * The only network code of the project, used by `ingest`/`refresh` for site and feed sources and
 * never at query time: one GET with conditional validators, a per-request timeout, retries with
 * backoff, a size cap on the body, and redirects followed only within the allowed origin.
 */

import type { FetchRecord } from '../../src/store/format/manifest.js';

/** How far one fetch may go. */
export interface FetchLimits {
  /** Per request, headers and body together. */
  timeoutMs: number;
  /** Further attempts after a network error, a timeout, a 429 or a 5xx. */
  retries: number;
  /** First backoff; doubled on each further attempt. */
  backoffMs: number;
  /** A body over this many bytes is refused (and not read further). */
  maxBytes: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = { timeoutMs: 15_000, retries: 2, backoffMs: 250, maxBytes: 2 * 1024 * 1024 };

/** What the server said about a body, to ask next time whether it changed. */
export interface Validators {
  etag?: string;
  lastModified?: string;
}

export type FetchOutcome =
  | { kind: 'body'; url: string; status: number; body: string; contentType: string; validators: Validators; bytes: number }
  | { kind: 'not-modified'; url: string; validators: Validators }
  | {
      kind: 'failed';
      url: string;
      status?: number;
      reason: string;
      /** 404 or 410: the page is not there any more. */
      gone: boolean;
      /** The server could not be reached at all (as opposed to answering with an error). */
      unreachable: boolean;
    };

/** Counts over a run, for the closing report and `stats`. */
export interface FetchCounts {
  requests: number;
  /** Requests sent with If-None-Match or If-Modified-Since. */
  conditional: number;
  notModified: number;
  /** Bodies downloaded, and their bytes. */
  bodies: number;
  bytes: number;
  retries: number;
}

/** A source could not be had at all (its llms.txt or feed): the run stops and the index is left as it is. */
export class OnlineSourceError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'OnlineSourceError';
  }
}

/** The manifest's record of one fetch: the counts and the run's own figures. */
export function fetchRecord(started: number, counts: FetchCounts, figures: Partial<FetchRecord>): FetchRecord {
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

export function emptyCounts(): FetchCounts {
  return { requests: 0, conditional: 0, notModified: 0, bodies: 0, bytes: 0, retries: 0 };
}

export interface FetchOptions {
  /** Only URLs of this origin are requested, redirects included. */
  origin: string;
  validators?: Validators;
  limits: FetchLimits;
  counts: FetchCounts;
  /** Sent as Accept. */
  accept?: string;
}

const MAX_REDIRECTS = 5;
const USER_AGENT = 'workos-docs-mcp (ingest; +https://www.npmjs.com/package/workos-docs-mcp)';

/** GETs a URL as text. Never throws: every failure is an outcome that says why. */
export async function fetchText(url: string, options: FetchOptions): Promise<FetchOutcome> {
  let attempt = 0;
  for (;;) {
    const outcome = await fetchOnce(url, options);
    const retryable = outcome.kind === 'failed' && (outcome.unreachable || outcome.status === 429 || (outcome.status ?? 0) >= 500);
    if (!retryable || attempt >= options.limits.retries) return outcome;
    attempt++;
    options.counts.retries++;
    await sleep(options.limits.backoffMs * 2 ** (attempt - 1));
  }
}

async function fetchOnce(start: string, options: FetchOptions): Promise<FetchOutcome> {
  const { limits, counts } = options;
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let url = start;
  try {
    for (let hop = 0; ; hop++) {
      if (new URL(url).origin !== options.origin) {
        return failed(start, `redirects to another origin (${new URL(url).origin}); not followed`);
      }
      const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: options.accept ?? 'text/markdown, text/plain;q=0.9, text/html;q=0.8, */*;q=0.1' };
      const { etag, lastModified } = options.validators ?? {};
      if (etag) headers['if-none-match'] = etag;
      if (lastModified) headers['if-modified-since'] = lastModified;
      if (etag || lastModified) counts.conditional++;
      counts.requests++;
      const response = await fetch(url, { headers, redirect: 'manual', signal });
      if (response.status >= 300 && response.status < 400 && response.status !== 304) {
        await response.body?.cancel();
        const location = response.headers.get('location');
        if (!location) return failed(start, `HTTP ${response.status} without a Location`, response.status);
        if (hop >= MAX_REDIRECTS) return failed(start, `more than ${MAX_REDIRECTS} redirects`);
        url = new URL(location, url).href;
        continue;
      }
      if (response.status === 304) {
        await response.body?.cancel();
        counts.notModified++;
        return { kind: 'not-modified', url, validators: validatorsOf(response, options.validators) };
      }
      if (!response.ok) {
        await response.body?.cancel();
        return failed(start, `HTTP ${response.status}`, response.status);
      }
      const declared = Number(response.headers.get('content-length') ?? NaN);
      if (declared > limits.maxBytes) {
        await response.body?.cancel();
        return failed(start, `is ${declared} bytes, over the ${limits.maxBytes}-byte limit per page`);
      }
      const bytes = await readCapped(response, limits.maxBytes);
      if (!bytes) return failed(start, `is over the ${limits.maxBytes}-byte limit per page; not read further`);
      counts.bodies++;
      counts.bytes += bytes.length;
      return {
        kind: 'body',
        url,
        status: response.status,
        body: decode(bytes, response.headers.get('content-type') ?? ''),
        contentType: response.headers.get('content-type') ?? '',
        validators: validatorsOf(response),
        bytes: bytes.length,
      };
    }
  } catch (error) {
    if (signal.aborted) return { kind: 'failed', url: start, reason: `no answer within ${limits.timeoutMs} ms`, gone: false, unreachable: true };
    return { kind: 'failed', url: start, reason: networkReason(error), gone: false, unreachable: true };
  }
}

/** The body, or undefined as soon as it passes `max` bytes (the rest is not downloaded). */
async function readCapped(response: Response, max: number): Promise<Uint8Array | undefined> {
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > max) {
      await reader.cancel();
      return undefined;
    }
    parts.push(value);
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function validatorsOf(response: Response, previous?: Validators): Validators {
  const etag = response.headers.get('etag') ?? previous?.etag;
  const lastModified = response.headers.get('last-modified') ?? previous?.lastModified;
  return { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
}

function failed(url: string, reason: string, status?: number): FetchOutcome {
  return { kind: 'failed', url, reason, gone: status === 404 || status === 410, unreachable: false, ...(status !== undefined ? { status } : {}) };
}

/** fetch() wraps the reason (ECONNREFUSED, ENOTFOUND…) in `cause`. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ? `${cause.code}${cause.message && !cause.message.includes(cause.code) ? ` (${cause.message})` : ''}` : ((cause?.message ?? (error as Error).message) || String(error));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The body as text in the charset its Content-Type names (UTF-8 when it names none or one this Node does not know). */
function decode(bytes: Uint8Array, contentType: string): string {
  const charset = /charset="?([\w-]+)/i.exec(contentType)?.[1] ?? 'utf-8';
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(bytes).replace(/^\uFEFF/, '');
}
