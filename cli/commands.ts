import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Command, CliIO, Values } from './run.js';
import { defaultIndexDir, defaultModelsDir } from './paths.js';
import { openEngine } from '../src/core/engine.js';
import { evaluate, formatReport, parseQuerySet } from '../src/core/eval.js';
import { formatSearch } from '../src/format.js';
import { readManifest } from '../src/store/load.js';

const indexOption = { index: { type: 'string' } } as const;

const search: Command = {
  summary: 'search the docs like the search_docs tool',
  options: { ...indexOption, limit: { type: 'string' }, section: { type: 'string' }, json: { type: 'boolean' } },
  async run(values, positionals, io) {
    const query = positionals.join(' ');
    const limit = intOption(values.limit, 'limit', 1, 20) ?? 5;
    const engine = await open(values, io);
    const section = str(values.section);
    const results = await engine.retriever.search(query, { limit, section });
    io.stdout(values.json ? `${JSON.stringify({ query, results }, null, 2)}\n` : `${formatSearch(query, results, section)}\n`);
    return 0;
  },
};

const get: Command = {
  summary: 'print a doc, or one section, as markdown',
  options: { ...indexOption, section: { type: 'string' }, page: { type: 'string' }, json: { type: 'boolean' } },
  async run(values, positionals, io) {
    const id = positionals[0];
    if (!id) throw new Error('Expected a doc id, e.g. `workos-docs-mcp get sso/test-sso`.');
    const engine = await open(values, io);
    const page = engine.docs.read(id, { section: str(values.section), page: intOption(values.page, 'page', 1, 100000) });
    if (values.json) io.stdout(`${JSON.stringify({ path: page.doc.id, url: engine.docs.url(page.doc.id, page.anchor), page: page.page, pages: page.pages, markdown: page.markdown }, null, 2)}\n`);
    else io.stdout(page.markdown + (page.pages > 1 ? `\n(page ${page.page} of ${page.pages}; --page N for more)\n` : ''));
    return 0;
  },
};

const stats: Command = {
  summary: 'what the index holds',
  options: { ...indexOption, json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const dir = indexDir(values, io);
    const m = readManifest(dir);
    const sizes = Object.entries(m.artifacts).map(([name, a]) => [name, a.bytes] as const);
    const total = sizes.reduce((n, [, b]) => n + b, 0);
    if (values.json) {
      io.stdout(`${JSON.stringify({ dir, ...m, sources: Object.keys(m.sources).length, totalBytes: total }, null, 2)}\n`);
      return 0;
    }
    const lines = [
      `index:      ${dir}`,
      `corpus:     ${m.corpus.source} (${m.corpus.docsDir})`,
      `built:      ${m.createdAt} in ${(m.buildMs / 1000).toFixed(1)} s`,
      `files:      ${m.counts.files} (${m.counts.docs} docs)`,
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
  options: { ...indexOption, set: { type: 'string' }, k: { type: 'string' }, json: { type: 'boolean' }, verbose: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const set = str(values.set);
    if (!set) throw new Error('Expected --set FILE.jsonl (lines of {"id", "query", "relevant": [doc ids], "kind"}).');
    const queries = parseQuerySet(await readFile(set, 'utf8'), set);
    const engine = await open(values, io);
    const report = await evaluate(engine.retriever, queries, intOption(values.k, 'k', 1, 100) ?? 10);
    if (values.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else {
      io.stdout(`${formatReport(report)}\n`);
      if (values.verbose) {
        for (const q of report.queries.filter((r) => r.firstHit !== 1)) {
          io.stdout(`\n${q.id} [${q.kind}] first hit: ${q.firstHit ?? 'none'}\n  ${q.query}\n  want: ${q.relevant.join(', ')}\n  got:  ${q.ranked.slice(0, 5).join(', ')}\n`);
        }
      }
    }
    return 0;
  },
};

const ingest: Command = {
  summary: 'build or update the index (alias: reindex)',
  options: {
    ...indexOption,
    docs: { type: 'string' },
    changelogs: { type: 'string' },
    embedder: { type: 'string' },
    model: { type: 'string' },
    'allow-remote': { type: 'boolean' },
    full: { type: 'boolean' },
    strict: { type: 'boolean' },
    'max-file-bytes': { type: 'string' },
    'parse-timeout-ms': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const { buildIndex } = await import('../ingest/build.js');
    const maxFileBytes = intOption(values['max-file-bytes'], 'max-file-bytes', 1, Number.MAX_SAFE_INTEGER);
    const parseTimeoutMs = intOption(values['parse-timeout-ms'], 'parse-timeout-ms', 1, 3_600_000);
    const embedder = z.enum(['local', 'transformers']).safeParse(values.embedder ?? 'local');
    if (!embedder.success) throw new Error(`--embedder must be "local" or "transformers", got "${String(values.embedder)}".`);
    const progress = progressReporter(io);
    const summary = await buildIndex({
      docsDir: str(values.docs),
      changelogsDir: str(values.changelogs),
      indexDir: indexDir(values, io),
      embedder: embedder.data,
      model: str(values.model),
      modelsDir: defaultModelsDir(io.env),
      allowRemote: Boolean(values['allow-remote']),
      full: Boolean(values.full),
      strict: Boolean(values.strict),
      limits: { ...(maxFileBytes ? { maxFileBytes } : {}), ...(parseTimeoutMs ? { parseTimeoutMs } : {}) },
      log: (line) => io.stderr(`${line}\n`),
      progress: progress.update,
    });
    progress.done();
    const f = summary.files;
    io.stderr(
      `${summary.full ? 'Built' : 'Updated'} ${summary.indexDir} in ${(summary.ms / 1000).toFixed(2)} s: ` +
        `${f.total} docs (${f.added} added, ${f.changed} changed, ${f.removed} removed, ${f.parsed} parsed, ${f.fallback} fallback, ${f.failed} failed), ` +
        `${summary.sections} sections, ${summary.chunks} chunks, ${summary.chunksEmbedded} embedded${summary.refitted ? ' (local model fitted)' : ''}, ` +
        `${summary.warnings.length} warnings.\n`,
    );
    if (values.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  },
};

const serve: Command = {
  summary: 'run the MCP server (stdio by default, --http for Streamable HTTP)',
  options: { ...indexOption, http: { type: 'boolean' }, host: { type: 'string' }, port: { type: 'string' }, 'allow-remote': { type: 'boolean' } },
  async run(values, _positionals, io) {
    const { serveCommand } = await import('../src/server/main.js');
    return serveCommand(
      {
        indexDir: indexDir(values, io),
        modelsDir: defaultModelsDir(io.env),
        allowRemote: Boolean(values['allow-remote']),
        http: Boolean(values.http),
        host: str(values.host) ?? '127.0.0.1',
        port: intOption(values.port, 'port', 0, 65535) ?? 3333,
        token: io.env.WORKOS_DOCS_MCP_TOKEN || undefined,
      },
      (line) => io.stderr(`${line}\n`),
    );
  },
};

const fetchModel: Command = {
  summary: 'download a transformers.js model into models/ (needs internet)',
  options: {},
  async run(_values, positionals, io) {
    const id = positionals[0];
    if (!id) throw new Error('Expected a model id, e.g. `workos-docs-mcp fetch-model Xenova/all-MiniLM-L6-v2`.');
    const { fetchTransformersModel } = await import('../src/embed/transformers.js');
    const dir = await fetchTransformersModel(id, defaultModelsDir(io.env));
    io.stderr(`Model saved in ${dir}. Build an index with it: workos-docs-mcp ingest --full --embedder transformers --model ${id}\n`);
    return 0;
  },
};

export const commands: Record<string, Command> = { serve, ingest, reindex: ingest, search, get, stats, eval: evalCommand, 'fetch-model': fetchModel };

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

function intOption(value: string | boolean | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}, got "${String(value)}".`);
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
