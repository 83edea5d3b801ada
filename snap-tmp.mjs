import v8 from 'node:v8'; import fs from 'node:fs';
const { openEngine } = await import('/work/main/dist/src/core/engine.js');
const engine = await openEngine('/work/main/index-data', { modelsDir: '/work/main/models' });
await engine.retriever.search('how do I set up SSO', {limit:10});
globalThis.keep = engine;
const file = v8.writeHeapSnapshot('/tmp/h.heapsnapshot');
const snap = JSON.parse(fs.readFileSync(file,'utf8'));
const f = snap.snapshot.meta.node_fields, types = snap.snapshot.meta.node_types[0];
const N = f.length, nodes = snap.nodes, strings = snap.strings;
const ti=f.indexOf('type'), ni=f.indexOf('name'), si=f.indexOf('self_size');
const agg = new Map();
for (let i=0;i<nodes.length;i+=N){ const t=types[nodes[i+ti]]; let name = t==='object'||t==='native'||t==='closure'? strings[nodes[i+ni]] : t; const k=t+':'+name.slice(0,40); const a=agg.get(k)??[0,0]; a[0]+=nodes[i+si]; a[1]++; agg.set(k,a);}
[...agg].sort((a,b)=>b[1][0]-a[1][0]).slice(0,25).forEach(([k,[s,c]])=>console.log((s/1048576).toFixed(2).padStart(7),'MB',String(c).padStart(8),k));
console.log(process.memoryUsage());
process.exit(0);
