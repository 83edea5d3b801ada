// Retrieval lab, for people tuning search by hand (the product's own view is `eval --explain`):
//   node dist/scripts/retrieval-lab.js why "QUERY" [--index DIR]    each ranking's top chunks for one query
//   node dist/scripts/retrieval-lab.js tune --set FILE.jsonl [--set …] [--index DIR …] [--variants JSON] [--limit N]
//     figures under other settings, without refitting the model: each variant names RetrieverParams
//     and chunk-index LexicalParams, e.g. '{"dense .8": {"denseWeight": 0.8}, "title 2": {"titleWeight": 2}}';
//     with several --index (one per seed, from `seeds --keep`), each figure is their mean; with
//     --limit N, what search_docs returns at limit N (hit@1 / hit@N / MRR over N) instead of eval's
//     ten distinct docs; --names adds two sets made from each index: its navigation labels that
//     differ from their doc's title, and its docs' titles, each asked as a query for that doc
//     (the page a user names; the changelog's pages left out)
//   node dist/scripts/retrieval-lab.js seeds --set FILE.jsonl [--set FILE2.jsonl] [--seeds 42,1,2,3,4] [--docs DIR --name NAME --base-url URL] [--keep DIR]
//     builds the index once per seed of the local embedder and gives each set's figures per seed and
//     their mean, least and most: a figure that moves less than their spread may owe it to one draw;
//     --keep DIR leaves each seed's index in DIR/seed-N, for tune
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildIndex, docsSourcesOnly } from '../ingest/build.js';
import { DEFAULT_LEXICAL_PARAMS, type LexicalParams } from '../src/store/lexical.js';
import { buildLexicalIndexes } from '../src/store/lexical-indexes.js';
import { DEFAULT_RETRIEVER_PARAMS, Retriever, type RetrieverParams } from '../src/core/retriever.js';
import { evaluate, parseQuerySet, type EvalQuery, type Metrics } from '../src/core/eval.js';
import { flag, flags, has } from './args.js';
import { navNames } from '../src/text/nav-labels.js';
import { underPrefix } from '../src/ids.js';
import { openEngine, type DocsEngine } from '../src/core/engine.js';
import { tokenize } from '../src/text/tokenize.js';

const [command, ...rest] = process.argv.slice(2);
const openIndex = () => openEngine(flag('--index') ?? 'index-data', { modelsDir: 'models' });
async function seeds(): Promise<void> {
  const sets = flags('--set');
  const keep = flag('--keep');
  const seedsFlag = flag('--seeds') ?? '42,1,2,3,4';
  const list = seedsFlag.split(',').map((n) => (n.trim() === '' ? Number.NaN : Number(n)));
  if (sets.length === 0 || list.some((n) => !Number.isInteger(n))) throw new Error(`seeds needs --set FILE.jsonl (one or more) and --seeds as whole numbers, e.g. 42,1,2 (got "${seedsFlag}")`);
  // Read before the first build, which takes a while: a wrong path fails at once.
  const querySets = sets.map((set) => parseQuerySet(readFileSync(set, 'utf8'), set));
  const docsDir = flag('--docs');
  const perSet = sets.map(() => [] as Array<{ hit1: number; hit5: number; mrr: number; recall: number }>);
  for (const seed of list) {
    const dir = keep ? path.join(keep, `seed-${seed}`) : mkdtempSync(path.join(tmpdir(), 'seed-'));
    if (keep) mkdirSync(dir, { recursive: true });
    try {
      const indexDir = keep ? dir : path.join(dir, 'index');
      await buildIndex({ indexDir, embedder: 'local', modelsDir: path.join(dir, 'models'), embedderSeed: seed, full: true, ...(docsDir ? { docsDir, name: flag('--name'), baseUrl: flag('--base-url'), changelogsDir: null } : {}) });
      const built = await openEngine(indexDir, { modelsDir: '' });
      const row: string[] = [];
      for (const [i, set] of sets.entries()) {
        const { overall: m } = await evaluate(built.retriever, querySets[i] ?? []);
        perSet[i]?.push(m);
        row.push(`${path.basename(set)} ${format(m)}`);
      }
      console.log(`seed ${String(seed).padEnd(4)} ${row.join('   ')}`);
    } finally {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    }
  }
  for (const [name, pick] of [['mean', (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length], ['least', (xs: number[]) => Math.min(...xs)], ['most', (xs: number[]) => Math.max(...xs)]] as const) {
    const row = sets.map((set, i) => {
      const ms = perSet[i] ?? [];
      return `${path.basename(set)} ${format({ hit1: pick(ms.map((m) => m.hit1)), hit5: pick(ms.map((m) => m.hit5)), mrr: pick(ms.map((m) => m.mrr)), recall: pick(ms.map((m) => m.recall)) })}`;
    });
    console.log(`${name.padEnd(9)} ${row.join('   ')}`);
  }
}

/** hit@1 / hit@5 / MRR@10 / recall@10. */
function format(m: { hit1: number; hit5: number; mrr: number; recall: number }): string {
  return [m.hit1, m.hit5, m.mrr, m.recall].map((x) => x.toFixed(3)).join(' / ');
}

async function why(query: string): Promise<void> {
  const engine = await openIndex();
  const { chunks } = engine.index;
  console.log('tokens:', tokenize(query).join(' '));
  console.log('\nBM25F:');
  for (const s of engine.index.lexical.chunks.search(query, 10)) console.log(`  ${s.score.toFixed(2)} ${chunks[s.index]?.id}`);
  console.log('\ndense:');
  for (const s of engine.index.vectorIndex.search(await engine.embedder.embedQuery(query), 10)) console.log(`  ${s.score.toFixed(3)} ${chunks[s.index]?.id}`);
  console.log('\nfused:');
  for (const r of await engine.retriever.search(query, { limit: 10 })) console.log(`  ${r.score} ${r.path} > ${r.heading.join(' > ')}`);
}

/** The settings tune compares when given no --variants. */
function defaultVariants(): Record<string, Variant> {
  return {
    default: {},
    'ctx 2': { contextWeight: 2 },
    'title 2': { titleWeight: 2 },
    'head 3': { headingWeight: 3 },
    'bi .4': { bigramWeight: 0.4 },
    'bi .8': { bigramWeight: 0.8 },
    'id 2': { identifierWeight: 2 },
    'dense 1.3': { denseWeight: 1.3 },
    'dense .8': { denseWeight: 0.8 },
  };
}

/** Retriever settings and the chunk index's lexical weights, by name. */
type Variant = Partial<Record<keyof RetrieverParams | keyof LexicalParams, number>>;

const COUNTS_FROM_ONE = new Set(['candidates', 'docCandidates', 'maxPerDoc', 'folderWindow']);
const COUNTS_FROM_ZERO = new Set(['maxPerFolder', 'exactBelow']);

function parseVariants(json: string | undefined): Record<string, Variant> {
  if (json === undefined) return defaultVariants();
  // The chunk index has no description field (a doc's description is in the doc-level indexes).
  const known = new Set([...Object.keys(DEFAULT_RETRIEVER_PARAMS), ...Object.keys(DEFAULT_LEXICAL_PARAMS)].filter((key) => key !== 'descriptionWeight'));
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new Error(`--variants must be JSON (${(error as Error).message}), e.g. '{"dense .8": {"denseWeight": 0.8}}'.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('--variants must be an object of named settings, e.g. \'{"dense .8": {"denseWeight": 0.8}}\'.');
  for (const [name, settings] of Object.entries(parsed)) {
    if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) throw new Error(`--variants: "${name}" must be an object of settings, got ${JSON.stringify(settings)}.`);
    for (const [key, value] of Object.entries(settings)) {
      if (!known.has(key)) throw new Error(`--variants: "${name}" sets ${key}, which tune cannot vary; use one of ${[...known].join(', ')}.`);
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`--variants: "${name}" sets ${key} to ${JSON.stringify(value)}; expected a number.`);
      // Counts are whole numbers (at least 1 where 0 would return nothing); weights are not negative
      // (a negative sectionLexicalShare has a meaning: sections in fused order).
      const least = COUNTS_FROM_ONE.has(key) ? 1 : 0;
      const whole = COUNTS_FROM_ONE.has(key) || COUNTS_FROM_ZERO.has(key);
      if (key !== 'sectionLexicalShare' && (value < least || (whole && !Number.isInteger(value)))) {
        throw new Error(`--variants: "${name}" sets ${key} to ${value}; expected ${whole ? 'a whole number' : 'a number'} of at least ${least}.`);
      }
    }
  }
  return parsed as Record<string, Variant>;
}

/**
 * eval's figures over what search_docs returns at `limit` (its results as they come, a section a
 * page), or without a limit over eval's own ranking (ten distinct docs from a deeper pool).
 */
async function figures(retriever: Retriever, queries: EvalQuery[], limit: number | undefined): Promise<Metrics> {
  if (limit === undefined) return (await evaluate(retriever, queries)).overall;
  const served = { search: (query: string) => retriever.search(query, { limit }) };
  return (await evaluate(served, queries, limit)).overall;
}

/**
 * The page a user names: each navigation label that differs from its doc's title, and each doc's
 * title, as a query whose answer is every doc the navigation gives that name (or that has that title).
 */
function namedQueries(index: DocsEngine['index']): { labels: EvalQuery[]; titles: EvalQuery[] } {
  const changelog = index.manifest.changelogPrefix;
  const names = navNames(index.navigation);
  const byLabel = new Map<string, string[]>();
  const byTitle = new Map<string, string[]>();
  for (const doc of index.docs) {
    if (changelog && underPrefix(doc.id, changelog)) continue;
    const labels = (names.get(doc.id)?.labels ?? []).filter((l) => l.toLowerCase() !== doc.title.toLowerCase());
    for (const label of labels) byLabel.set(label, [...(byLabel.get(label) ?? []), doc.id]);
    byTitle.set(doc.title, [...(byTitle.get(doc.title) ?? []), doc.id]);
  }
  const queries = (kind: string, map: Map<string, string[]>) => [...map].map(([query, relevant], i) => ({ id: `${kind}${i + 1}`, query, relevant, kind }));
  return { labels: queries('label', byLabel), titles: queries('title', byTitle) };
}

async function tune(): Promise<void> {
  const sets = flags('--set');
  const named = has('--names');
  if (sets.length === 0 && !named) throw new Error('tune needs --set FILE.jsonl (one or more), or --names.');
  const limitFlag = flag('--limit');
  const limit = limitFlag === undefined ? undefined : Number(limitFlag);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 100)) throw new Error(`--limit must be a whole number from 1 to 100, got ${limitFlag}.`);
  const querySets = sets.map((set) => parseQuerySet(readFileSync(set, 'utf8'), set));
  const variants = parseVariants(flag('--variants'));
  const dirs = flags('--index');
  const engines: DocsEngine[] = [];
  for (const dir of dirs.length > 0 ? dirs : ['index-data']) engines.push(await openEngine(dir, { modelsDir: 'models' }));
  // Each index's question sets: the files, then (with --names) the ones made from that index.
  const setsOf = engines.map((engine) => {
    const generated = named ? namedQueries(engine.index) : undefined;
    return [...querySets, ...(generated ? [generated.labels, generated.titles] : [])];
  });
  const made = setsOf[0]?.slice(sets.length) ?? [];
  const columns = [...sets.map((set) => path.basename(set)), ...(named ? [`navigation labels (${made[0]?.length ?? 0})`, `titles (${made[1]?.length ?? 0})`] : [])];
  const lexicalKeys = new Set(Object.keys(DEFAULT_LEXICAL_PARAMS));
  const k = limit ?? 10;
  console.log(`${engines.length} index(es), means over them; ${limit === undefined ? "eval's ranking" : `what search_docs returns at limit ${limit}`}: hit@1 / hit@5 / MRR@${k} / recall@${k}`);
  for (const [name, variant] of Object.entries(variants)) {
    const lexicalParams = Object.fromEntries(Object.entries(variant).filter(([key]) => lexicalKeys.has(key))) as Partial<LexicalParams>;
    const retrieverParams = Object.fromEntries(Object.entries(variant).filter(([key]) => !lexicalKeys.has(key))) as Partial<RetrieverParams>;
    const sums = columns.map(() => ({ hit1: 0, hit5: 0, mrr: 0, recall: 0 }));
    for (const [e, engine] of engines.entries()) {
      const index = engine.index;
      // A lexical variant rebuilds the indexes as ingest does, with only the chunk index's weights changed.
      const lexical =
        Object.keys(lexicalParams).length > 0
          ? buildLexicalIndexes(index.chunks, index.docs, index.navigation, docsSourcesOnly(index.manifest.sources, index.manifest.changelogPrefix), { ...DEFAULT_LEXICAL_PARAMS, ...lexicalParams })
          : index.lexical;
      const retriever = Retriever.fromIndex({ ...index, lexical }, engine.embedder, { ...DEFAULT_RETRIEVER_PARAMS, ...retrieverParams });
      for (const [i, queries] of (setsOf[e] ?? []).entries()) {
        const m = await figures(retriever, queries, limit);
        const sum = sums[i] as (typeof sums)[number];
        for (const key of ['hit1', 'hit5', 'mrr', 'recall'] as const) sum[key] += m[key] / engines.length;
      }
    }
    const row = columns.map((column, i) => `${column} ${format(sums[i] as (typeof sums)[number])}`);
    console.log(`${name.padEnd(16)} ${row.join('   ')}`);
  }
}

// Last, so that every constant above is set before a command runs.
const commands: Record<string, () => Promise<void>> = {
  why: () => why(rest.filter((word, i) => word !== '--index' && rest[i - 1] !== '--index').join(' ')),
  tune,
  seeds,
};
const run = command === undefined ? undefined : commands[command];
if (run) {
  // Bad flags get their message, not a stack trace.
  await run().catch((error: unknown) => {
    console.error(`retrieval-lab ${command}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
} else {
  console.error('Usage: node dist/scripts/retrieval-lab.js why "QUERY" [--index DIR] | tune --set FILE.jsonl [--index DIR …] [--variants JSON] [--limit N] | seeds --set FILE.jsonl [--seeds 42,1,2] [--docs DIR --name NAME --base-url URL] [--keep DIR]');
  process.exitCode = 2;
}
