// Opt-in (npm run test:load): an HTTP load test on loopback. N concurrent MCP clients send M
// search_docs calls in total against the built server, with refused requests (foreign Origin,
// wrong token, oversized body, malformed JSON) mixed in; the server must fail no call, refuse each
// bad request with a 4xx, and give its memory back once idle. WDM_LOAD_CLIENTS, WDM_LOAD_CALLS and
// WDM_LOAD_INDEX change the defaults (50, 10,000, the installed index).
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/fixtures.js';
import { requireBuilt } from '../helpers/spawn.js';

it('serves 50 concurrent HTTP clients with no failed call, refuses bad requests, and returns to its memory baseline', async () => {
  requireBuilt();
  const clients = Number(process.env.WDM_LOAD_CLIENTS ?? 50);
  const calls = Number(process.env.WDM_LOAD_CALLS ?? 10_000);
  const TOKEN = 'load-test-token';
  const queries = (await readFile(path.join(ROOT, 'test', 'eval', 'dev.jsonl'), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { query: string }).query);
  const args = process.env.WDM_LOAD_INDEX ? ['--index', process.env.WDM_LOAD_INDEX] : [];
  const serverArgs = [path.join(ROOT, 'dist', 'cli', 'main.js'), 'serve', '--http', '--port', '0', ...args];
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
  // About 40 refused requests spread over the run, the four kinds in turn.
  const badEvery = Math.max(4, Math.floor(calls / 40));
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      const client = await open();
      while (next < calls) {
        const i = next++;
        if (i % badEvery === 0) await bad((['origin', 'token', 'oversized', 'malformed'] as const)[(i / badEvery) % 4] ?? 'origin');
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
  expect(errors).toBe(0);
  expect(refused).toMatchObject({ origin: expect.arrayContaining([403]), token: expect.arrayContaining([401]), oversized: expect.arrayContaining([413]), malformed: expect.arrayContaining([400]) });
  for (const statuses of Object.values(refused)) for (const status of statuses) expect(status).toBeGreaterThanOrEqual(400);
  expect(backToBaseline).toBe(true);
}, 600_000);
