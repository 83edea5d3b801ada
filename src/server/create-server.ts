import './zod-jitless.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerDeps } from './deps.js';
import { instructionsFor, SERVER_NAME, SERVER_VERSION } from './identity.js';
import { aboutIndex, UNKNOWN_INDEX } from '../core/about.js';
import type { ToolDeps } from './deps.js';
import { checkToolCall, guardHandler, refuseCursor } from './edge.js';
import { registerDocResources } from './resources.js';
import { registerGetChangelogTool } from './tools/get-changelog.js';
import { registerGetDocTool } from './tools/get-doc.js';
import { registerGetExamplesTool } from './tools/get-examples.js';
import { registerListDocsTool } from './tools/list-docs.js';
import { registerSearchDocsTool } from './tools/search-docs.js';

export type { ServerDeps };


/** Builds the MCP server from injected parts: no env, no transport, no side effects. */
export function createServer(serverDeps: ServerDeps): McpServer {
  const deps: ToolDeps = { ...serverDeps, about: serverDeps.about ?? aboutOfEngine(serverDeps) };
  const server = new McpServer(
    { name: SERVER_NAME, version: deps.version ?? SERVER_VERSION },
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

/** What the index is about, from the engine when it is loaded already (serve passes it from the manifest). */
function aboutOfEngine(deps: ServerDeps) {
  const engine = deps.engine();
  if (engine instanceof Promise) {
    engine.catch(() => {});
    return UNKNOWN_INDEX;
  }
  return aboutIndex(engine.index.manifest);
}
