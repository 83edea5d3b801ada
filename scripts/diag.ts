// Developer tool: for each query of a set, where its first relevant doc ranks in each ranking.
// Usage: node dist/scripts/diag.js --set FILE.jsonl [--index DIR]
import { readFileSync } from 'node:fs';
import { openEngine } from '../src/core/engine.js';
import { evaluate, parseQuerySet } from '../src/core/eval.js';

const args = process.argv.slice(2);
const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const engine = await openEngine(flag('--index') ?? 'index-data', { modelsDir: 'models' });
const queries = parseQuerySet(readFileSync(flag('--set') ?? '', 'utf8'));
const { chunks, docs, lexical, vectorIndex } = engine.index;
const report = await evaluate(engine.retriever, queries);
const docRank = (ids: string[], relevant: string[]) => {
  const seen = [...new Set(ids)];
  const at = seen.findIndex((d) => relevant.includes(d));
  return at < 0 ? '-' : String(at + 1);
};
console.log('id    fused  bm25  dense  doclex  kind');
for (const row of report.queries) {
  const q = queries.find((x) => x.id === row.id);
  if (!q) continue;
  const bm = lexical.chunks.search(q.query, 200).map((s) => chunks[s.index]?.docId ?? '');
  const de = vectorIndex.search(await engine.embedder.embedQuery(q.query), 200).map((s) => chunks[s.index]?.docId ?? '');
  const dl = lexical.docs.search(q.query, 200).map((s) => docs[s.index]?.id ?? '');
  console.log(`${row.id}  ${String(row.firstHit ?? '-').padStart(5)} ${docRank(bm, q.relevant).padStart(5)} ${docRank(de, q.relevant).padStart(6)} ${docRank(dl, q.relevant).padStart(7)}  ${row.kind}`);
}
