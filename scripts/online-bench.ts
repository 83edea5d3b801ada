/**
 * Figures for site sources, on the loopback interface: the pinned docs package's pages served as
 * a site (an llms.txt and a `.md` variant per page, with ETags), ingested three times — the first
 * fetch, a refresh with nothing changed, and a refresh with the site down.
 *
 *   node dist/scripts/online-bench.js [--pages N]
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildIndex } from '../ingest/build.js';
import { defaultCorpus, discoverDocs } from '../ingest/discover.js';
import { readManifest } from '../src/store/load.js';
import { flag } from './args.js';
import { SiteServer, type Route } from './loopback-site.js';

const work = await mkdtemp(path.join(os.tmpdir(), 'wdm-online-bench-'));
try {
  const { files } = await discoverDocs(defaultCorpus().docs);
  const docs = files.filter((f) => f.kind === 'doc').slice(0, Number(flag('--pages', '100000')));
  const routes: Record<string, Route> = {};
  const links: string[] = [];
  for (const doc of docs) {
    routes[`/docs/${doc.docId}.md`] = { body: await readFile(doc.absPath, 'utf8') };
    links.push(`- [${doc.docId}](/docs/${doc.docId})`);
  }
  routes['/llms.txt'] = { body: `# Docs\n\n${links.join('\n')}\n` };
  const site = await new SiteServer(routes).start();
  const indexDir = path.join(work, 'index');
  const options = { indexDir, embedder: 'local' as const, modelsDir: '', cacheDir: path.join(work, 'cache'), llmsTxt: site.url('/llms.txt'), name: 'Bench' };

  const first = await buildIndex(options);
  const f1 = first.online[0]?.fetched;
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
  console.log(`first run: ${f1?.fetched} pages fetched in ${((f1?.ms ?? 0) / 1000).toFixed(2)} s (${((f1?.fetched ?? 0) / ((f1?.ms ?? 1) / 1000)).toFixed(0)} pages/s), ${f1?.requests} requests, ${((f1?.bytes ?? 0) / 1024 / 1024).toFixed(1)} MB; whole ingest ${(first.ms / 1000).toFixed(1)} s`);

  const mark = site.seen.length;
  const second = await buildIndex({ indexDir, embedder: 'local', modelsDir: '', cacheDir: options.cacheDir });
  const f2 = second.online[0]?.fetched;
  const seen = site.since(mark);
  console.log(
    `no-change refresh: ${seen.length} requests (${seen.filter((s) => s.conditional).length} conditional, ${seen.filter((s) => s.status === 304).length} answered 304), ` +
      `${seen.reduce((n, s) => n + s.bytes, 0)} body bytes sent; fetch ${((f2?.ms ?? 0) / 1000).toFixed(2)} s, whole ingest ${(second.ms / 1000).toFixed(1)} s, ${second.files.parsed} pages parsed`,
  );

  const before = readManifest(indexDir).contentHash;
  await site.stop();
  const started = Date.now();
  const failure = await buildIndex({ indexDir, embedder: 'local', modelsDir: '', cacheDir: options.cacheDir }).then(
    () => 'built (unexpected)',
    (error: Error) => error.message,
  );
  console.log(`site down: failed after ${((Date.now() - started) / 1000).toFixed(2)} s with: ${failure}`);
  console.log(`index unchanged: ${readManifest(indexDir).contentHash === before}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
