import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Manifest, SourceRecord } from '../store/format/manifest.js';
import { resolveIndexFolder } from '../store/index-dir.js';

/**
 * What an index holds, in words the server uses for its tool titles, descriptions, instructions
 * and messages: made from the manifest alone (the sources' names and the docs' top-level
 * sections), so that an index of any product's docs introduces itself, and so that it is known
 * before the rest of the index has loaded.
 */
export interface IndexAbout {
  /** The first source's name: "WorkOS", "Mastra"; '' when unnamed. */
  name: string;
  /** "the WorkOS docs", "the Mastra docs", "the docs". */
  docs: string;
  /** Top-level sections of the docs, in navigation order. */
  topics: string[];
  /** Doc id prefixes worth browsing (top-level sections that are pages), for examples in descriptions. */
  browse: string[];
  sources: SourceRecord[];
  changelogEntries: number;
  /** The id prefix under which search finds the changelog's entries (`changelog`); undefined when none are searchable. */
  changelogPrefix?: string;
}

const MAX_TOPIC_CHARS = 360;

/** The words for an index not read yet: nothing claimed about it. */
export const UNKNOWN_INDEX: IndexAbout = { name: '', docs: 'the docs', topics: [], browse: [], sources: [], changelogEntries: 0 };

export function aboutIndex(manifest: Pick<Manifest, 'sources' | 'topics' | 'counts' | 'changelogPrefix'>): IndexAbout {
  const primary = manifest.sources[0];
  const name = primary?.name ?? '';
  return {
    name,
    docs: docsPhrase(name),
    topics: [...new Set(manifest.topics.map((t) => t.title))],
    browse: manifest.topics.filter((t) => t.id).map((t) => t.id as string),
    sources: manifest.sources,
    changelogEntries: manifest.counts.changelog,
    ...(manifest.changelogPrefix ? { changelogPrefix: manifest.changelogPrefix } : {}),
  };
}

/**
 * What the index in a folder is about, from its manifest alone (read without checks: this is for
 * words, and the server checks the index before it serves it); UNKNOWN_INDEX when it cannot be read.
 * Used by the early `initialize` answer, before the rest of the program has loaded.
 */
export function aboutIndexFolder(indexDir: string): IndexAbout {
  try {
    const manifest = JSON.parse(readFileSync(path.join(resolveIndexFolder(indexDir).folder, 'manifest.json'), 'utf8')) as Partial<Manifest>;
    if (!Array.isArray(manifest.sources) || !Array.isArray(manifest.topics) || typeof manifest.counts !== 'object') return UNKNOWN_INDEX;
    return aboutIndex(manifest as Manifest);
  } catch {
    return UNKNOWN_INDEX;
  }
}

/** How tools and instructions name a source's docs: "the WorkOS docs", "the Acme documentation", "the docs". */
export function docsPhrase(name: string): string {
  const n = name.trim();
  if (!n) return 'the docs';
  return /\b(docs|documentation)$/i.test(n) ? `the ${n}` : `the ${n} docs`;
}

/** The topics as a parenthesis for a description: " (AuthKit, SSO, …)", cut to a readable length. */
export function topicList(about: IndexAbout): string {
  const shown: string[] = [];
  let length = 0;
  for (const topic of about.topics) {
    if (length + topic.length > MAX_TOPIC_CHARS) {
      shown.push('…');
      break;
    }
    shown.push(topic);
    length += topic.length + 2;
  }
  return shown.length ? ` (${shown.join(', ')})` : '';
}

/** Each source in a few words: name, package and version, id prefix. */
export function describeSources(sources: SourceRecord[]): Array<{ name: string; version: string | null; package: string | null; prefix: string; url: string }> {
  return sources.map((s) => ({ name: s.name, version: s.version ?? null, package: s.package ?? null, prefix: s.prefix, url: s.baseUrl }));
}

/** "Sources: WorkOS (@workos/mcp-docs-server 0.2.0); @workos-inc/node 11.0.0, ids under sdk/node/" */
export function sourcesLine(sources: SourceRecord[]): string {
  const one = (s: SourceRecord) => {
    const pkg = s.package && s.package !== s.name ? ` (${s.package}${s.version ? ` ${s.version}` : ''})` : s.version ? ` ${s.version}` : '';
    // A feed has entries (in get_changelog), not docs under an id prefix.
    if (s.kind === 'feed') return `${s.name} (changelog feed)`;
    return `${s.name || 'docs'}${pkg}${s.prefix ? `, ids under ${s.prefix}/` : ''}`;
  };
  return `${sources.length === 1 ? 'Source' : 'Sources'}: ${sources.map(one).join('; ')}`;
}

/** Sources besides the first, as one clause: "; also @workos-inc/node 11.0.0 and 2 more (ids under sdk/)". */
export function otherSources(about: IndexAbout): string {
  const others = about.sources.slice(1);
  if (others.length === 0) return '';
  const named = others.map((s) => (s.kind === 'feed' ? `${s.name} (changelog feed)` : `${s.name}${s.version ? ` ${s.version}` : ''}${s.prefix ? ` (${s.prefix}/)` : ''}`));
  if (others.every((s) => s.kind === 'npm-package')) {
    return `SDK packages indexed beside the docs (their READMEs, and method pages for those with signatures; code examples come from these versions): ${named.join(', ')}.`;
  }
  return `Also indexed: ${named.join(', ')}.`;
}
