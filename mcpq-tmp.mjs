import fs from 'node:fs';
const { openEngineForServing } = await import('/work/main/dist/src/core/engine.js');
const { Retriever, DEFAULT_RETRIEVER_PARAMS } = await import('/work/main/dist/src/core/retriever.js');
const configs = JSON.parse(process.argv[2]); const limit = Number(process.argv[3] ?? 5);
const sets = [['/work/main/index-data',['/work/shared/eval/dev.jsonl','/work/main/test/eval/workos-heldout.jsonl','/work/main/test/eval/code.jsonl']],['/tmp/mastra-refined',['/work/main/test/eval/mastra.jsonl']]];
for (const cfg of configs) {
  const row = [JSON.stringify(cfg).padEnd(30)];
  for (const [idx, files] of sets) {
    const e = await openEngineForServing(idx, { modelsDir: '' });
    const r = Retriever.fromIndex(e.index, e.embedder, { ...DEFAULT_RETRIEVER_PARAMS, ...(cfg.params ?? {}) });
    if (cfg.docN) { const orig = r.docLevel.bind(r); r.docLevel = (q, n, a) => orig(q, cfg.docN, a); }
    if (cfg.denseN) { const orig = r.dense.bind(r); r.dense = (v, n, a) => orig(v, cfg.denseN, a); }
    if (cfg.lexN) { const L = r.parts.lexical.chunks; const orig = L.search.bind(L); r.parts = { ...r.parts, lexical: { ...r.parts.lexical, chunks: { search: (q, n, a) => orig(q, typeof q === 'string' ? cfg.lexN : n, a) } } }; }
    for (const f of files) { const qs = fs.readFileSync(f,'utf8').trim().split('\n').map(l=>JSON.parse(l)); let h1=0,h5=0,mrr=0;
      for (const q of qs) { const paths = [...new Set((await r.search(q.query, { limit, ...(cfg.maxPerDoc ? { maxPerDoc: cfg.maxPerDoc } : {}) })).map(x=>x.path))]; const i = paths.findIndex(p=>q.relevant.includes(p)); if (i===0) h1++; if (i>=0) { h5++; mrr += 1/(i+1); } }
      row.push(`${f.split('/').pop().slice(0,6)} ${(h1/qs.length).toFixed(3)}/${(h5/qs.length).toFixed(3)}/${(mrr/qs.length).toFixed(3)}`); }
  }
  console.log(row.join('  '));
}
process.exit(0);
