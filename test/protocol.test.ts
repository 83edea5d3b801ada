import { describe, expect, it } from 'vitest';
import { CallToolResultSchema, ListResourcesResultSchema, ListToolsResultSchema, ReadResourceResultSchema, ListResourceTemplatesResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { textOf, useFixtureServer } from './helpers/fixture-index.js';

const server = useFixtureServer();

/** Sends a request as a hand-written client would, params unchecked, and returns the JSON-RPC error. */
async function errorOf(method: string, params: unknown): Promise<{ code: number; message: string; data?: unknown }> {
  const schema = method === 'tools/call' ? CallToolResultSchema : method === 'tools/list' ? ListToolsResultSchema : method === 'resources/list' ? ListResourcesResultSchema : method === 'resources/read' ? ReadResourceResultSchema : ListResourceTemplatesResultSchema;
  try {
    await server.client.request({ method, params } as never, schema);
  } catch (error) {
    const e = error as { code: number; message: string; data?: unknown };
    return { code: e.code, message: e.message, data: e.data };
  }
  throw new Error(`${method} ${JSON.stringify(params)} succeeded; expected a JSON-RPC error`);
}

/** What a raw zod issue dump looks like in a message. */
const ZOD_DUMP = /"code":\s*"invalid_type"|"path":\s*\[|"expected":/;

describe('protocol errors at the server edge', () => {
  it('answers resources/read of an unknown docs:// id with -32002 resource not found, naming the uri and the closest ids', async () => {
    const error = await errorOf('resources/read', { uri: 'docs://guide/testin' });
    expect(error.code).toBe(-32002);
    expect(error.message).toMatch(/^MCP error -32002: Resource not found: docs:\/\/guide\/testin\. No doc "guide\/testin" in the index\. Closest: docs:\/\/guide\/testing, /);
    expect(error.data).toEqual({ uri: 'docs://guide/testin' });
    await expect(server.client.readResource({ uri: 'https://example.com/guide' })).rejects.toMatchObject({ code: -32002 });
  });

  it.each([
    ['tools/call without params.name', 'tools/call', {}, /^MCP error -32602: tools\/call: expected params\.name to be the name of a tool \(search_docs, get_doc, list_docs, get_changelog, get_examples\), got nothing\.$/],
    ['tools/call with arguments as a string', 'tools/call', { name: 'search_docs', arguments: 'x' }, /^MCP error -32602: tools\/call: expected params\.arguments to be an object of the tool's arguments, e\.g\. \{"query": "sso"\}, got string "x"\.$/],
    ['tools/call with arguments as an array', 'tools/call', { name: 'search_docs', arguments: ['sso'] }, /expected params\.arguments to be an object .* got an array of 1\.$/],
    ['tools/call with arguments null', 'tools/call', { name: 'search_docs', arguments: null }, /expected params\.arguments to be an object .* got null\.$/],
    ['tools/call with a numeric name', 'tools/call', { name: 7, arguments: {} }, /expected params\.name to be the name of a tool .* got number 7\.$/],
    ['resources/read without params.uri', 'resources/read', {}, /^MCP error -32602: resources\/read: expected params\.uri to be a doc URI such as "docs:\/\/sso", got nothing\.$/],
    ['resources/read with a numeric uri', 'resources/read', { uri: 42 }, /expected params\.uri to be a doc URI .* got number 42\.$/],
  ])('answers %s with -32602 Invalid params and a readable message', async (_label, method, params, message) => {
    const error = await errorOf(method, params);
    expect(error.code).toBe(-32602);
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(ZOD_DUMP);
  });

  it('answers an unknown tool with a -32602 protocol error listing the tools', async () => {
    await expect(server.client.callTool({ name: 'search_doc', arguments: { query: 'plane' } })).rejects.toMatchObject({
      code: -32602,
      message: 'MCP error -32602: tools/call: unknown tool "search_doc"; the tools are search_docs, get_doc, list_docs, get_changelog, get_examples (see tools/list).',
    });
  });

  it("keeps a tool's own failure (an unknown doc id) an isError result, as the spec wants", async () => {
    const result = await server.call('get_doc', { path: 'nope' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^No doc "nope" in the index\./);
  });

  it.each([
    ['resources/list', 'not-a-cursor!'],
    ['resources/list', 'zzz'],
    ['resources/list', Buffer.from('{"offset": 3}').toString('base64url')],
    ['resources/list', 12],
    ['tools/list', 'abc'],
    ['resources/templates/list', 'abc'],
  ])('answers %s with the invalid cursor %j with -32602', async (method, cursor) => {
    const error = await errorOf(method, { cursor });
    expect(error.code).toBe(-32602);
    expect(error.message).toMatch(new RegExp(`^MCP error -32602: ${method.replace(/\//g, '\\/')}: params\\.cursor .* is not a cursor this server issued`));
  });

  it('still serves after every malformed request', async () => {
    const result = await server.call('search_docs', { query: 'wind tunnel', limit: 1 });
    expect((result.structuredContent as { results: Array<{ path: string }> }).results[0]?.path).toBe('guide/testing');
  });

  it('does not advertise list_changed for tools (they never change) nor for resources without a way to send it', () => {
    const capabilities = server.client.getServerCapabilities();
    expect(capabilities?.tools).toBeDefined();
    expect(capabilities?.tools?.listChanged).toBeUndefined();
    expect(capabilities?.resources).toBeDefined();
    expect(capabilities?.resources?.listChanged).toBeUndefined();
  });

  it('lists the docs:// template, and a small doc list on one page without a cursor', async () => {
    const { resourceTemplates } = await server.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(['docs://{+path}']);
    const page = await server.client.listResources();
    expect(page.nextCursor).toBeUndefined();
    expect(page.resources.map((r) => r.uri)).toEqual(['docs://broken', 'docs://changelog/2025-06-01-paint-colours', 'docs://changelog/2026-01-10-gliders', 'docs://guide', 'docs://guide/testing', 'docs://reference', 'docs://reference/widgets/create']);
    expect(page.resources[4]).toMatchObject({ name: 'guide/testing', title: 'Testing planes', mimeType: 'text/markdown' });
  });
});
