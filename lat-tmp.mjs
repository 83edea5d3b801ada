import fs from 'node:fs';
const { openEngineForServing } = await import('/work/main/dist/src/core/engine.js');
const engine = await openEngineForServing(process.argv[2] ?? '/work/main/index-data', { modelsDir: '/work/main/models' });
const qs = fs.readFileSync('/work/shared/eval/dev.jsonl','utf8').trim().split('\n').map(l=>JSON.parse(l).query);
for (let i=0;i<300;i++) await engine.retriever.search(qs[i%60], {limit:5});
const times = [];
for (let i=0;i<3000;i++) { const t = performance.now(); await engine.retriever.search(qs[i%60], {limit:5}); times.push(performance.now()-t); }
times.sort((a,b)=>a-b); console.log('p50', times[1500].toFixed(3), 'p95', times[2850].toFixed(3));
