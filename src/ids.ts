import GithubSlugger from 'github-slugger';

export const DEFAULT_BASE_URL = 'https://workos.com/docs';

/** Doc id for a file path relative to the docs root: POSIX, no extension, `index` takes its folder's id. */
export function docIdFromPath(relativePath: string): string {
  const posix = relativePath.split('\\').join('/').replace(/\.(mdx|md)$/i, '');
  if (posix === 'index') return '';
  return posix.replace(/\/index$/, '');
}

export function docUrl(baseUrl: string, id: string, anchor?: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return withAnchor(id ? `${base}/${encodeDocPath(id)}` : base, anchor);
}

/** Whether a doc id is `prefix` itself or lies under it (`sdk/node` holds `sdk/node/sso/get-profile`). */
export function underPrefix(id: string, prefix: string): boolean {
  return id === prefix || id.startsWith(`${prefix}/`);
}

/** A page URL with a section's anchor (none: the page itself). */
export function withAnchor(pageUrl: string, anchor?: string): string {
  return anchor ? `${pageUrl}#${anchor}` : pageUrl;
}

/**
 * A doc id as a URL path: characters a path cannot hold (spaces, `%`, `#`, `?`, non-ASCII) are
 * percent-encoded, so that `normalizeDocRef` decodes the URL back to the same id. Ids made of
 * letters, digits, `-`, `_`, `.` and `/` (all of the WorkOS docs) are unchanged.
 */
export function encodeDocPath(id: string): string {
  return encodeURI(id).replace(/[#?]/g, (c) => encodeURIComponent(c));
}

export interface ParsedDocRef {
  id: string;
  anchor?: string;
}

/**
 * Accepts a doc id in any reasonable spelling: `/sso/test-sso`, `sso/test-sso.mdx`,
 * `sso/index`, `https://workos.com/docs/sso#anchor`, `docs://sso`. Returns null when the
 * input cannot be a doc id at all (empty, or trying to climb out with `..`).
 */
export function normalizeDocRef(input: string, baseUrl = DEFAULT_BASE_URL): ParsedDocRef | null {
  const ref = parseDocRef(input, baseUrl);
  return ref ? { ...ref, id: ref.id.toLowerCase() } : null;
}

/** `normalizeDocRef` with the id's case kept, so that ids differing only in case can be told apart. */
export function parseDocRef(input: string, baseUrl = DEFAULT_BASE_URL): ParsedDocRef | null {
  let text = input.trim();
  if (!text) return null;
  let anchor: string | undefined;
  const hashAt = text.indexOf('#');
  if (hashAt >= 0) {
    anchor = text.slice(hashAt + 1) || undefined;
    text = text.slice(0, hashAt);
  }
  text = text.replace(/\?.*$/, '');
  const base = baseUrl.replace(/\/+$/, '');
  if (text.startsWith(base)) text = text.slice(base.length);
  else if (/^docs:\/\//i.test(text)) text = text.slice('docs://'.length);
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    const url = safeUrl(text);
    if (!url) return null;
    text = url.pathname.replace(/^\/docs(?=\/|$)/, '');
  }
  try {
    text = decodeURIComponent(text);
  } catch {
    return null;
  }
  text = text.split('\\').join('/');
  const parts = text.split('/').filter((p) => p && p !== '.');
  if (parts.some((p) => p === '..' || p.includes('\0'))) return null;
  let id = parts.join('/').replace(/\.(mdx|md)$/i, '');
  id = /^index$/i.test(id) ? '' : id.replace(/\/index$/i, '');
  return { id, ...(anchor ? { anchor } : {}) };
}

function safeUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** A slugger per doc, matching the docs site (github-slugger), duplicates get `-1`, `-2`. */
export function createSlugger(): (text: string) => string {
  const slugger = new GithubSlugger();
  return (text) => slugger.slug(text);
}
