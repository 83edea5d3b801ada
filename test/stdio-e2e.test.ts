import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { defaultIndex } from './helpers/default-index.js';
import { CLI, requireBuilt } from './helpers/spawn.js';
import { textOf } from './helpers/fixture-index.js';

// The built server over stdio, with the real default index, asked real questions.
let client: Client;
let stderr = '';
let index: Awaited<ReturnType<typeof defaultIndex>>;
beforeAll(async () => {
  requireBuilt();
  index = await defaultIndex();
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'serve', '--index', index.dir], stderr: 'pipe' });
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  client = new Client({ name: 'e2e', version: '1.0.0' });
  await client.connect(transport);
});
afterAll(async () => {
  await client?.close();
  await index?.cleanup();
});

const topPaths = async (query: string, limit = 5) => {
  const result = await client.callTool({ name: 'search_docs', arguments: { query, limit } });
  return (result.structuredContent as { results: Array<{ path: string }> }).results.map((r) => r.path);
};

describe('the built server over stdio with the default index', () => {
  it('answers a how-to question with the doc that covers it', async () => {
    expect(await topPaths('How do I send AuthKit emails through my own Postmark account?')).toContain('authkit/custom-email-providers');
  });

  it('finds the page that defines an exact identifier', async () => {
    expect((await topPaths('organization_selection_required', 3))).toContain('reference/authkit/authentication-errors/organization-selection-error');
    expect(await topPaths('getAuthorizationUrl provider_scopes', 5)).toContain('reference/sso/get-authorization-url');
  });

  it('reads a doc section by URL and lists a product area', async () => {
    const doc = await client.callTool({ name: 'get_doc', arguments: { path: 'https://workos.com/docs/sso/test-sso#getting-started' } });
    expect(textOf(doc)).toMatch(/^### Getting started\n\nLog into the \[WorkOS Dashboard\]/);
    const list = await client.callTool({ name: 'list_docs', arguments: { prefix: 'sso' } });
    expect(textOf(list)).toContain('Test SSO (sso/test-sso)');
  });

  it('logs to stderr only, so stdout stays the protocol', () => {
    expect(stderr).toMatch(/workos-docs-mcp: \d+ chunks from \d+ docs; MCP over stdio/);
  });
});
