import fs from 'node:fs';
const { openEngineForServing } = await import('/work/main/dist/src/core/engine.js');
const { Retriever, DEFAULT_RETRIEVER_PARAMS } = await import('/work/main/dist/src/core/retriever.js');
const { evaluate, parseQuerySet } = await import('/work/main/dist/src/core/eval.js');
const configs = JSON.parse(process.argv[2]);
const sets = [['/work/main/index-data',['/work/shared/eval/dev.jsonl','/work/main/test/eval/workos-heldout.jsonl','/work/main/test/eval/code.jsonl']],['/tmp/mastra-refined',['/work/main/test/eval/mastra.jsonl']]];
for (const cfg of configs) {
  const row = [JSON.stringify(cfg).padEnd(34)];
  for (const [idx, files] of sets) {
    const e = await openEngineForServing(idx, { modelsDir: '' });
    if (cfg.ef) e.index.vectorIndex.setEf(cfg.ef);
    const r = Retriever.fromIndex(e.index, e.embedder, { ...DEFAULT_RETRIEVER_PARAMS, ...(cfg.params ?? {}) });
    if (cfg.docN) { const orig = r.docLevel.bind(r); r.docLevel = (q, n, a) => orig(q, cfg.docN, a); }
    for (const f of files) { const o = (await evaluate(r, parseQuerySet(fs.readFileSync(f,'utf8'), f))).overall; row.push(`${f.split('/').pop().slice(0,6)} ${o.hit1.toFixed(3)}/${o.hit5.toFixed(3)}/${o.mrr.toFixed(3)}`); }
    if (idx.includes('index-data')) { const qs = parseQuerySet(fs.readFileSync(files[0],'utf8'), files[0]).map(q=>q.query); for (let i=0;i<300;i++) await r.search(qs[i%60],{limit:10}); const t=[]; for (let i=0;i<2000;i++){const s=performance.now(); await r.search(qs[i%60],{limit:10}); t.push(performance.now()-s);} t.sort((a,b)=>a-b); row.push(`p50 ${t[1000].toFixed(3)}`); }
  }
  console.log(row.join('  '));
}
process.exit(0);
