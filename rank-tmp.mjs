import fs from 'node:fs';
const { openEngine } = await import('/work/main/dist/src/core/engine.js');
const sets = [['/work/main/index-data','/work/shared/eval/dev.jsonl'],['/work/main/index-data','/work/main/test/eval/workos-heldout.jsonl'],['/work/main/index-data','/work/main/test/eval/code.jsonl'],['/tmp/mastra-index','/work/main/test/eval/mastra.jsonl']];
for (const [idx, set] of sets) {
  const e = await openEngine(idx, { modelsDir: '/work/main/models' });
  const qs = fs.readFileSync(set,'utf8').trim().split('\n').map(l=>JSON.parse(l));
  const agg = new Map();
  for (const q of qs) {
    const rel = new Set(q.relevant);
    const ex = await e.retriever.explain(q.query, 10);
    const fused = (await e.retriever.search(q.query, {limit: 10})).map(r=>r.path);
    ex.push({ranking:'FUSED', docs:[...new Set(fused)]});
    for (const r of ex) { const i = r.docs.findIndex(d=>rel.has(d)); const a = agg.get(r.ranking) ?? {mrr:0,h5:0}; if (i>=0) { a.mrr += 1/(i+1); if (i<5) a.h5++; } agg.set(r.ranking,a); }
  }
  console.log(set.split('/').pop(), qs.length); for (const [k,a] of agg) console.log('  ', k.padEnd(32), (a.mrr/qs.length).toFixed(3), (a.h5/qs.length).toFixed(3));
}
process.exit(0);
