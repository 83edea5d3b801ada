/**
 * What the server says about itself in its \`initialize\` answer, kept apart from the SDK so that
 * the entry can answer \`initialize\` before it has loaded the SDK (early-initialize.ts); create-server.ts
 * gives the same values to the SDK's server. Depends on nothing but the pure core/about.ts.
 */
import { otherSources, topicList, type IndexAbout } from '../core/about.js';
export const SERVER_NAME = 'workos-docs-mcp';
export const SERVER_VERSION = '0.1.0';

/** The server's instructions, in the words of the index it serves (see core/about.ts). */
export function instructionsFor(about: IndexAbout): string {
  const browse = about.browse.slice(0, 3).map((p) => `"${p}"`);
  return [
    `Answers questions about ${about.docs}${topicList(about)} from a local index.${about.sources.length > 1 ? ` ${otherSources(about)}` : ''}`,
    '- search_docs first, for any question or identifier (method, event, error code, parameter). It returns the answering sections with their doc id (path).',
    '- get_doc to read a whole page or one section (by anchor) once you know its path; long pages are paged.',
    `- list_docs to browse what exists${browse.length ? ` under a prefix such as ${browse.join(', ')}` : ' (optionally under a doc id prefix)'}.`,
    '- get_examples for code to adapt (filter by language or framework): whole code blocks with the sentence that introduces them.',
    about.changelogEntries > 0
      ? `- get_changelog for what changed recently (${about.changelogEntries} entries, newest first)${about.changelogPrefix ? `; search_docs finds them too when a question asks what changed, was released or deprecated, each with its date (section "${about.changelogPrefix}" for changes only, "!${about.changelogPrefix}" to leave them out)` : ''}.`
      : '- get_changelog: this index has no changelog entries.',
    'Cite the url of the sections you use.',
  ].join('\n');
}

/**
 * The protocol versions the SDK's server accepts, newest first (its SUPPORTED_PROTOCOL_VERSIONS):
 * a test fails when an SDK update changes them.
 */
export const PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '2024-10-07'] as const;

/**
 * The \`initialize\` result the SDK's server gives for a request of \`requested\` (the version it asks
 * for, if supported, else the newest), for the server createServer builds over stdio (which
 * announces resource list changes).
 */
export function initializeResult(requested: unknown, instructions: string): Record<string, unknown> {
  const supported: readonly string[] = PROTOCOL_VERSIONS;
  return {
    protocolVersion: typeof requested === 'string' && supported.includes(requested) ? requested : PROTOCOL_VERSIONS[0],
    capabilities: { tools: {}, resources: { listChanged: true } },
    serverInfo: { name: SERVER_NAME, version: SERVER_VERSION },
    instructions,
  };
}
