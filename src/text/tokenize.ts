import { stemWord as stem } from './stem.js';

/** Bump whenever `tokenize` can give other tokens for the same text: indexes record it and refuse a mismatch. */
export const TOKENIZER_VERSION = 5;

/**
 * Tokens for lexical search and the local embedder. Code identifiers count both whole and by
 * their parts: `getAuthorizationUrl` → `getauthorizationurl`, `get`, `authorization`, `url`;
 * `dsync.user.created` → `dsync.user.created`, `dsync`, `user`, `created`; hyphenated names are
 * whole without their hyphens (`X-API-Key` → `xapikey`, `api`, `key`; `sign-up` meets `signup`).
 * Words are stemmed (Porter) so that `invited` meets `invite`, after British spellings become American
 * ones (`organisation` meets `organization`); wholes are kept unstemmed to match exactly.
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const cleaned = text
    .replace(/\]\((?:[^()\s]|\([^()\s]*\))*\)/g, '] ')
    .replace(/https?:\/\/\S+/g, ' ');
  WORD.lastIndex = 0;
  for (let match = WORD.exec(cleaned); match; match = WORD.exec(cleaned)) {
    const raw = match[0];
    if (PLAIN.test(raw)) {
      // The common case, a plain lower-case word: no identifier parts to split out.
      if (raw.length >= 2 && !STOPWORDS.has(raw)) out.push(stem(raw));
      continue;
    }
    const parts = splitIdentifier(raw);
    if (parts.length > 1) out.push(wholeToken(raw));
    for (const part of parts) {
      const lower = part.toLowerCase();
      if (lower.length < 2 && !/\d/.test(lower)) continue;
      if (STOPWORDS.has(lower)) continue;
      out.push(stem(lower));
    }
  }
  return out;
}

/**
 * The code identifiers in a text, as their whole tokens: names with an inner `_`, `.` or `/`, a
 * camelCase name that starts in lower case (`deactivateOrganizationMembership`, `dsync.user.created`,
 * `email_verification_required`), and header-like hyphenated names (`X-API-Key`, `x-acme-signature`,
 * `WorkOS-Signature`). Other hyphenated words (`sign-up`, `multi-tenant`) are prose.
 */
export function identifiers(text: string): string[] {
  const out = new Set<string>();
  for (const match of text.matchAll(WORD)) {
    const raw = match[0];
    const header = isHyphenatedName(raw);
    if (!header && !/[\p{L}\p{N}][._/][\p{L}\p{N}]/u.test(raw) && !/^[a-z]+[A-Z]/.test(raw)) continue;
    const parts = splitIdentifier(raw).filter((p) => p.length >= 2);
    if (parts.length < 2) continue;
    const whole = wholeToken(raw);
    out.add(whole);
    // Docs and clients write the same header with and without the `X-` prefix (`X-Acme-Signature`,
    // `Acme-Signature`): the question finds either spelling as a whole.
    if (header) out.add(/^x-/i.test(raw) ? whole.slice(1) : `x${whole}`);
  }
  return [...out];
}

/**
 * A hyphenated name that prose would not write: an `X-` header (`x-request-id`), or one with
 * every part capitalized as header names are (`X-API-Key`, `WorkOS-Signature`, `Content-Type`).
 * Lower-case compounds (`sign-up`, `multi-tenant`) and a capitalized first word (`Inngest-powered`)
 * are prose.
 */
function isHyphenatedName(raw: string): boolean {
  const parts = raw.split('-');
  if (parts.length < 2 || parts.some((p) => !/^[\p{L}\p{N}]+$/u.test(p))) return false;
  if (/^x$/i.test(parts[0] ?? '') && parts.length >= 3) return true;
  return parts.every((p) => /^\p{Lu}/u.test(p));
}

/** A compound name as one token: lower case, hyphens dropped. */
function wholeToken(raw: string): string {
  return raw.toLowerCase().replace(/-/g, '');
}

const WORD = /[\p{L}\p{N}](?:[\p{L}\p{N}_]|[.\-/](?=[\p{L}\p{N}_]))*/gu;
const PLAIN = /^[a-z]+$/;
function splitIdentifier(raw: string): string[] {
  const parts: string[] = [];
  for (const piece of raw.split(/[._\-/]+/)) {
    if (!piece) continue;
    const camel = piece.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+|[^\sA-Za-z\d]+/g);
    if (camel && camel.length > 1) parts.push(...camel);
    else parts.push(piece);
  }
  return parts;
}

const STOPWORDS = new Set(
  `a an and are as at be been but by can could did do does doing for from had has have how i if in into is it its
  itself just me my of on or our ours should so than that the their them then there these they this those to too
  us was we were what when where which while who whom why will with would you your yours also any each other some
  such only own same very s t don now via etc e.g i.e vs
  ve ll re d m isn aren wasn weren hasn haven hadn doesn didn won wouldn shouldn couldn mustn`.split(/\s+/),
);
