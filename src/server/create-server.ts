import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { aboutIndex, otherSources, topicList, type IndexAbout } from '../core/about.js';
import type { ServerDeps, ToolDeps } from './deps.js';
import { checkToolCall, guardHandler, refuseCursor } from './edge.js';
import { registerDocResources } from './resources.js';
import { registerGetChangelogTool } from './tools/get-changelog.js';
import { registerGetDocTool } from './tools/get-doc.js';
import { registerGetExamplesTool } from './tools/get-examples.js';
import { registerListDocsTool } from './tools/list-docs.js';
import { registerSearchDocsTool } from './tools/search-docs.js';

export type { ServerDeps };


/** The server's instructions, in the words of the index it serves. */
export function instructionsFor(about: IndexAbout): string {
  const browse = about.browse.slice(0, 3).map((p) => `"${p}"`);
  return [
    `Answers questions about ${about.docs}${topicList(about)} from a local index.${about.sources.length > 1 ? ` ${otherSources(about)}` : ''}`,
    '- search_docs first, for any question or identifier (method, event, error code, parameter). It returns the answering sections with their doc id (path).',
    '- get_doc to read a whole page or one section (by anchor) once you know its path; long pages are paged.',
    `- list_docs to browse what exists${browse.length ? ` under a prefix such as ${browse.join(', ')}` : ' (optionally under a doc id prefix)'}.`,
    '- get_examples for code to adapt (filter by language or framework): whole code blocks with the sentence that introduces them.',
    about.changelogEntries > 0 ? `- get_changelog for what changed recently (${about.changelogEntries} dated entries).` : '- get_changelog: this index has no changelog entries.',
    'Cite the url of the sections you use.',
  ].join('\n');
}

/** Builds the MCP server from injected parts: no env, no transport, no side effects. */
export function createServer(serverDeps: ServerDeps): McpServer {
  const deps: ToolDeps = { ...serverDeps, about: serverDeps.about ?? aboutIndex(serverDeps.engine().index.manifest) };
  const server = new McpServer(
    { name: 'workos-docs-mcp', version: deps.version ?? '0.1.0' },
    { instructions: instructionsFor(deps.about), capabilities: { tools: {}, resources: {} } },
  );
  const tools = [
    registerSearchDocsTool(server, deps),
    registerGetDocTool(server, deps),
    registerListDocsTool(server, deps),
    registerGetChangelogTool(server, deps),
    registerGetExamplesTool(server, deps),
  ];
  registerDocResources(server, deps);
  guardHandler(server, 'tools/call', checkToolCall(tools));
  guardHandler(server, 'tools/list', refuseCursor('tools/list'));
  guardHandler(server, 'resources/templates/list', refuseCursor('resources/templates/list'));
  // The SDK advertises listChanged for whatever it registers; the tools never change, and the
  // resource list changes only with a reload that this server can announce.
  server.server.registerCapabilities({ tools: { listChanged: undefined }, resources: { listChanged: deps.onReload ? true : undefined } });
  if (deps.onReload) announceReloads(server, deps.onReload);
  return server;
}

function announceReloads(server: McpServer, onReload: NonNullable<ServerDeps['onReload']>): void {
  const stop = onReload(() => {
    // A connection that is gone has no one to tell.
    if (server.isConnected()) server.server.sendResourceListChanged().catch(() => {});
  });
  const previous = server.server.onclose;
  server.server.onclose = () => {
    stop();
    previous?.();
  };
}
