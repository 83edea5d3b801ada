import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { DocNotFoundError } from '../core/docs.js';
import { encodeDocPath } from '../ids.js';
import type { DocRecord } from '../types.js';
import type { ServerDeps, ToolDeps } from './deps.js';
import { RESULT_BUDGET } from './budget.js';
import { describe, invalidParams, ProtocolError, RESOURCE_NOT_FOUND, setRawHandler } from './edge.js';

const SCHEME = 'docs://';
/** Most resources in one resources/list page; a page also stays within the result budget. */
const PAGE_ENTRIES = 100;

/**
 * Every doc as a resource `docs://{id}` (ids contain slashes, hence the reserved expansion). The
 * template is registered with the SDK (for resources/templates/list); listing and reading are
 * answered here: the list is paged with cursors (the SDK's list callback cannot page), and a read
 * returns the whole doc or -32002 for an unknown one, as the spec says.
 */
export function registerDocResources(server: McpServer, deps: ToolDeps): void {
  const read = (uri: string) => readDoc(deps, uri);
  const template = new ResourceTemplate('docs://{+path}', { list: undefined });
  server.registerResource('doc', template, { title: `${deps.about.name ? `${deps.about.name} ` : ''}doc`, description: `A page of ${deps.about.docs} as markdown, by doc id.`, mimeType: 'text/markdown' }, async (uri) => read(uri.href));
  setRawHandler(server, 'resources/list', async (params) => listPage((await deps.engine()).docs.docs, decodeCursor(params.cursor)));
  setRawHandler(server, 'resources/read', async (params) => {
    const { uri } = params;
    if (typeof uri !== 'string' || uri === '') {
      throw invalidParams(`resources/read: expected params.uri to be a doc URI such as "docs://sso", got ${describe(uri)}.`);
    }
    return read(uri);
  });
}

/** The whole doc behind a docs:// URI, or -32002 with the closest URIs. */
async function readDoc(deps: ServerDeps, uri: string): Promise<{ contents: Array<{ uri: string; mimeType: string; text: string }> }> {
  if (!uri.startsWith(SCHEME)) {
    throw new ProtocolError(RESOURCE_NOT_FOUND, `Resource not found: ${uri.slice(0, 200)}. This server serves docs as ${SCHEME}{id} URIs, e.g. docs://sso; see resources/list.`, { uri: uri.slice(0, 2000) });
  }
  const engine = await deps.engine();
  try {
    const { doc } = engine.docs.resolve(uri);
    return { contents: [{ uri, mimeType: 'text/markdown', text: doc.markdown }] };
  } catch (error) {
    if (!(error instanceof DocNotFoundError)) throw error;
    const closest = error.suggestions.length ? ` Closest: ${error.suggestions.map((id) => `${SCHEME}${id}`).join(', ')}.` : '';
    const id = uri.slice(SCHEME.length, SCHEME.length + 200);
    throw new ProtocolError(RESOURCE_NOT_FOUND, `Resource not found: ${uri.slice(0, 200)}. No doc "${id}" in the index.${closest} See resources/list, or find a topic with the search_docs tool.`, { uri: uri.slice(0, 2000) });
  }
}

/**
 * One page of the doc list in id order, starting after the cursor's id. Keyed by id rather than by
 * offset, so that a page still follows on correctly after the index was rebuilt in between.
 */
function listPage(docs: DocRecord[], after: string | undefined): { resources: unknown[]; nextCursor?: string } {
  const sorted = docs.map((d) => d.id).sort();
  const byId = new Map(docs.map((d) => [d.id, d]));
  const start = after === undefined ? 0 : sorted.findIndex((id) => id > after);
  const resources: unknown[] = [];
  let size = 0;
  let next = start < 0 ? sorted.length : start;
  for (; next < sorted.length && resources.length < PAGE_ENTRIES; next++) {
    const doc = byId.get(sorted[next] ?? '');
    if (!doc) continue;
    const entry = { uri: `${SCHEME}${encodeDocPath(doc.id)}`, name: doc.id || 'index', title: doc.title, description: doc.description || undefined, mimeType: 'text/markdown' };
    size += JSON.stringify(entry).length + 1;
    if (size > RESULT_BUDGET - 500 && resources.length > 0) break;
    resources.push(entry);
  }
  const last = sorted[next - 1];
  return next < sorted.length && last !== undefined ? { resources, nextCursor: encodeCursor(last) } : { resources };
}

function encodeCursor(afterId: string): string {
  return Buffer.from(JSON.stringify({ after: afterId })).toString('base64url');
}

function decodeCursor(cursor: unknown): string | undefined {
  if (cursor === undefined) return undefined;
  const invalid = () =>
    invalidParams(`resources/list: params.cursor ${describe(cursor)} is not a cursor this server issued; pass the nextCursor of the previous page, or no cursor for the first page.`);
  if (typeof cursor !== 'string' || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const after = (decoded as { after?: unknown } | null)?.after;
    if (typeof after === 'string') return after;
  } catch {
    // not JSON: fall through to the error
  }
  throw invalid();
}
