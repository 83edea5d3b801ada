// Developer tool: compares retrieval settings on a query set without rebuilding the index.
// Usage: node dist/scripts/tune.js --index DIR --set FILE.jsonl
import { readFileSync } from 'node:fs';
import { openEngine } from '../src/core/engine.js';
import { evaluate, parseQuerySet } from '../src/core/eval.js';
import { DEFAULT_RETRIEVER_PARAMS, Retriever, type RetrieverParams } from '../src/core/retriever.js';
import { breadcrumbs, lexicalFields } from '../src/text/embedding-text.js';
import { DEFAULT_LEXICAL_PARAMS, LexicalIndex, type LexicalParams } from '../src/store/lexical.js';

const args = process.argv.slice(2);
const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const engine = await openEngine(flag('--index') ?? 'index-data', { modelsDir: 'models' });
const queries = parseQuerySet(readFileSync(flag('--set') ?? '', 'utf8'));
const { docLexical } = engine.index;
const docIds = engine.index.docs.map((d) => d.id);
const variants: Array<[string, Partial<RetrieverParams>, Partial<LexicalParams>?]> = [
  ['default', {}],
  ['df.5', { docFullWeight: 0.5 }],
  ['df.5 dl.25', { docFullWeight: 0.5, docLexicalWeight: 0.25 }],
  ['df.5 dl.25 dw.5', { docFullWeight: 0.5, docLexicalWeight: 0.25, docWeight: 0.5 }],
  ['df1 dl.25', { docFullWeight: 1, docLexicalWeight: 0.25 }],
  ['df.25 dl.5', { docFullWeight: 0.25 }],
  ['rrfk 30', { rrfK: 30 }],
  ['rrfk 100', { rrfK: 100 }],
];
const crumbs = breadcrumbs(engine.index.navigation);
const docFull = LexicalIndex.build(engine.index.docs.map((d) => ({ title: d.title, heading: d.sections.map((s) => s.heading[s.heading.length - 1] ?? '').join(' '), body: d.markdown, context: (crumbs.get(d.id) ?? []).join(' ') })));
const docs = new Map(engine.index.docs.map((d) => [d.id, d]));
for (const [name, params, lexParams] of variants) {
  const lexical = lexParams
    ? LexicalIndex.build(
        engine.index.chunks.map((c) => ({ ...lexicalFields(c), description: docs.get(c.docId)?.description ?? '' })),
        { ...DEFAULT_LEXICAL_PARAMS, ...lexParams },
      )
    : engine.index.lexical;
  const retriever = new Retriever(
    { chunks: engine.index.chunks, docLexical, docFull, docIds, vectors: engine.index.vectors, vectorIndex: engine.index.vectorIndex, lexical, embedder: engine.embedder },
    { ...DEFAULT_RETRIEVER_PARAMS, ...params },
  );
  const { overall: m } = await evaluate(retriever, queries);
  console.log(`${name.padEnd(16)} hit@1 ${m.hit1.toFixed(3)} hit@3 ${m.hit3.toFixed(3)} hit@5 ${m.hit5.toFixed(3)} mrr ${m.mrr10.toFixed(3)} r@10 ${m.recall10.toFixed(3)}`);
}
