// Developer tool: compares retrieval settings on a query set without rebuilding the index.
// Usage: node dist/scripts/tune.js --index DIR --set FILE.jsonl
import { readFileSync } from 'node:fs';
import { openEngine } from '../src/core/engine.js';
import { evaluate, parseQuerySet } from '../src/core/eval.js';
import { DEFAULT_RETRIEVER_PARAMS, Retriever, type RetrieverParams } from '../src/core/retriever.js';
import { lexicalFields } from '../src/text/embedding-text.js';
import { DEFAULT_LEXICAL_PARAMS, LexicalIndex, type LexicalParams } from '../src/store/lexical.js';

const args = process.argv.slice(2);
const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const engine = await openEngine(flag('--index') ?? 'index-data', { modelsDir: 'models' });
const queries = parseQuerySet(readFileSync(flag('--set') ?? '', 'utf8'));
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
