// Retrieval lab, for people tuning search by hand (the product's own view is `eval --explain`):
//   node dist/scripts/retrieval-lab.js why "QUERY" [--index DIR]    each ranking's top chunks for one query
//   node dist/scripts/retrieval-lab.js tune --set FILE.jsonl [--index DIR]   metrics under other retrieval settings, without rebuilding
import { readFileSync } from 'node:fs';
import { DEFAULT_LEXICAL_PARAMS, LexicalIndex, type LexicalParams } from '../src/store/lexical.js';
import { DEFAULT_RETRIEVER_PARAMS, Retriever, type RetrieverParams } from '../src/core/retriever.js';
import { evaluate, parseQuerySet } from '../src/core/eval.js';
import { flag } from './args.js';
import { lexicalFields } from '../src/text/embedding-text.js';
import { openEngine } from '../src/core/engine.js';
import { tokenize } from '../src/text/tokenize.js';

const [command, ...rest] = process.argv.slice(2);
const engine = await openEngine(flag('--index') ?? 'index-data', { modelsDir: 'models' });
if (command === 'why') await why(rest.filter((word, i) => word !== '--index' && rest[i - 1] !== '--index').join(' '));
else if (command === 'tune') await tune(flag('--set') ?? '');
else {
  console.error('Usage: node dist/scripts/retrieval-lab.js why "QUERY" [--index DIR] | tune --set FILE.jsonl [--index DIR]');
  process.exitCode = 2;
}

async function why(query: string): Promise<void> {
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
