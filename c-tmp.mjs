import fs from 'node:fs';
const { openEngine } = await import('/work/main/dist/src/core/engine.js');
const e = await openEngine('/tmp/mastra-refined', { modelsDir: '' });
const qs = fs.readFileSync('/work/main/test/eval/mastra.jsonl','utf8').trim().split('\n').map(l=>JSON.parse(l));
const top = new Map(); let n = 0;
for (const q of qs) { const r = await e.retriever.search(q.query, { limit: 10 }); for (const x of r) { const k = x.path.split('/')[0]; top.set(k, (top.get(k)??0)+1); n++; } }
console.log([...top].sort((a,b)=>b[1]-a[1]));
const rel = new Map(); for (const q of qs) for (const r of q.relevant) { const k = r.split('/')[0]; rel.set(k,(rel.get(k)??0)+1); } console.log('relevant', [...rel]);
process.exit(0);
