import fs from 'node:fs';
const { openEngineForServing } = await import('/work/main/dist/src/core/engine.js');
const e = await openEngineForServing('/work/main/index-data', { modelsDir: '' });
const qs = fs.readFileSync('/work/shared/eval/dev.jsonl','utf8').trim().split('\n').map(l=>JSON.parse(l).query);
for (const name of ['chunks','docs','fulltext']) { const L = e.index.lexical[name]; let tot = 0, terms = 0;
 for (const q of qs) { const lists = L.queryLists(q); terms += lists.length; for (const l of lists) tot += l.end - l.start; }
 console.log(name, 'size', L.size, 'lists/query', (terms/qs.length).toFixed(1), 'postings/query', (tot/qs.length).toFixed(0)); }
// TAAT timing
const L = e.index.lexical.chunks; const acc = new Float64Array(L.size);
const taat = (q) => { acc.fill(0); for (const l of L.queryLists(q)) { for (let p = l.start; p < l.end; p++) acc[L.postingDocs[p]] += l.weight * L.postingImpacts[p]; } let c=0; for (let i=0;i<acc.length;i++) if (acc[i]>0) c++; return c; };
for (let i=0;i<300;i++) taat(qs[i%60]);
let t = performance.now(); for (let i=0;i<3000;i++) taat(qs[i%60]); console.log('taat us', ((performance.now()-t)/3).toFixed(0));
t = performance.now(); for (let i=0;i<3000;i++) L.search(qs[i%60], 120); console.log('maxscore us', ((performance.now()-t)/3).toFixed(0));
t = performance.now(); for (let i=0;i<3000;i++) L.queryLists(qs[i%60]); console.log('queryLists us', ((performance.now()-t)/3).toFixed(0));
