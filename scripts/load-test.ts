// HTTP load test on loopback: N concurrent MCP clients send M search_docs calls in total, with
// refused requests (foreign Origin, wrong token, oversized body, malformed JSON) mixed in.
// Usage: node dist/scripts/load-test.js [--clients 50] [--calls 10000] [--index DIR]
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => (args.includes(name) ? (args[args.indexOf(name) + 1] ?? fallback) : fallback);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const clients = Number(flag('--clients', '50'));
const calls = Number(flag('--calls', '10000'));
const TOKEN = 'load-test-token';
const queries = (await readFile(path.join(ROOT, '..', 'shared', 'eval', 'dev.jsonl'), 'utf8').catch(() => ''))
  .split('\n')
  .filter(Boolean)
  .map((l) => (JSON.parse(l) as { query: string }).query);
if (queries.length === 0) queries.push('test SSO', 'list users', 'getAuthorizationUrl', 'directory sync events');

const serverArgs = [path.join(ROOT, 'dist', 'cli', 'main.js'), 'serve', '--http', '--port', '0'];
if (args.includes('--index')) serverArgs.push('--index', flag('--index', ''));
const child = spawn(process.execPath, serverArgs, { env: { ...process.env, WORKOS_DOCS_MCP_TOKEN: TOKEN }, stdio: ['ignore', 'ignore', 'pipe'] });
const url = await new Promise<string>((resolve, reject) => {
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    const m = /MCP over HTTP at (\S+)/.exec(err);
    if (m?.[1]) resolve(m[1]);
  });
  child.on('close', (code) => reject(new Error(`server exited ${code}: ${err}`)));
});
const rss = async () => Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

const open = async () => {
  const client = new Client({ name: 'load', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
  return client;
};
// Warm up, then take the baseline.
const warm = await open();
for (const q of queries) await warm.callTool({ name: 'search_docs', arguments: { query: q } });
await warm.close();
const baseline = await rss();

const latencies: number[] = [];
let errors = 0;
let next = 0;
const refused: Record<string, number[]> = { origin: [], token: [], oversized: [], malformed: [] };
const bad = async (kind: keyof typeof refused) => {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${TOKEN}` };
  let body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
  if (kind === 'origin') headers.origin = 'https://attacker.example';
  if (kind === 'token') headers.authorization = 'Bearer nope';
  if (kind === 'oversized') body = JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) });
  if (kind === 'malformed') body = '{"jsonrpc": ';
  const res = await fetch(url, { method: 'POST', headers, body }).catch(() => undefined);
  refused[kind]?.push(res?.status ?? 0);
};
const start = performance.now();
await Promise.all(
  Array.from({ length: clients }, async (_, c) => {
    const client = await open();
    while (next < calls) {
      const i = next++;
      if (i % 500 === c) await bad((['origin', 'token', 'oversized', 'malformed'] as const)[i % 4] ?? 'origin');
      const t = performance.now();
      try {
        const result = await client.callTool({ name: 'search_docs', arguments: { query: queries[i % queries.length] ?? '', limit: 5 } });
        if (result.isError) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t);
    }
    await client.close();
  }),
);
const seconds = (performance.now() - start) / 1000;
const peak = await rss();
// V8 gives memory back once the process has been idle for a while (its memory reducer), so poll
// for up to a minute and report how long the return to baseline took.
const settleStart = performance.now();
let after = peak;
while (performance.now() - settleStart < 60_000) {
  await new Promise((r) => setTimeout(r, 1000));
  after = await rss();
  if (after <= baseline * 1.05) break;
}
const settled = (performance.now() - settleStart) / 1000;
const backToBaseline = after <= baseline * 1.05;
child.kill('SIGTERM');
const sorted = [...latencies].sort((a, b) => a - b);
const p = (q: number) => (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1);
console.log(`clients ${clients}, calls ${latencies.length}, errors ${errors}, ${(latencies.length / seconds).toFixed(0)} calls/s over ${seconds.toFixed(1)} s`);
console.log(`latency ms: p50 ${p(0.5)}, p95 ${p(0.95)}, p99 ${p(0.99)}, max ${sorted[sorted.length - 1]?.toFixed(1)}`);
console.log(`server RSS MB: baseline ${baseline.toFixed(0)}, at end of load ${peak.toFixed(0)}, ${backToBaseline ? 'back to' : 'NOT back to'} baseline: ${after.toFixed(0)} after ${settled.toFixed(0)} s idle`);
console.log(`refused during load: ${Object.entries(refused).map(([k, v]) => `${k} → ${[...new Set(v)].join('/')} ×${v.length}`).join(', ')}`);
process.exitCode = errors > 0 || !backToBaseline ? 1 : 0;
