import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { UsageError, type Command, type CliIO, type OptionSpec, type Values } from './command.js';
import { defaultCacheDir, defaultIndexDir, defaultModelsDir } from './paths.js';
import { DocNotFoundError } from '../src/core/docs.js';
import { openEngine } from '../src/core/engine.js';
import { evaluate, formatReport, MAX_EVAL_K, parseQuerySet, reportJson } from '../src/core/eval.js';
import { fitExamples, formatChangelog, formatExamples, formatNavTree, formatSearch, navEntries } from '../src/format.js';
import { readManifest } from '../src/store/load.js';
import { fetchBoundsOf, fetchLimitsOf, isOnlineSource, type FetchRecord, type SourceRecord } from '../src/store/format/manifest.js';
import type { BuildSummary } from '../ingest/build.js';
import { aboutIndex, describeSources, sourcesLine } from '../src/core/about.js';

const BROWSE_HINT = 'run `workos-docs-mcp list` to browse doc ids';

const indexOption = (verb: 'read' | 'write' | 'update'): Record<string, OptionSpec> => ({
  index: { type: 'string', value: 'DIR', description: `index folder to ${verb} (default: index-data/ in the package, or $WORKOS_DOCS_MCP_INDEX)` },
});
const readIndex = indexOption('read');
const jsonOption = (what: string): Record<string, OptionSpec> => ({ json: { type: 'boolean', description: `print ${what} as JSON instead of text` } });
const allowRemoteOption: Record<string, OptionSpec> = {
  'allow-remote': { type: 'boolean', description: 'let the transformers embedder download its model if it is not in models/ (needs internet)' },
};

const search: Command = {
  summary: 'search the docs like the search_docs tool',
  args: '"QUERY"',
  options: {
    ...readIndex,
    limit: { type: 'string', value: 'N', description: 'most results to print, 1-20 (default 5)' },
    section: { type: 'string', value: 'PREFIX', description: 'only docs whose id is under this prefix, e.g. sso or reference/authkit' },
    ...jsonOption('the results (the search_docs tool\'s structuredContent, with each section\'s text)'),
    ...allowRemoteOption,
  },
  async run(values, positionals, io) {
    const query = positionals.join(' ').trim();
    if (!query) throw new UsageError('Expected a query, e.g. `workos-docs-mcp search "how do I test SSO locally"`.');
    const limit = intOption(values.limit, 'limit', 1, 20) ?? 5;
    const engine = await open(values, io);
    const section = str(values.section);
    const results = await engine.retriever.search(query, { limit, section });
    io.stdout(values.json ? `${JSON.stringify({ query, results }, null, 2)}\n` : `${formatSearch(query, results, section, BROWSE_HINT, aboutIndex(engine.index.manifest))}\n`);
    return 0;
  },
};

const examples: Command = {
  summary: 'code examples for a task, like the get_examples tool',
  args: '"WHAT THE CODE SHOULD DO"',
  options: {
    ...readIndex,
    language: { type: 'string', value: 'LANG', description: 'only code in this language: typescript, javascript, python, shell, … (TypeScript and JavaScript count as one family)' },
    framework: { type: 'string', value: 'NAME', description: 'only examples for this framework or platform: nextjs, react, remix, express, node, …' },
    limit: { type: 'string', value: 'N', description: 'most code blocks to print, 1-10 (default 5)' },
    ...jsonOption('the examples (the get_examples tool\'s structuredContent)'),
    ...allowRemoteOption,
  },
  async run(values, positionals, io) {
    const query = positionals.join(' ').trim();
    if (!query) throw new UsageError('Expected what the code should do, e.g. `workos-docs-mcp examples "verify a webhook signature" --language typescript`.');
    const engine = await open(values, io);
    const found = await engine.examples.find(query, { limit: intOption(values.limit, 'limit', 1, 10) ?? 5, language: str(values.language), framework: str(values.framework) });
    const { examples: fitted, omitted } = fitExamples(found);
    io.stdout(values.json ? `${JSON.stringify({ query, examples: fitted }, null, 2)}\n` : `${formatExamples(query, fitted, { language: str(values.language), framework: str(values.framework), omitted })}\n`);
    return 0;
  },
};

const get: Command = {
  summary: 'print a doc, or one section, as markdown',
  args: 'ID',
  options: {
    ...readIndex,
    section: { type: 'string', value: 'ANCHOR', description: 'only this section of the doc (its anchor, e.g. getting-started)' },
    page: { type: 'string', value: 'N', description: 'page N of a long doc (default 1)' },
    ...jsonOption('the doc with its path, url and page count'),
    ...allowRemoteOption,
  },
  async run(values, positionals, io) {
    const id = positionals[0];
    if (!id) throw new UsageError('Expected a doc id, e.g. `workos-docs-mcp get sso/test-sso` (`workos-docs-mcp list` shows the ids).');
    const engine = await open(values, io);
    const page = readDoc(() => engine.docs.read(id, { section: str(values.section), page: intOption(values.page, 'page', 1, 100000) }));
    if (values.json) io.stdout(`${JSON.stringify({ path: page.doc.id, url: engine.docs.url(page.doc.id, page.anchor), page: page.page, pages: page.pages, markdown: page.markdown }, null, 2)}\n`);
    else io.stdout(page.markdown + (page.pages > 1 ? `\n(page ${page.page} of ${page.pages}; --page N for more)\n` : ''));
    return 0;
  },
};

const list: Command = {
  summary: 'list doc ids and titles in navigation order, like the list_docs tool',
  args: '[PREFIX]',
  options: {
    ...readIndex,
    prefix: { type: 'string', value: 'PREFIX', description: 'only the part of the tree under this doc id, e.g. sso or reference/authkit (also accepted as the argument)' },
    ...jsonOption('{ prefix, entries: [{ path, title, depth }] }'),
    ...allowRemoteOption,
  },
  async run(values, positionals, io) {
    const prefix = (str(values.prefix) ?? positionals[0] ?? '').trim();
    const engine = await open(values, io);
    const tree = engine.docs.list(prefix);
    if (values.json) {
      const sources = prefix ? {} : { sources: describeSources(engine.index.manifest.sources) };
      io.stdout(`${JSON.stringify({ prefix: prefix || null, entries: navEntries(tree), ...sources }, null, 2)}\n`);
      return 0;
    }
    const head = prefix ? '' : `${sourcesLine(engine.index.manifest.sources)}\n\n`;
    io.stdout(tree.length === 0 ? `No docs under "${prefix}". Run \`workos-docs-mcp list\` without a prefix to see the top-level sections.\n` : `${head}${formatNavTree(tree)}\n`);
    return 0;
  },
};

const changelog: Command = {
  summary: 'platform changelog entries, newest first, like the get_changelog tool',
  options: {
    ...readIndex,
    since: { type: 'string', value: 'YYYY-MM-DD', description: 'only entries on or after this date' },
    query: { type: 'string', value: 'WORDS', description: 'only the entries most relevant to these words, e.g. "FGA"' },
    limit: { type: 'string', value: 'N', description: 'most entries to print, 1-100 (default 10)' },
    ...jsonOption('{ entries: [{ date, title, url, text }] }'),
    ...allowRemoteOption,
  },
  async run(values, _positionals, io) {
    const since = str(values.since);
    if (since !== undefined && !isDate(since)) throw new UsageError(`--since must be a date as YYYY-MM-DD, e.g. 2025-01-31, got "${since}".`);
    const limit = intOption(values.limit, 'limit', 1, 100) ?? 10;
    const engine = await open(values, io);
    const entries = engine.changelog.find({ query: str(values.query), since, limit });
    io.stdout(values.json ? `${JSON.stringify({ entries }, null, 2)}\n` : `${formatChangelog(entries)}\n`);
    return 0;
  },
};

const stats: Command = {
  summary: 'what the index holds',
  options: { ...readIndex, ...jsonOption('the manifest with sizes') },
  async run(values, _positionals, io) {
    const dir = indexDir(values, io);
    const m = readManifest(dir);
    const sizes = Object.entries(m.artifacts).map(([name, a]) => [name, a.bytes] as const);
    const total = sizes.reduce((n, [, b]) => n + b, 0);
    if (values.json) {
      io.stdout(`${JSON.stringify({ dir, ...m, files: Object.keys(m.files).length, totalBytes: total }, null, 2)}\n`);
      return 0;
    }
    const lines = [
      `index:      ${dir}`,
      ...m.sources.map((s, i) => `${i === 0 ? 'sources:   ' : '           '} ${describeSource(s)}`),
      `built:      ${m.createdAt} in ${(m.buildMs / 1000).toFixed(1)} s`,
      `files:      ${m.counts.files} (${m.counts.docs} docs)`,
      ...(m.stale.length
        ? [`stale:      ${m.stale.length} doc${m.stale.length === 1 ? '' : 's'} kept from an earlier build (could not be read): ${m.stale.map((s) => s.path).join(', ')}`]
        : []),
      `sections:   ${m.counts.sections}`,
      `chunks:     ${m.counts.chunks}`,
      `changelog:  ${m.counts.changelog} entries`,
      `embedder:   ${m.embedder.kind} / ${m.embedder.model}, dimension ${m.embedder.dimension}`,
      `hnsw:       M=${m.hnsw.m}, efConstruction=${m.hnsw.efConstruction}, ef=${m.hnsw.efSearch}`,
      `size:       ${mb(total)} on disk`,
      ...sizes.map(([name, b]) => `  ${name.padEnd(16)} ${mb(b)}`),
    ];
    io.stdout(lines.join('\n') + '\n');
    return 0;
  },
};

const evalCommand: Command = {
  summary: 'retrieval quality on a JSON Lines query set',
  options: {
    ...readIndex,
    set: { type: 'string', value: 'FILE.jsonl', description: 'the query set: one {"id", "query", "relevant": [doc ids], "kind"} per line' },
    k: { type: 'string', value: 'N', description: `depth of MRR@k and recall@k, 1-${MAX_EVAL_K} (default 10)` },
    ...jsonOption('the report, with metric names that carry k'),
    verbose: { type: 'boolean', description: 'also print each query whose best doc is not ranked first' },
    explain: { type: 'boolean', description: 'with each such query, where its first relevant doc ranks in each ranking the fusion combines (and a code question\'s missing identifiers)' },
    ...allowRemoteOption,
  },
  async run(values, _positionals, io) {
    const set = str(values.set);
    if (!set) throw new UsageError('Expected --set FILE.jsonl (lines of {"id", "query", "relevant": [doc ids], "kind"}).');
    const k = intOption(values.k, 'k', 1, MAX_EVAL_K) ?? 10;
    const queries = parseQuerySet(await readFile(set, 'utf8'), set);
    const engine = await open(values, io);
    const report = await evaluate(engine.retriever, queries, k, engine.examples);
    if (values.json) io.stdout(`${JSON.stringify(reportJson(report), null, 2)}\n`);
    else {
      io.stdout(`${formatReport(report)}\n`);
      if (values.verbose || values.explain) {
        const misses = report.queries.filter((r) => (r.relevant.length > 0 && r.firstHit !== 1) || (r.codeMissing?.length ?? 0) > 0 || (r.examplesMissing?.length ?? 0) > 0);
        for (const q of misses) {
          io.stdout(`\n${q.id} [${q.kind}] first hit: ${q.firstHit ?? 'none'}\n  ${q.query}\n  want: ${q.relevant.join(', ')}\n  got:  ${q.ranked.slice(0, 5).join(', ')}\n`);
          if (q.codeMissing?.length) io.stdout(`  missing in the top 3: ${q.codeMissing.map((g) => g.join(' | ')).join('; ')}\n`);
          if (q.examplesMissing?.length) io.stdout(`  missing in the top 3 examples: ${q.examplesMissing.map((g) => g.join(' | ')).join('; ')}\n`);
          if (!values.explain || q.relevant.length === 0) continue;
          for (const r of await engine.retriever.explain(q.query)) {
            const at = r.docs.findIndex((d) => q.relevant.includes(d));
            io.stdout(`  ${r.ranking.padEnd(31)} weight ${r.weight.toFixed(2)}  first relevant at ${at < 0 ? '-' : at + 1}  top: ${r.docs.slice(0, 3).join(', ')}\n`);
          }
        }
      }
    }
    return 0;
  },
};

const ingest: Command = {
  summary: 'build or update the index (alias: reindex)',
  options: {
    ...indexOption('write'),
    docs: { type: 'string', value: 'DIR', description: 'folder of .mdx/.md docs to index (default: the sources the index records, else the WorkOS docs package)' },
    name: { type: 'string', value: 'NAME', description: 'what the --docs folder is called in tool descriptions, e.g. "Acme" (default: the folder\'s name)' },
    'base-url': { type: 'string', value: 'URL', description: 'where the --docs folder\'s pages are published, e.g. https://acme.dev/docs (default: file:// links to the files)' },
    changelogs: { type: 'string', value: 'DIR', description: 'folder of changelog JSON files for the --docs folder (default: none; the WorkOS docs package\'s own)' },
    'llms-txt': { type: 'string', value: 'URL', description: 'index a live docs site from its llms.txt instead of a --docs folder (fetches its pages, same origin only; needs the network)' },
    'changelog-feed': { type: 'string', value: 'URL', description: 'add a changelog feed (RSS or Atom), e.g. https://workos.com/changelog/rss.xml: every entry joins the changelog and search' },
    offline: { type: 'boolean', description: 'build site and feed sources from the copies fetched last time, without the network' },
    'max-pages': { type: 'string', value: 'N', description: 'fetch at most this many pages of an --llms-txt site (default 2000)' },
    'fetch-timeout-ms': { type: 'string', value: 'MS', description: 'give up on a page or feed request after this long, before retrying (default 15000)' },
    'max-page-bytes': { type: 'string', value: 'N', description: 'skip (and report) a fetched page or feed larger than this (default 2097152, 2 MiB)' },
    'no-sdks': { type: 'boolean', description: 'leave the WorkOS SDK packages (READMEs, Node SDK methods) out of the default sources' },
    sdks: { type: 'boolean', description: 'add the pinned WorkOS SDK packages to the sources the index records (after an offline --no-sdks build)' },
    'sdk-dir': { type: 'string', value: 'DIR', description: 'take the Node SDK methods from this installed @workos-inc/node (e.g. ./node_modules/@workos-inc/node) instead of the pinned version' },
    config: { type: 'string', value: 'FILE', description: `sources, index and embedder as JSON (default: ./workos-docs-mcp.config.json if present; flags override it)` },
    embedder: { type: 'string', value: 'local|transformers', description: 'how chunks are embedded (default local: learned from the corpus, no download)' },
    model: { type: 'string', value: 'ID', description: 'transformers.js model id in models/, e.g. Xenova/all-MiniLM-L6-v2 (with --embedder transformers)' },
    ...allowRemoteOption,
    full: { type: 'boolean', description: 'rebuild everything instead of only what changed' },
    'allow-empty': { type: 'boolean', description: 'build an empty index from a docs folder with no .md/.mdx files (refused otherwise)' },
    'allow-shrink': { type: 'boolean', description: 'replace an index even when the new build has lost more than 10% of its docs (refused otherwise)' },
    strict: { type: 'boolean', description: 'fail on a file that cannot be parsed as written or is over the size limit, instead of indexing it as plain text or skipping it' },
    'max-file-bytes': { type: 'string', value: 'N', description: 'skip (with a warning) docs and changelog files larger than this (default 4194304, 4 MiB)' },
    'parse-timeout-ms': { type: 'string', value: 'MS', description: 'stop parsing a file after this long and index it as plain text (default 10000)' },
    ...jsonOption('the build summary'),
  },
  async run(values, _positionals, io) {
    const { buildIndex } = await import('../ingest/build.js');
    const { readIngestConfig } = await import('../ingest/sources/config.js');
    const config = readIngestConfig(str(values.config), path.resolve('.'));
    if (config) io.stderr(`config: ${config.file}\n`);
    const maxFileBytes = intOption(values['max-file-bytes'], 'max-file-bytes', 1, Number.MAX_SAFE_INTEGER);
    const parseTimeoutMs = intOption(values['parse-timeout-ms'], 'parse-timeout-ms', 1, 3_600_000);
    const embedder = z.enum(['local', 'transformers']).safeParse(values.embedder ?? config?.embedder ?? 'local');
    if (!embedder.success) throw new Error(`--embedder must be "local" or "transformers", got "${String(values.embedder)}".`);
    const progress = progressReporter(io);
    const docsDir = str(values.docs);
    const llmsTxt = str(values['llms-txt']);
    const fetchOptions = fetchOptionsOf(values);
    const summary = await buildIndex({
      // A --docs folder or --llms-txt site replaces the config's sources; without either, the index's own are rebuilt.
      ...(docsDir === undefined && llmsTxt === undefined && config?.sources ? { sources: config.sources } : {}),
      docsDir,
      llmsTxt,
      changelogFeed: str(values['changelog-feed']),
      ...(Object.keys(fetchOptions).length ? { fetchOptions, fetchLimits: fetchLimitsOf(fetchOptions) } : {}),
      offline: Boolean(values.offline),
      name: str(values.name),
      baseUrl: str(values['base-url']),
      ...(values['no-sdks'] ? { sdks: false } : values.sdks ? { sdks: true } : {}),
      cacheDir: defaultCacheDir(io.env),
      ...(str(values['sdk-dir']) ? { packageDirs: { '@workos-inc/node': sdkDir(str(values['sdk-dir']) as string) } } : {}),
      changelogsDir: str(values.changelogs),
      indexDir: str(values.index) || !config?.index ? indexDir(values, io) : config.index,
      embedder: embedder.data,
      model: str(values.model) ?? config?.model,
      modelsDir: defaultModelsDir(io.env),
      allowRemote: Boolean(values['allow-remote']),
      full: Boolean(values.full),
      allowEmpty: Boolean(values['allow-empty']),
      allowShrink: Boolean(values['allow-shrink']),
      strict: Boolean(values.strict),
      limits: { ...(maxFileBytes ? { maxFileBytes } : {}), ...(parseTimeoutMs ? { parseTimeoutMs } : {}) },
      log: (line) => io.stderr(`${line}\n`),
      progress: progress.update,
    });
    progress.done();
    return finishBuild(summary, values, io);
  },
};

/**
 * After ingest or refresh: the build's figures on stderr (what was fetched, then the docs), the
 * summary as JSON when asked, and the exit status: 1 when a doc is missing from the index or stale.
 */
function finishBuild(summary: BuildSummary, values: Values, io: CliIO): number {
  for (const o of summary.online) io.stderr(`${describeFetch(o.name, o.url, o.fetched, o.kind)}\n`);
  const f = summary.files;
  io.stderr(
    `${summary.full ? 'Built' : 'Updated'} ${summary.indexDir} in ${(summary.ms / 1000).toFixed(2)} s: ` +
      `${f.total} docs (${f.added} added, ${f.changed} changed, ${f.removed} removed, ${f.parsed} parsed, ${f.fallback} fallback, ${f.failed} failed${f.stale ? `, ${f.stale} stale` : ''}), ` +
      `${summary.sections} sections, ${summary.chunks} chunks, ${summary.chunksEmbedded} embedded${summary.refitted ? ' (local model fitted)' : ''}, ` +
      `${summary.warnings.length} warnings.\n`,
  );
  if (values.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  // The index was written, but a doc that did not parse is missing from it: say so in the exit status.
  for (const w of summary.stale) {
    io.stderr(`${w.path}: could not be read (${w.message.split(';')[0]?.slice(0, 160)}); its previous version stays in the index. Fix: make the file readable and run ingest again.\n`);
  }
  if (summary.failures.length > 0) {
    const where = summary.failures.map((w) => `${w.path}${w.line ? `:${w.line}` : ''} (${w.message.split('\n')[0]?.slice(0, 120)})`);
    io.stderr(`${summary.failures.length} file${summary.failures.length === 1 ? '' : 's'} could not be indexed and ${summary.failures.length === 1 ? 'is' : 'are'} not in the index: ${where.join('; ')}\n`);
  }
  return summary.failures.length > 0 || summary.stale.length > 0 ? 1 : 0;
}

const refresh: Command = {
  summary: 'fetch the index\'s site and feed sources again (conditional requests) and update it in place',
  options: {
    ...indexOption('update'),
    'fetch-timeout-ms': ingest.options['fetch-timeout-ms'] as OptionSpec,
    'allow-shrink': ingest.options['allow-shrink'] as OptionSpec,
    ...jsonOption('the build summary'),
  },
  async run(values, _positionals, io) {
    const dir = indexDir(values, io);
    const manifest = readManifest(dir, { anyTokenizer: true });
    const online = manifest.sources.filter(isOnlineSource);
    if (online.length === 0) {
      throw new UsageError(
        `The index at ${dir} has no online sources (a site or a changelog feed), so there is nothing to refresh. ` +
          'Add one with `workos-docs-mcp ingest --llms-txt URL` or `--changelog-feed URL`; rebuild local docs with `workos-docs-mcp ingest`.',
      );
    }
    const { buildIndex, recordedSources } = await import('../ingest/build.js');
    const timeoutMs = intOption(values['fetch-timeout-ms'], 'fetch-timeout-ms', 1, 600_000);
    const progress = progressReporter(io);
    const summary = await buildIndex({
      indexDir: dir,
      sources: recordedSources(dir) ?? manifest.sources,
      // Refreshed as it was built: the same embedder and model.
      embedder: manifest.embedder.kind,
      ...(manifest.embedder.kind === 'transformers' ? { model: manifest.embedder.model } : {}),
      modelsDir: defaultModelsDir(io.env),
      cacheDir: defaultCacheDir(io.env),
      ...(timeoutMs ? { fetchLimits: { timeoutMs } } : {}),
      allowShrink: Boolean(values['allow-shrink']),
      log: (line) => io.stderr(`${line}\n`),
      progress: progress.update,
    });
    progress.done();
    return finishBuild(summary, values, io);
  },
};

/** The fetch bounds given on the command line, as recorded with a new online source. */
function fetchOptionsOf(values: Values): NonNullable<SourceRecord['fetch']> {
  return fetchBoundsOf({
    maxPages: intOption(values['max-pages'], 'max-pages', 1, 1_000_000),
    timeoutMs: intOption(values['fetch-timeout-ms'], 'fetch-timeout-ms', 1, 600_000),
    maxPageBytes: intOption(values['max-page-bytes'], 'max-page-bytes', 1, Number.MAX_SAFE_INTEGER),
  });
}

/** "WorkOS site (https://x/llms.txt): 312 pages; 4 downloaded, 308 unchanged, 1 failed; 313 requests (312 conditional), 41 kB in 2.1 s" */
function describeFetch(name: string, url: string, f: FetchRecord, kind: SourceRecord['kind']): string {
  if (f.offline) return `${name} (${url}): ${f.pages} ${kind === 'feed' ? 'entries' : 'pages'} from the copy fetched earlier (--offline), nothing fetched`;
  const parts = [`${f.fetched} downloaded`, `${f.unchanged} unchanged`, ...(f.failed ? [`${f.failed} failed`] : []), ...(f.kept ? [`${f.kept} kept from before`] : []), ...(f.removed ? [`${f.removed} removed`] : [])];
  return `${name} (${url}): ${f.pages} ${kind === 'feed' ? 'entries' : 'pages'}; ${parts.join(', ')}; ${f.requests} requests (${f.conditional} conditional, ${f.notModified} not modified), ${kb(f.bytes)} downloaded in ${(f.ms / 1000).toFixed(1)} s, ${f.at}`;
}

function kb(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} kB`;
}

const serve: Command = {
  summary: 'run the MCP server (stdio by default, --http for Streamable HTTP)',
  options: {
    ...readIndex,
    http: { type: 'boolean', description: 'serve Streamable HTTP at /mcp instead of stdio' },
    host: { type: 'string', value: 'ADDRESS', description: 'address to bind with --http (default 127.0.0.1); any other needs $WORKOS_DOCS_MCP_TOKEN or --insecure' },
    port: { type: 'string', value: 'N', description: 'port with --http (default 3333; 0 picks a free one)' },
    'allowed-hosts': { type: 'string', value: 'NAMES', description: 'comma-separated Host names accepted besides the bind address, e.g. docs.internal (behind a proxy or on 0.0.0.0)' },
    insecure: { type: 'boolean', description: 'serve a non-loopback --host without a token: anyone who can reach it can use it' },
    ...allowRemoteOption,
  },
  async run(values, _positionals, io) {
    const { serveCommand } = await import('../src/server/serve.js');
    return serveCommand(
      {
        indexDir: indexDir(values, io),
        modelsDir: defaultModelsDir(io.env),
        allowRemote: Boolean(values['allow-remote']),
        http: Boolean(values.http),
        host: str(values.host) ?? '127.0.0.1',
        port: intOption(values.port, 'port', 0, 65535) ?? 3333,
        token: io.env.WORKOS_DOCS_MCP_TOKEN,
        insecure: Boolean(values.insecure),
        allowedHosts: str(values['allowed-hosts'])?.split(',').map((h) => h.trim()).filter(Boolean),
        early: values.http ? undefined : io.earlyStdio,
      },
      (line) => io.stderr(`${line}\n`),
    );
  },
};

const fetchModel: Command = {
  summary: 'download a transformers.js model into models/ or $WORKOS_DOCS_MCP_MODELS (needs internet)',
  args: 'ID',
  options: {},
  async run(_values, positionals, io) {
    const id = positionals[0];
    if (!id) throw new UsageError('Expected a model id, e.g. `workos-docs-mcp fetch-model Xenova/all-MiniLM-L6-v2`.');
    const { fetchTransformersModel } = await import('../src/embed/transformers.js');
    const dir = await fetchTransformersModel(id, defaultModelsDir(io.env));
    io.stderr(`Model saved in ${dir}. Build an index with it: workos-docs-mcp ingest --full --embedder transformers --model ${id}\n`);
    return 0;
  },
};

export const commands: Record<string, Command> = { serve, ingest, reindex: ingest, refresh, search, examples, get, list, changelog, stats, eval: evalCommand, 'fetch-model': fetchModel };

export function usage(): string {
  return `workos-docs-mcp: offline search over the WorkOS docs, as an MCP server and a CLI.

Usage: workos-docs-mcp <command> [options]

Commands:
${Object.entries(commands)
  .filter(([name]) => name !== 'reindex')
  .map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`)
  .join('\n')}

Every command that reads or writes an index takes --index DIR (default: index-data/ in the package,
or $WORKOS_DOCS_MCP_INDEX). Run \`workos-docs-mcp <command> --help\` for a command's options.
`;
}

async function open(values: Values, io: CliIO) {
  return openEngine(indexDir(values, io), { modelsDir: defaultModelsDir(io.env), allowRemote: Boolean(values['allow-remote']) });
}

function indexDir(values: Values, io: CliIO): string {
  return path.resolve(str(values.index) ?? defaultIndexDir(io.env));
}

function str(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' && value.trim() ? value : undefined;
}

/** The CLI's own words for a missing doc: the tool's message points at list_docs, which the CLI spells `list`. */
function readDoc<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof DocNotFoundError)) throw error;
    const closest = error.suggestions.length ? ` Closest ids: ${error.suggestions.join(', ')}.` : '';
    throw new Error(`No doc "${error.input.slice(0, 200)}" in the index.${closest} Run \`workos-docs-mcp list [PREFIX]\` to browse ids, or \`workos-docs-mcp search "WORDS"\` to find a topic.`);
  }
}

function isDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));
}

function intOption(value: string | boolean | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${String(value)}".`);
  return n;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

/** A progress bar on a terminal, plain lines otherwise (one per stage and every 25%). */
function progressReporter(io: CliIO): { update: (stage: string, done: number, total: number) => void; done: () => void } {
  let lastStage = '';
  let lastQuarter = -1;
  return {
    update(stage, done, total) {
      const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
      if (io.stderrIsTTY) {
        const width = 30;
        const filled = Math.round((pct / 100) * width);
        io.stderr(`\r${stage.padEnd(6)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${done}/${total}`);
        return;
      }
      const quarter = Math.floor(pct / 25);
      if (stage !== lastStage || quarter !== lastQuarter) {
        io.stderr(`${stage}: ${done}/${total} (${pct}%)\n`);
        lastStage = stage;
        lastQuarter = quarter;
      }
    },
    done() {
      if (io.stderrIsTTY) io.stderr('\r\x1b[K');
    },
  };
}

/** One line per source for `stats`: name, version, prefix, where it comes from, its URLs. */
function describeSource(s: SourceRecord): string {
  if (s.fetched) return `${describeFetch(s.name, s.llmsTxt ?? s.feedUrl ?? s.baseUrl, s.fetched, s.kind)}${s.prefix && s.kind !== 'feed' ? `, ids under ${s.prefix}/` : ''}`;
  const what = s.package ? `${s.package}${s.version ? `@${s.version}` : ''}` : (s.docsDir ?? '');
  const name = s.package === s.name ? '' : `${s.name || '(unnamed)'} `;
  return `${name}${what ? `${name ? '(' : ''}${what}${name ? ')' : ''}` : ''}${s.prefix ? `, ids under ${s.prefix}/` : ''}, ${s.baseUrl}`;
}

/** An installed @workos-inc/node for --sdk-dir: its folder, checked to be that package. */
function sdkDir(dir: string): string {
  const abs = path.resolve(dir);
  const file = path.join(abs, 'package.json');
  let name: string | undefined;
  try {
    name = (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name;
  } catch {
    throw new UsageError(`--sdk-dir must be the folder of an installed @workos-inc/node (with its package.json), e.g. ./node_modules/@workos-inc/node; ${file} cannot be read.`);
  }
  if (name !== '@workos-inc/node') throw new UsageError(`--sdk-dir must be the folder of @workos-inc/node, but ${abs} holds ${name ?? 'a package without a name'}.`);
  return abs;
}
