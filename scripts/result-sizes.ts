// The largest tool results and resource pages the server gives over an index, measured over a real
// in-memory MCP client as text content + structuredContent (JSON.stringify lengths).
// Usage: node dist/scripts/result-sizes.js [--index DIR]
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { openEngine } from '../src/core/engine.js';
import { createServer } from '../src/server/create-server.js';
import { flag } from './args.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const indexDir = flag('--index', path.join(ROOT, 'index-data'));
const engine = await openEngine(indexDir, { modelsDir: path.join(ROOT, 'models') });
const server = createServer({ engine: () => engine });
const [a, b] = InMemoryTransport.createLinkedPair();
const client = new Client({ name: 'result-sizes', version: '1.0.0' });
await Promise.all([server.connect(b), client.connect(a)]);

type Result = Awaited<ReturnType<Client['callTool']>>;
const size = (r: Result) => JSON.stringify(r.content).length + JSON.stringify(r.structuredContent ?? null).length;
const largest = { name: '', size: 0 };
const measure = async (name: string, args: Record<string, unknown>, label: string) => {
  const result = await client.callTool({ name, arguments: args });
  if (size(result) > largest.size) Object.assign(largest, { name: label, size: size(result) });
  return result;
};

let getDocMax = { label: '', size: 0 };
for (const doc of engine.docs.docs) {
  for (let page = 1, pages = 1; page <= pages; page++) {
    const result = await measure('get_doc', { path: doc.id || '/', page }, `get_doc ${doc.id} page ${page}`);
    pages = (result.structuredContent as { pages?: number } | undefined)?.pages ?? 1;
    if (size(result) > getDocMax.size) getDocMax = { label: `${doc.id} page ${page}`, size: size(result) };
  }
}
console.log(`get_doc, every page of every doc: largest ${getDocMax.size} (${getDocMax.label})`);
console.log(`get_doc events: ${size(await measure('get_doc', { path: 'events' }, 'get_doc events'))}`);

const prefixes = new Set(['']);
for (const doc of engine.docs.docs) doc.id.split('/').forEach((_, i, parts) => prefixes.add(parts.slice(0, i + 1).join('/')));
let listMax = { prefix: '', size: 0 };
for (const prefix of prefixes) {
  const result = await measure('list_docs', prefix ? { prefix } : {}, `list_docs ${prefix}`);
  if (size(result) > listMax.size) listMax = { prefix, size: size(result) };
}
console.log(`list_docs, ${prefixes.size} prefixes: largest ${listMax.size} (prefix "${listMax.prefix}"); no prefix ${size(await measure('list_docs', {}, 'list_docs'))}; "reference" ${size(await measure('list_docs', { prefix: 'reference' }, 'list_docs reference'))}`);

for (const query of ['sso', 'list organizations', 'user management', 'webhooks', 'events']) {
  console.log(`search_docs "${query}" limit 20: ${size(await measure('search_docs', { query, limit: 20 }, `search_docs ${query}`))}`);
}
console.log(`get_changelog limit 100: ${size(await measure('get_changelog', { limit: 100 }, 'get_changelog'))}`);

let cursor: string | undefined;
const pageSizes: number[] = [];
do {
  const page = await client.listResources(cursor ? { cursor } : {});
  pageSizes.push(JSON.stringify(page).length);
  cursor = page.nextCursor;
} while (cursor);
console.log(`resources/list: ${pageSizes.length} pages of ${pageSizes.join(', ')} characters`);
for (const id of ['authkit', 'events']) {
  const read = await client.readResource({ uri: `docs://${id}` });
  console.log(`resources/read docs://${id}: ${(read.contents[0] as { text: string }).text.length} of ${engine.docs.docs.find((d) => d.id === id)?.markdown.length} characters`);
}
console.log(`largest tool result measured: ${largest.size} (${largest.name})`);
await client.close();
await server.close();
