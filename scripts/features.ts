// Experiment: dump per-(query, candidate doc) ranking features for fusion analysis.
import { readFileSync, writeFileSync } from 'node:fs';
import { openEngine } from '../src/core/engine.js';
import { parseQuerySet } from '../src/core/eval.js';

const args = process.argv.slice(2);
const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const engine = await openEngine(flag('--index') ?? 'index-data', { modelsDir: 'models' });
const queries = parseQuerySet(readFileSync(flag('--set') ?? '', 'utf8'));
const { chunks, docs, lexical, docLexical, vectorIndex } = engine.index;
const docFull = engine.index.docFulltext;
const N = 100;
const out: unknown[] = [];
for (const q of queries) {
  const feats = new Map<string, Record<string, number>>();
  const get = (doc: string) => {
    let f = feats.get(doc);
    if (!f) feats.set(doc, (f = {}));
    return f;
  };
  const chunkRanking = (name: string, list: Array<{ index: number; score: number }>) => {
    const max = list[0]?.score ?? 1;
    const min = list[list.length - 1]?.score ?? 0;
    let rank = 0;
    const seen = new Set<string>();
    for (const s of list) {
      const doc = chunks[s.index]?.docId ?? '';
      const f = get(doc);
      f[`${name}_count`] = (f[`${name}_count`] ?? 0) + 1;
      if (seen.has(doc)) continue;
      seen.add(doc);
      rank++;
      f[`${name}_rank`] = rank;
      f[`${name}_score`] = max > min ? (s.score - min) / (max - min) : 1;
      f[`${name}_raw`] = s.score;
    }
  };
  const docRanking = (name: string, list: Array<{ index: number; score: number }>) => {
    const max = list[0]?.score ?? 1;
    const min = list[list.length - 1]?.score ?? 0;
    list.forEach((s, rank) => {
      const f = get(docs[s.index]?.id ?? '');
      f[`${name}_rank`] = rank + 1;
      f[`${name}_score`] = max > min ? (s.score - min) / (max - min) : 1;
    });
  };
  chunkRanking('bm25', lexical.search(q.query, N));
  chunkRanking('dense', vectorIndex.search(await engine.embedder.embedQuery(q.query), N));
  docRanking('doclex', docLexical.search(q.query, N));
  docRanking('docfull', docFull.search(q.query, N));
  for (const [doc, f] of feats) {
    f.depth = doc.split('/').length;
    f.reference = doc.startsWith('reference/') ? 1 : 0;
  }
  out.push({ id: q.id, kind: q.kind, relevant: q.relevant, docs: Object.fromEntries(feats) });
}
writeFileSync(flag('--out') ?? '/tmp/features.json', JSON.stringify(out));
