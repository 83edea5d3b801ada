import fs from 'node:fs';
const { openEngine } = await import('/work/main/dist/src/core/engine.js');
const sets = [['/work/main/index-data','/work/shared/eval/dev.jsonl'],['/work/main/index-data','/work/main/test/eval/workos-heldout.jsonl'],['/work/main/index-data','/work/main/test/eval/code.jsonl'],['/tmp/mastra-index','/work/main/test/eval/mastra.jsonl']];
const rows = [];
for (const [idx, set] of sets) {
  const e = await openEngine(idx, { modelsDir: '/work/main/models' });
  const qs = fs.readFileSync(set,'utf8').trim().split('\n').map(l=>JSON.parse(l));
  for (const q of qs) {
    const which = process.argv[2] ?? 'docs';
    const s = e.index.lexical[which].search(q.query, 5);
    const ids = s.map(x => e.index.docIds[x.index]);
    const fused = (await e.retriever.search(q.query, {limit: 5})).map(r=>r.path);
    const rel = new Set(q.relevant);
    rows.push({ set: set.split('/').pop(), r: s.length>1 ? s[0].score/s[1].score : 9, top: rel.has(ids[0]), fused1: rel.has(fused[0]), fusedRank: fused.findIndex(p=>rel.has(p)) });
  }
}
for (const lo of [1, 1.1, 1.2, 1.3, 1.5, 2]) {
  const b = rows.filter(x => x.r >= lo);
  console.log(`ratio>=${lo}: n=${b.length} titleTop1 rel=${b.filter(x=>x.top).length} fusedTop1 rel=${b.filter(x=>x.fused1).length}  title-right-fused-wrong=${b.filter(x=>x.top&&!x.fused1).length} title-wrong-fused-right=${b.filter(x=>!x.top&&x.fused1).length}`);
}
process.exit(0);
