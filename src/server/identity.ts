/**
 * What the server says about itself in its \`initialize\` answer, kept apart from the SDK so that
 * the entry can answer \`initialize\` before it has loaded the SDK (early-initialize.ts); create-server.ts
 * gives the same values to the SDK's server. Depends on nothing.
 */
export const SERVER_NAME = 'workos-docs-mcp';
export const SERVER_VERSION = '0.1.0';

export const INSTRUCTIONS = `Answers questions about the WorkOS developer docs (AuthKit, SSO, Directory Sync, RBAC and FGA, Audit Logs, Admin Portal, Vault, Radar, Widgets, Events, the API reference and SDKs, identity-provider integrations) from a local index.
- search_docs first, for any question or identifier (method, event, error code, parameter). It returns the answering sections with their doc id (path).
- get_doc to read a whole page or one section (by anchor) once you know its path; long pages are paged.
- list_docs to browse what exists under a prefix such as "sso", "integrations" or "reference/authkit".
- get_examples for code to adapt (filter by language or framework): whole code blocks with the sentence that introduces them.
- get_changelog for what changed recently on the WorkOS platform.
Cite the url of the sections you use.`;

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
export function initializeResult(requested: unknown): Record<string, unknown> {
  const supported: readonly string[] = PROTOCOL_VERSIONS;
  return {
    protocolVersion: typeof requested === 'string' && supported.includes(requested) ? requested : PROTOCOL_VERSIONS[0],
    capabilities: { tools: {}, resources: { listChanged: true } },
    serverInfo: { name: SERVER_NAME, version: SERVER_VERSION },
    instructions: INSTRUCTIONS,
  };
}
