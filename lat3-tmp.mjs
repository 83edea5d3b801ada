import fs from 'node:fs';
const { openEngineForServing } = await import('/work/main/dist/src/core/engine.js');
const { Retriever, DEFAULT_RETRIEVER_PARAMS } = await import('/work/main/dist/src/core/retriever.js');
const e = await openEngineForServing('/work/main/index-data', { modelsDir: '' });
const qs = fs.readFileSync('/work/shared/eval/dev.jsonl','utf8').trim().split('\n').map(l=>JSON.parse(l).query);
for (const c of [60, 90, 120, 60, 90, 120]) { const r = Retriever.fromIndex(e.index, e.embedder, { ...DEFAULT_RETRIEVER_PARAMS, candidates: c });
 for (let i=0;i<300;i++) await r.search(qs[i%60],{limit:5}); const t=[]; for (let i=0;i<2000;i++){const s=performance.now(); await r.search(qs[i%60],{limit:5}); t.push(performance.now()-s);} t.sort((a,b)=>a-b); console.log(c, 'p50', t[1000].toFixed(3), 'p95', t[1900].toFixed(3)); }
process.exit(0);
