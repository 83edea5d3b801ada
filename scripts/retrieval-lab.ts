// Retrieval lab, for people tuning search by hand (the product's own view is `eval --explain`):
//   node dist/scripts/retrieval-lab.js why "QUERY" [--index DIR]    each ranking's top chunks for one query
//   node dist/scripts/retrieval-lab.js tune --set FILE.jsonl [--index DIR]   metrics under other retrieval settings, without rebuilding
//   node dist/scripts/retrieval-lab.js seeds --set FILE.jsonl [--set FILE2.jsonl] [--seeds 42,1,2,3,4] [--docs DIR --name NAME --base-url URL]
//     builds the index once per seed of the local embedder and gives each set's figures per seed and
//     their mean, least and most: a figure that moves less than their spread may owe it to one draw
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildIndex } from '../ingest/build.js';
import { DEFAULT_LEXICAL_PARAMS, LexicalIndex, type LexicalParams } from '../src/store/lexical.js';
import { DEFAULT_RETRIEVER_PARAMS, Retriever, type RetrieverParams } from '../src/core/retriever.js';
import { evaluate, parseQuerySet } from '../src/core/eval.js';
import { flag } from './args.js';
import { lexicalFields } from '../src/text/embedding-text.js';
import { openEngine } from '../src/core/engine.js';
import { tokenize } from '../src/text/tokenize.js';

const [command, ...rest] = process.argv.slice(2);
const openIndex = () => openEngine(flag('--index') ?? 'index-data', { modelsDir: 'models' });
if (command === 'why') await why(rest.filter((word, i) => word !== '--index' && rest[i - 1] !== '--index').join(' '));
else if (command === 'tune') await tune(flag('--set') ?? '');
else if (command === 'seeds') await seeds();
else {
  console.error('Usage: node dist/scripts/retrieval-lab.js why "QUERY" [--index DIR] | tune --set FILE.jsonl [--index DIR] | seeds --set FILE.jsonl [--seeds 42,1,2] [--docs DIR --name NAME --base-url URL]');
  process.exitCode = 2;
}

async function seeds(): Promise<void> {
  const sets = rest.flatMap((word, i) => (rest[i - 1] === '--set' ? [word] : []));
  const list = (flag('--seeds') ?? '42,1,2,3,4').split(',').map(Number);
  if (sets.length === 0 || list.some((n) => !Number.isInteger(n))) throw new Error('seeds needs --set FILE.jsonl (one or more) and --seeds as whole numbers, e.g. 42,1,2');
  const docsDir = flag('--docs');
  const figures = sets.map(() => [] as Array<{ hit1: number; hit5: number; mrr: number; recall: number }>);
  for (const seed of list) {
    const dir = mkdtempSync(path.join(tmpdir(), 'seed-'));
    try {
      const indexDir = path.join(dir, 'index');
      await buildIndex({ indexDir, embedder: 'local', modelsDir: path.join(dir, 'models'), embedderSeed: seed, full: true, ...(docsDir ? { docsDir, name: flag('--name'), baseUrl: flag('--base-url'), changelogsDir: null } : {}) });
      const built = await openEngine(indexDir, { modelsDir: '' });
      const row: string[] = [];
      for (const [i, set] of sets.entries()) {
        const { overall: m } = await evaluate(built.retriever, parseQuerySet(readFileSync(set, 'utf8'), set));
        figures[i]?.push(m);
        row.push(`${path.basename(set)} ${format(m)}`);
      }
      console.log(`seed ${String(seed).padEnd(4)} ${row.join('   ')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  for (const [name, pick] of [['mean', (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length], ['least', (xs: number[]) => Math.min(...xs)], ['most', (xs: number[]) => Math.max(...xs)]] as const) {
    const row = sets.map((set, i) => {
      const ms = figures[i] ?? [];
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

async function tune(set: string): Promise<void> {
  const engine = await openIndex();
  const queries = parseQuerySet(readFileSync(set, 'utf8'), set);
  const variants: Array<[string, Partial<RetrieverParams>, Partial<LexicalParams>?]> = [
    ['default', {}],
    ['desc .5', {}, { descriptionWeight: 0.5 }],
    ['desc 1', {}, { descriptionWeight: 1 }],
    ['ctx 2', {}, { contextWeight: 2 }],
    ['title 2', {}, { titleWeight: 2 }],
    ['head 3', {}, { headingWeight: 3 }],
    ['bi .4', {}, { bigramWeight: 0.4 }],
    ['bi .8', {}, { bigramWeight: 0.8 }],
    ['id 2', { identifierWeight: 2 }],
    ['dense 1.3', { denseWeight: 1.3 }],
    ['dense .8', { denseWeight: 0.8 }],
  ];
  const docs = new Map(engine.index.docs.map((d) => [d.id, d]));
  for (const [name, params, lexParams] of variants) {
    const lexical = lexParams
      ? LexicalIndex.build(
          engine.index.chunks.map((c) => ({ ...lexicalFields(c), description: docs.get(c.docId)?.description ?? '' })),
          { ...DEFAULT_LEXICAL_PARAMS, ...lexParams },
        )
      : engine.index.lexical.chunks;
    const retriever = Retriever.fromIndex({ ...engine.index, lexical: { ...engine.index.lexical, chunks: lexical } }, engine.embedder, {
      ...DEFAULT_RETRIEVER_PARAMS,
      ...params,
    });
    const { overall: m } = await evaluate(retriever, queries);
    console.log(`${name.padEnd(16)} hit@1 ${m.hit1.toFixed(3)} hit@3 ${m.hit3.toFixed(3)} hit@5 ${m.hit5.toFixed(3)} mrr ${m.mrr.toFixed(3)} r@10 ${m.recall.toFixed(3)}`);
  }
}
