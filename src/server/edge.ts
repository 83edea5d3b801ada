import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError, type JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';

/**
 * Protocol errors at the server's edge, where the SDK (1.32) decides differently from the spec:
 * it answers a malformed `tools/call` params object with -32603 and a raw zod issue dump (its
 * request schema is parsed before any handler runs), turns an unknown tool into an `isError`
 * result, and ignores pagination cursors. Handlers set here see the raw request, check params with
 * readable -32602 messages, and then hand over to the SDK's own handler where there is one.
 */

/** The MCP error code for a resource that does not exist (not in the SDK's ErrorCode enum). */
export const RESOURCE_NOT_FOUND = -32002;

/** An McpError whose wire message is just the message (McpError itself prefixes "MCP error <code>:"). */
export class ProtocolError extends McpError {
  constructor(code: number, message: string, data?: unknown) {
    super(code, message, data);
    this.message = message;
  }
}

export function invalidParams(message: string): ProtocolError {
  return new ProtocolError(ErrorCode.InvalidParams, message);
}

type RawHandler = (request: JSONRPCRequest, extra: unknown) => Promise<unknown>;

/**
 * The SDK keeps its request handlers in `Server._requestHandlers` and parses each request with the
 * method's schema inside the entry it stores there; only by replacing the entry can a handler see
 * the raw params. Fails loudly at startup (and in every test) if a new SDK keeps them elsewhere.
 */
function handlers(server: McpServer): Map<string, RawHandler> {
  const map = (server.server as unknown as { _requestHandlers?: unknown })._requestHandlers;
  if (!(map instanceof Map)) throw new Error('The MCP SDK no longer keeps request handlers in Server._requestHandlers: update src/server/edge.ts for this SDK version.');
  return map as Map<string, RawHandler>;
}

/** Installs a handler that receives the raw JSON-RPC request (params unchecked). */
export function setRawHandler(server: McpServer, method: string, handler: (params: Record<string, unknown>, extra: unknown) => Promise<unknown>): void {
  handlers(server).set(method, async (request, extra) => handler(paramsOf(method, request.params), extra));
}

/** Wraps the SDK's handler for a method: `check` sees the raw params first and may throw. */
export function guardHandler(server: McpServer, method: string, check: (params: Record<string, unknown>) => void): void {
  const map = handlers(server);
  const inner = map.get(method);
  if (!inner) throw new Error(`No ${method} handler to guard: register the tools and resources before guarding.`);
  map.set(method, async (request, extra) => {
    check(paramsOf(method, request.params));
    return inner(request, extra);
  });
}

/** For lists that always fit on one page: no cursor was ever issued, so any cursor is invalid. */
export function refuseCursor(method: string): (params: Record<string, unknown>) => void {
  return (params) => {
    if (params.cursor !== undefined) {
      throw invalidParams(`${method}: params.cursor ${describe(params.cursor)} is not a cursor this server issued; this list has one page, so call it without a cursor.`);
    }
  };
}

/** Checks `tools/call` params: a known tool name and, if present, an arguments object. */
export function checkToolCall(tools: string[]): (params: Record<string, unknown>) => void {
  return (params) => {
    const { name, arguments: args } = params;
    if (typeof name !== 'string' || name === '') {
      throw invalidParams(`tools/call: expected params.name to be the name of a tool (${tools.join(', ')}), got ${describe(name)}.`);
    }
    if (!tools.includes(name)) {
      throw invalidParams(`tools/call: unknown tool ${JSON.stringify(name.slice(0, 100))}; the tools are ${tools.join(', ')} (see tools/list).`);
    }
    if (args !== undefined && (args === null || typeof args !== 'object' || Array.isArray(args))) {
      throw invalidParams(`tools/call: expected params.arguments to be an object of the tool's arguments, e.g. {"query": "sso"}, got ${describe(args)}.`);
    }
  };
}

function paramsOf(method: string, params: unknown): Record<string, unknown> {
  if (params === undefined) return {};
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw invalidParams(`${method}: expected params to be an object, got ${describe(params)}.`);
  }
  return params as Record<string, unknown>;
}

/** A value as a message shows it: its type and a short preview. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value).slice(0, 60)}`;
}
