// `npm run bench`: performance figures measured on this machine, printed as a markdown table.
// Usage: node dist/scripts/bench.js [--scales 10,100] [--rounds 5] [--cold 10] [--set test/eval/dev.jsonl]
//   [--before DIR] [--index DIR] [--ingest-4x] [--json FILE]
// Servers timed in the same run, in alternation: this one, the server it replaces
// (@workos/mcp-docs-server), a MiniSearch-over-sections server (scripts/minisearch-server.ts), and,
// with --before DIR, the build of another checkout of this project (its dist/, e.g. the previous
// commit), whose ingest is timed back to back with this one's too. --index DIR times the servers on
// an existing index instead of building one; --ingest-4x also builds a corpus four times the
// default (its docs copied under four folder names) to report the ingest's peak memory.
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile, appendFile, readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultCorpus } from '../ingest/discover.js';
import { openEngine } from '../src/core/engine.js';
import { parseQuerySet } from '../src/core/eval.js';
import { DEFAULT_RETRIEVER_PARAMS, Retriever } from '../src/core/retriever.js';
import { DEFAULT_LOCAL_PARAMS, LocalEmbedder } from '../src/embed/local.js';
import { buildLexicalIndexes } from '../src/store/lexical-indexes.js';
import type { LoadedIndex } from '../src/store/load.js';
import { CODECS } from '../src/store/format/codecs.js';
import { docCentroids } from '../src/store/doc-centroids.js';
import { bruteForce, DEFAULT_HNSW_PARAMS, VectorIndex } from '../src/store/vector-index.js';
import { embeddingText } from '../src/text/embedding-text.js';
import type { Chunk, DocRecord } from '../src/types.js';
import { flag, has } from './args.js';
import { resolveIndexFolder } from '../src/store/index-dir.js';
import { coldStart, httpBurst, rssMb, warmRuns, type ColdStart, type ServerUnderTest } from './bench-servers.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const PEAK = path.join(ROOT, 'scripts', 'peak-rss.cjs');
const scales = flag('--scales', '10,100').split(',').filter(Boolean).map(Number);
const rounds = Number(flag('--rounds', '5'));
const coldRuns = Number(flag('--cold', '10'));
const before = has('--before') ? path.resolve(flag('--before', '')) : undefined;
const givenIndex = has('--index') ? path.resolve(flag('--index', '')) : undefined;
const ORIGINAL = path.join(ROOT, 'node_modules', '@workos', 'mcp-docs-server', 'dist', 'index.js');
const MINISEARCH = path.join(ROOT, 'dist', 'scripts', 'minisearch-server.js');
const median = (xs: number[]) => pct(xs, 50);
/** A server that is only `node -e`: answers every request with an empty result as soon as it reads it. */
const BARE_NODE = `let b='';process.stdin.on('data',d=>{b+=d;let i;while((i=b.indexOf('\\n'))>=0){const m=JSON.parse(b.slice(0,i));b=b.slice(i+1);if(m.id!==undefined)process.stdout.write(JSON.stringify({jsonrpc:'2.0',id:m.id,result:{protocolVersion:'2025-06-18',capabilities:{},serverInfo:{name:'bare',version:'1'},content:[]}})+'\\n')}})`;
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
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
      // Every process that loaded the preload reports (ingest's parse process too): the largest counts.
      const peaks = [...stderr.matchAll(/\[peak-rss\] (\d+)/g)].map((m) => Number(m[1]));
      resolve({ ms: performance.now() - start, peakMb: Math.max(0, ...peaks), stderr });
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

  // --- Ingest: full build, then an incremental run after changing one file (on a copy of the corpus);
  // with --before, the other checkout's ingest right after each, on its own copy.
  const docs = path.join(work, 'docs');
  await cp(defaultCorpus().docs, docs, { recursive: true });
  const indexDir = givenIndex ?? path.join(work, 'index-data');
  let beforeIndex = before ? path.join(work, 'index-before') : undefined;
  if (!givenIndex) {
    const ingest = async (cli: string, index: string, docsDir: string, full: boolean) =>
      runNode([cli, 'ingest', '--docs', docsDir, '--changelogs', defaultCorpus().changelogs, '--index', index, ...(full ? ['--full'] : [])]);
    const beforeDocs = path.join(work, 'docs-before');
    if (before) await cp(defaultCorpus().docs, beforeDocs, { recursive: true });
    log('ingest: full build of the default corpus');
    const full = await ingest(CLI, indexDir, docs, true);
    const fullBefore = before && beforeIndex ? await ingest(path.join(before, 'dist', 'cli', 'main.js'), beforeIndex, beforeDocs, true) : undefined;
    rows.push(['full ingest of the default corpus (parse, chunk, fit, embed, index)', `${(full.ms / 1000).toFixed(2)} s, peak ${full.peakMb} MB${fullBefore ? ` (before: ${(fullBefore.ms / 1000).toFixed(2)} s, peak ${fullBefore.peakMb} MB)` : ''}`, '≤ 15 s; no regression']);
    const size = await dirSize(indexDir);
    rows.push(['index size on disk', `${(size / 1024 / 1024).toFixed(1)} MB`, '']);
    const change = '\n\n## Benchmark note\n\nA paragraph added by the benchmark to change one file.\n';
    await appendFile(path.join(docs, 'sso', 'test-sso.mdx'), change);
    if (before) await appendFile(path.join(beforeDocs, 'sso', 'test-sso.mdx'), change);
    const incremental = await ingest(CLI, indexDir, docs, false);
    const incrementalBefore = before && beforeIndex ? await ingest(path.join(before, 'dist', 'cli', 'main.js'), beforeIndex, beforeDocs, false) : undefined;
    const summaryLine = /Updated .*/.exec(incremental.stderr)?.[0] ?? '';
    rows.push(['incremental ingest after one changed file', `${(incremental.ms / 1000).toFixed(2)} s, peak ${incremental.peakMb} MB${incrementalBefore ? ` (before: ${(incrementalBefore.ms / 1000).toFixed(2)} s)` : ''}`, '≤ 1 s; no regression']);
    figures.ingest = { fullMs: full.ms, fullPeakMb: full.peakMb, incrementalMs: incremental.ms, incrementalPeakMb: incremental.peakMb, incrementalSummary: summaryLine, indexBytes: size, before: fullBefore ? { fullMs: fullBefore.ms, fullPeakMb: fullBefore.peakMb, incrementalMs: incrementalBefore?.ms } : undefined };
  } else if (before) {
    beforeIndex = path.join(work, 'index-before');
    log('ingest: building an index for --before (not timed)');
    await runNode([path.join(before, 'dist', 'cli', 'main.js'), 'ingest', '--docs', docs, '--changelogs', defaultCorpus().changelogs, '--index', beforeIndex, '--full']);
  }
  if (has('--ingest-4x')) {
    log('ingest: a corpus four times the default (its docs copied under four folder names)');
    const big = path.join(work, 'docs-4x');
    for (let copy = 1; copy <= 4; copy++) await cp(defaultCorpus().docs, path.join(big, `copy${copy}`), { recursive: true });
    const run = await runNode([CLI, 'ingest', '--docs', big, '--index', path.join(work, 'index-4x'), '--full']);
    const chunks = /(\d+) chunks/.exec(run.stderr)?.[1] ?? '?';
    rows.push([`full ingest of a corpus 4× the default (${chunks} chunks)`, `${(run.ms / 1000).toFixed(1)} s, peak ${run.peakMb} MB`, 'peak ≤ 350 MB']);
    figures.ingest4x = { ms: run.ms, peakMb: run.peakMb, chunks };
    await rm(path.join(work, 'index-4x'), { recursive: true, force: true });
  }

  // --- Servers over stdio, in alternation: cold start, warm latency at limit 10, answer size.
  const ours: ServerUnderTest = { name: 'this server', command: process.execPath, args: [CLI, 'serve', '--index', indexDir], tool: 'search_docs', searchArgs: (query, limit) => ({ query, limit }) };
  const servers: ServerUnderTest[] = [ours];
  if (before && beforeIndex) servers.push({ ...ours, name: 'before', args: [path.join(before, 'dist', 'cli', 'main.js'), 'serve', '--index', beforeIndex] });
  const original: ServerUnderTest = { name: 'original', command: process.execPath, args: [ORIGINAL], tool: 'workos_search', searchArgs: (query, limit) => ({ query, maxResults: limit }) };
  const minisearch: ServerUnderTest = { name: 'MiniSearch', command: process.execPath, args: [MINISEARCH, '--index', indexDir], tool: 'search_docs', searchArgs: (query, limit) => ({ query, limit }) };
  // The floor: a Node process that loads nothing and answers initialize (and its one call) at once.
  const bare: ServerUnderTest = { name: 'bare Node', command: process.execPath, args: ['-e', BARE_NODE], tool: 'none', searchArgs: () => ({}) };
  log(`servers: ${coldRuns} cold starts each, in alternation`);
  // One untimed start of each, ended as a client ends a session: the OS has every server's files
  // cached alike, and this server has left its code cache, as any start after a machine's first does.
  for (const server of [...servers, original, bare]) await coldStart(server, 'sso', { closeStdin: true });
  const cold = new Map<string, ColdStart[]>();
  for (let run = 0; run < coldRuns; run++) {
    for (const server of [...servers, original, bare]) {
      const list = cold.get(server.name) ?? [];
      list.push(await coldStart(server, queries[run % queries.length] ?? 'sso'));
      cold.set(server.name, list);
    }
  }
  const coldOf = (name: string) => {
    const list = cold.get(name) ?? [];
    return { initialize: median(list.map((c) => c.initializeMs)), first: median(list.map((c) => c.firstSearchMs)) };
  };
  const us = coldOf(ours.name);
  const them = coldOf(original.name);
  const floor = coldOf(bare.name);
  rows.push([
    `spawn → initialize answered, median of ${coldRuns} (original server: ${ms(them.initialize)}; bare Node answering at once: ${ms(floor.initialize)} = ${ratio(floor.initialize, them.initialize)})`,
    `${ms(us.initialize)} = ${ratio(us.initialize, them.initialize)}${before ? `; before: ${ms(coldOf('before').initialize)}` : ''}`,
    '≤ 0.5× the original',
  ]);
  rows.push([`spawn → first search answered (limit 10), median of ${coldRuns} (original server: ${ms(them.first)})`, `${ms(us.first)} = ${ratio(us.first, them.first)}${before ? `; before: ${ms(coldOf('before').first)}` : ''}`, '≤ 0.6× the original']);
  figures.cold = Object.fromEntries([...cold].map(([name, list]) => [name, { ...coldOf(name), runs: list }]));

  log('servers: warm search at limit 10 over stdio, in alternation');
  const warm = await warmRuns([...servers, minisearch], queries, rounds, 10);
  const w = (name: string) => warm.get(name) ?? { latencies: [], chars: [], pid: undefined, client: undefined };
  const mini = w(minisearch.name).latencies;
  const mine = w(ours.name).latencies;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  rows.push([
    `warm search at limit 10 over MCP stdio, p50 / p95 (${mine.length} calls each; MiniSearch server: ${ms(median(mini))} / ${ms(pct(mini, 95))})`,
    `${ms(median(mine))} / ${ms(pct(mine, 95))} = ${ratio(median(mine), median(mini))} / ${ratio(pct(mine, 95), pct(mini, 95))}${before ? `; before: ${ms(median(w('before').latencies))} / ${ms(pct(w('before').latencies, 95))}` : ''}`,
    '≤ 0.25× / ≤ 0.3× MiniSearch',
  ]);
  rows.push([
    `characters per search_docs answer at limit 10 (text + structuredContent), mean over ${queries.length} questions`,
    `${mean(w(ours.name).chars).toFixed(0)}${before ? `; before: ${mean(w('before').chars).toFixed(0)} (${ratio(mean(w(ours.name).chars), mean(w('before').chars))})` : ''}`,
    '≤ half of 20,459',
  ]);
  // Memory after 1,000 queries: each server of this project is asked until it has answered 1,000.
  const rssAfter = new Map<string, number>();
  for (const server of servers) {
    const entry = warm.get(server.name);
    if (!entry) continue;
    for (let calls = entry.latencies.length + queries.length; calls < 1000; calls++) {
      await entry.client.callTool({ name: 'search_docs', arguments: { query: queries[calls % queries.length] ?? '', limit: 10 } });
    }
    rssAfter.set(server.name, await rssMb(entry.pid));
  }
  const rss = rssAfter.get(ours.name) ?? 0;
  rows.push([`server resident memory after 1,000 queries (default Node flags)`, `${rss.toFixed(0)} MB${before ? `; before: ${(rssAfter.get('before') ?? 0).toFixed(0)} MB` : ''}`, '≤ 110 MB']);
  for (const entry of warm.values()) await entry.client.close();
  figures.server = { warmP50: median(mine), warmP95: pct(mine, 95), miniP50: median(mini), miniP95: pct(mini, 95), chars: mean(w(ours.name).chars), rssMbAfter1000: rss };

  log('server: 50 HTTP clients connecting at once');
  const burst = await httpBurst(process.execPath, [CLI, 'serve', '--index', indexDir], 50, queries);
  const burstBefore = before && beforeIndex ? await httpBurst(process.execPath, [path.join(before, 'dist', 'cli', 'main.js'), 'serve', '--index', beforeIndex], 50, queries) : undefined;
  rows.push([
    '50 HTTP clients connecting at once: first call latency, max (p50); burst start to last first answer',
    `${ms(Math.max(...burst.firstCall))} (${ms(median(burst.firstCall))}); ${ms(Math.max(...burst.fromStart))}${burstBefore ? `; before: ${ms(Math.max(...burstBefore.firstCall))} (${ms(median(burstBefore.firstCall))}); ${ms(Math.max(...burstBefore.fromStart))}` : ''}`,
    'max ≤ 500 ms',
  ]);
  figures.http = { burst, burstBefore };
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
  const recallAt = (ef: number, k: number) => {
    engine.index.vectorIndex.setEf(ef);
    let hit = 0;
    let total = 0;
    for (const v of probeVectors) {
      if (!v.some((x) => x !== 0)) continue;
      const exact = new Set(bruteForce(engine.index.vectors, v, k).map((n) => n.index));
      for (const n of engine.index.vectorIndex.search(v, k)) if (exact.has(n.index)) hit++;
      total += k;
    }
    return hit / total;
  };
  const servedEf = engine.index.manifest?.hnsw.efSearch ?? DEFAULT_HNSW_PARAMS.efSearch;
  const recalls = [...new Set([16, 32, 64, 128, 256, servedEf])].sort((a, b) => a - b).map((ef) => [ef, recallAt(ef, 10)] as const);
  // What a search takes from the graph: its candidates, searched max(ef, k) deep.
  const depth = DEFAULT_RETRIEVER_PARAMS.candidates;
  const servedRecall = recallAt(servedEf, depth);
  engine.index.vectorIndex.setEf(servedEf);
  rows.push([
    `HNSW recall vs exact search (${probeVectors.length} queries; M=${DEFAULT_HNSW_PARAMS.m}, efConstruction=${DEFAULT_HNSW_PARAMS.efConstruction})`,
    `recall@10: ${recalls.map(([ef, r]) => `ef=${ef}: ${r.toFixed(3)}`).join(', ')}; recall@${depth} as a search asks (ef=${servedEf}): ${servedRecall.toFixed(3)}`,
    '≥ 0.99 as a search asks',
  ]);
  figures.inProcess = { p50: pct(inproc, 50), p95: pct(inproc, 95), recall: Object.fromEntries(recalls), servedRecall: { k: depth, ef: servedEf, recall: servedRecall } };

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

const header = `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}, default local embedder.\n`;
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
    size(CODECS.vectors.encode({ flat, dimension: embedder.dimension, docCentroids: docCentroids(chunks, vectors, docs.map((d) => d.id)) })) +
    size(CODECS.lexicalChunks.encode(lexical.chunks)) +
    size(CODECS.lexicalDocs.encode(lexical.docs)) +
    size(CODECS.lexicalFulltext.encode(lexical.fulltext)) +
    size(CODECS.localModel.encode(embedder)) +
    size(CODECS.chunks.encode(chunks));
  await rm(file);
  const retriever = Retriever.fromIndex({ chunks, docIds: docs.map((d) => d.id), vectors, vectorIndex, lexical }, embedder);

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
