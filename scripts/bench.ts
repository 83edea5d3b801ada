// `npm run bench`: performance figures measured on this machine, printed as a markdown table.
// Usage: node dist/scripts/bench.js [--scales 10,100] [--rounds 5] [--set test/eval/dev.jsonl] [--json FILE]
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile, appendFile, readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { defaultCorpus } from '../ingest/discover.js';
import { openEngine } from '../src/core/engine.js';
import { parseQuerySet } from '../src/core/eval.js';
import { Retriever } from '../src/core/retriever.js';
import { DEFAULT_LOCAL_PARAMS, LocalEmbedder } from '../src/embed/local.js';
import { buildLexicalIndexes } from '../src/store/lexical-indexes.js';
import type { LoadedIndex } from '../src/store/load.js';
import { CODECS } from '../src/store/format/codecs.js';
import { bruteForce, DEFAULT_HNSW_PARAMS, VectorIndex } from '../src/store/vector-index.js';
import { embeddingText } from '../src/text/embedding-text.js';
import type { Chunk, DocRecord } from '../src/types.js';
import { flag, has } from './args.js';
import { resolveIndexFolder } from '../src/store/index-dir.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const PEAK = path.join(ROOT, 'scripts', 'peak-rss.cjs');
const scales = flag('--scales', '10,100').split(',').filter(Boolean).map(Number);
const rounds = Number(flag('--rounds', '5'));
const setFile = path.resolve(flag('--set', path.join(ROOT, 'test', 'eval', 'dev.jsonl')));
const rows: Array<[string, string, string]> = [];
const figures: Record<string, unknown> = {};
const log = (line: string) => process.stderr.write(`${line}\n`);
const ms = (x: number) => `${x < 10 ? x.toFixed(2) : x.toFixed(0)} ms`;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

function runNode(nodeArgs: string[]): Promise<{ ms: number; peakMb: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, ['--require', PEAK, ...nodeArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`node ${nodeArgs.join(' ')} exited ${code}: ${stderr}`));
      resolve({ ms: performance.now() - start, peakMb: Number(/\[peak-rss\] (\d+)/.exec(stderr)?.[1] ?? 0), stderr });
    });
  });
}

/** Bytes of the index an index folder serves (its current version folder). */
async function dirSize(indexDir: string): Promise<number> {
  const dir = resolveIndexFolder(indexDir).folder;
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(path.join(dir, name))).size;
  return total;
}

const work = await mkdtemp(path.join(os.tmpdir(), 'wdm-bench-'));
try {
  const queries = parseQuerySet(await readFile(setFile, 'utf8')).map((q) => q.query);

  // --- Ingest: full build, then an incremental run after changing one file (on a copy of the corpus).
  log('ingest: full build of the default corpus');
  const docs = path.join(work, 'docs');
  await cp(defaultCorpus().docs, docs, { recursive: true });
  const indexDir = path.join(work, 'index-data');
  const full = await runNode([CLI, 'ingest', '--docs', docs, '--changelogs', defaultCorpus().changelogs, '--index', indexDir, '--full']);
  rows.push(['full ingest of the default corpus (parse, chunk, fit, embed, index)', `${(full.ms / 1000).toFixed(2)} s, peak ${full.peakMb} MB`, '≤ 15 s']);
  const size = await dirSize(indexDir);
  rows.push(['index size on disk', `${(size / 1024 / 1024).toFixed(1)} MB`, '']);
  await appendFile(path.join(docs, 'sso', 'test-sso.mdx'), '\n\n## Benchmark note\n\nA paragraph added by the benchmark to change one file.\n');
  const incremental = await runNode([CLI, 'ingest', '--docs', docs, '--changelogs', defaultCorpus().changelogs, '--index', indexDir]);
  const summaryLine = /Updated .*/.exec(incremental.stderr)?.[0] ?? '';
  rows.push(['incremental ingest after one changed file', `${(incremental.ms / 1000).toFixed(2)} s, peak ${incremental.peakMb} MB`, '≤ 1 s']);
  figures.ingest = { fullMs: full.ms, fullPeakMb: full.peakMb, incrementalMs: incremental.ms, incrementalPeakMb: incremental.peakMb, incrementalSummary: summaryLine, indexBytes: size };

  // --- Server over stdio: cold start, warm latency, memory after 1,000 queries.
  log('server: cold start and warm search_docs over stdio');
  const coldStart = performance.now();
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'serve', '--index', indexDir], stderr: 'pipe' });
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(transport);
  await client.callTool({ name: 'search_docs', arguments: { query: queries[0] ?? 'sso' } });
  const coldMs = performance.now() - coldStart;
  rows.push(['cold start: spawn to first search_docs answer (stdio)', ms(coldMs), '≤ 300 ms']);
  const warm: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const query of queries) {
      const t = performance.now();
      await client.callTool({ name: 'search_docs', arguments: { query } });
      warm.push(performance.now() - t);
    }
  }
  rows.push([`warm search_docs over MCP stdio, p50 / p95 / max (${warm.length} calls)`, `${ms(pct(warm, 50))} / ${ms(pct(warm, 95))} / ${ms(Math.max(...warm))}`, '≤ 2 ms / ≤ 5 ms']);
  let calls = warm.length;
  while (calls < 1000) {
    await client.callTool({ name: 'search_docs', arguments: { query: queries[calls % queries.length] ?? '' } });
    calls++;
  }
  const pid = transport.pid;
  const status = pid ? await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '') : '';
  const rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  rows.push([`server resident memory after ${calls} queries`, `${rssMb.toFixed(0)} MB`, '≤ 150 MB']);
  await client.close();
  figures.server = { coldMs, warmP50: pct(warm, 50), warmP95: pct(warm, 95), warmMax: Math.max(...warm), rssMbAfter1000: rssMb };

  // --- In process: retrieval latency, and HNSW recall@10 against exact search.
  log('in-process retrieval and HNSW recall');
  const engine = await openEngine(indexDir, { modelsDir: path.join(ROOT, 'models') });
  for (const q of queries) await engine.retriever.search(q);
  const inproc: number[] = [];
  for (let r = 0; r < 20; r++) {
    for (const q of queries) {
      const t = performance.now();
      await engine.retriever.search(q);
      inproc.push(performance.now() - t);
    }
  }
  rows.push([`in-process retrieval, p50 / p95 (${inproc.length} queries)`, `${ms(pct(inproc, 50))} / ${ms(pct(inproc, 95))}`, 'p50 ≤ 0.5 ms']);
  const probe = [...queries, ...engine.index.chunks.filter((_, i) => i % 10 === 0).map((c) => c.heading.join(' ') || c.title)];
  const probeVectors = await Promise.all(probe.map((q) => engine.embedder.embedQuery(q)));
  const recallAt = (ef: number) => {
    engine.index.vectorIndex.setEf(ef);
    let hit = 0;
    let total = 0;
    for (const v of probeVectors) {
      if (!v.some((x) => x !== 0)) continue;
      const exact = new Set(bruteForce(engine.index.vectors, v, 10).map((n) => n.index));
      for (const n of engine.index.vectorIndex.search(v, 10)) if (exact.has(n.index)) hit++;
      total += 10;
    }
    return hit / total;
  };
  const recalls = [16, 32, 64, DEFAULT_HNSW_PARAMS.efSearch, 256].map((ef) => [ef, recallAt(ef)] as const);
  engine.index.vectorIndex.setEf(DEFAULT_HNSW_PARAMS.efSearch);
  rows.push([
    `HNSW recall@10 vs exact search (${probeVectors.length} queries; M=${DEFAULT_HNSW_PARAMS.m}, efConstruction=${DEFAULT_HNSW_PARAMS.efConstruction})`,
    recalls.map(([ef, r]) => `ef=${ef}: ${r.toFixed(3)}`).join(', '),
    '≥ 0.99 at the chosen ef',
  ]);
  figures.inProcess = { p50: pct(inproc, 50), p95: pct(inproc, 95), recall: Object.fromEntries(recalls) };

  // --- Scale: synthetic corpora of N× the chunks, with perturbed text so they are not duplicates.
  for (const scale of scales) {
    log(`scale ${scale}×: synthesizing and building`);
    const result = await scaleRun(engine.index, scale, queries, work);
    rows.push([
      `${scale}× corpus (${result.chunks} chunks): build / size / query p50, p95 / heap+rss`,
      `${(result.buildMs / 1000).toFixed(1)} s / ${(result.bytes / 1024 / 1024).toFixed(0)} MB / ${ms(result.p50)}, ${ms(result.p95)} / ${result.rssMb.toFixed(0)} MB`,
      scale === 100 ? 'query p50 ≤ 5 ms; build ~linear' : '',
    ]);
    figures[`scale${scale}`] = result;
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

const header = `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}, default local embedder.\n`;
const table = ['| figure | measured | target |', '| --- | --- | --- |', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
process.stdout.write(`${header}\n${table}\n`);
const jsonOut = has('--json') ? flag('--json', '') : '';
if (jsonOut) await writeFile(jsonOut, JSON.stringify(figures, null, 2));

/** Builds embedder, HNSW and BM25F over `scale` perturbed copies of the chunks; times build and queries. */
async function scaleRun(base: LoadedIndex, scale: number, queries: string[], dir: string) {
  let seed = 12345 + scale;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const chunks: Chunk[] = [];
  const docs: DocRecord[] = [];
  for (let copy = 0; copy < scale; copy++) {
    for (const d of base.docs) docs.push({ ...d, id: copy ? `${d.id}-v${copy}` : d.id });
    for (const c of base.chunks) {
      const words = c.text.split(' ');
      for (let i = 0; i < words.length; i++) {
        const r = rand();
        if (r < 0.1 && i + 1 < words.length) [words[i], words[i + 1]] = [words[i + 1] ?? '', words[i] ?? ''];
        else if (r < 0.15) words[i] = '';
      }
      chunks.push({ ...c, id: `${c.id}@${copy}`, docId: copy ? `${c.docId}-v${copy}` : c.docId, text: `${words.filter(Boolean).join(' ')} variant${copy}` });
    }
  }
  const start = performance.now();
  const texts = chunks.map((c) => embeddingText(c));
  const embedder = LocalEmbedder.fit(texts, DEFAULT_LOCAL_PARAMS);
  const vectors = texts.map((t) => embedder.embed(t));
  const vectorIndex = VectorIndex.build(vectors, embedder.dimension);
  const lexical = buildLexicalIndexes(chunks, docs, base.navigation);
  const buildMs = performance.now() - start;
  const file = path.join(dir, `scale-${scale}.hnsw`);
  vectorIndex.write(file);
  const flat = new Float32Array(vectors.length * embedder.dimension);
  vectors.forEach((v, i) => flat.set(v, i * embedder.dimension));
  const size = (data: Buffer | string) => Buffer.byteLength(data);
  const bytes =
    (await stat(file)).size +
    size(CODECS.vectors.encode({ flat, dimension: embedder.dimension })) +
    size(CODECS.lexicalChunks.encode(lexical.chunks)) +
    size(CODECS.lexicalDocs.encode(lexical.docs)) +
    size(CODECS.lexicalFulltext.encode(lexical.fulltext)) +
    size(CODECS.localModel.encode(embedder)) +
    size(CODECS.chunks.encode(chunks));
  await rm(file);
  const retriever = Retriever.fromIndex({ chunks, docs, vectors, vectorIndex, lexical }, embedder);

  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    for (const q of queries) {
      const t = performance.now();
      await retriever.search(q);
      times.push(performance.now() - t);
    }
  }
  return { chunks: chunks.length, buildMs, bytes, p50: pct(times, 50), p95: pct(times, 95), rssMb: process.memoryUsage().rss / 1024 / 1024 };
}
