// Embedder lab: refit the local embedder with variants, exact dense search, full fusion, eval on 4 sets.
import fs from 'node:fs';
const { openEngine } = await import('/work/main/dist/src/core/engine.js');
const { Retriever, DEFAULT_RETRIEVER_PARAMS } = await import('/work/main/dist/src/core/retriever.js');
const { LocalEmbedder, DEFAULT_LOCAL_PARAMS } = await import('/work/main/dist/src/embed/local.js');
const { embeddingText } = await import('/work/main/dist/src/text/embedding-text.js');
const { evaluate, parseQuerySet } = await import('/work/main/dist/src/core/eval.js');
const variantsMod = await import(process.env.VARIANTS ?? '/work/lab/variants.mjs');
const sets = [['/work/main/index-data',['/work/shared/eval/dev.jsonl','/work/main/test/eval/workos-heldout.jsonl','/work/main/test/eval/code.jsonl','/work/main/test/eval/changes.jsonl']],['/tmp/mastra-index',['/work/main/test/eval/mastra.jsonl']]];
const engines = [];
for (const [idx, files] of sets) engines.push({ e: await openEngine(idx, { modelsDir: '/work/main/models' }), files });
const exactIndex = (vectors) => ({ search(v, n, allow) { const out = []; for (let i = 0; i < vectors.length; i++) { if (allow && !allow(i)) continue; const x = vectors[i]; let s = 0; for (let j = 0; j < x.length; j++) s += x[j]*v[j]; out.push({ index: i, score: s }); } out.sort((a,b)=>b.score-a.score); return out.slice(0, n); } });
for (const [name, make] of variantsMod.variants) {
  const row = [name.padEnd(22)];
  for (const { e, files } of engines) {
    const chunks = e.index.chunks;
    const texts = chunks.map(c => embeddingText(c));
    const fitIdx = chunks.map((c,i)=>i).filter(i => !/^(sdk|changelog)\//.test(chunks[i].docId));
    const t0 = performance.now();
    const emb = await make({ chunks, texts, fitIdx, LocalEmbedder, DEFAULT_LOCAL_PARAMS, e });
    const vectors = chunks.map((c,i)=> emb.embed(texts[i]));
    const ms = performance.now() - t0;
    const sources = e.index.manifest.sources;
    const packagePrefixes = sources.some((s) => s.kind !== 'npm-package') ? sources.filter((s) => s.kind === 'npm-package' && s.prefix).map((s) => s.prefix) : [];
    const r = new Retriever({ chunks, docIds: e.index.docIds, vectors, vectorIndex: exactIndex(vectors), lexical: e.index.lexical, embedder: { embedQuery: async (t) => emb.embed(t), info: emb.info }, packagePrefixes, changelogPrefix: e.index.manifest.changelogPrefix }, { ...DEFAULT_RETRIEVER_PARAMS, ...JSON.parse(process.env.RP ?? "{}") });
    for (const f of files) {
      const rep = await evaluate(r, parseQuerySet(fs.readFileSync(f,'utf8'), f));
      const o = rep.overall;
      // dense-only MRR
      let dm = 0; const qs = parseQuerySet(fs.readFileSync(f,'utf8'), f);
      for (const q of qs) { const v = emb.embed(q.query); const hits = exactIndex(vectors).search(v, 200); const docs = [...new Set(hits.map(h=>chunks[h.index].docId))].slice(0,10); const i = docs.findIndex(d=>q.relevant.includes(d)); if (i>=0) dm += 1/(i+1); }
      row.push(`${o.codeN !== undefined ? "pass" + Math.round(o.code3 * o.codeN) + " " : ""}${f.split('/').pop().replace('.jsonl','').slice(0,7)} ${o.hit1.toFixed(3)}/${o.hit5.toFixed(3)}/${o.mrr.toFixed(3)} d${(dm/qs.length).toFixed(3)}`);
    }
    row.push(`${(ms/1000).toFixed(1)}s`);
  }
  console.log(row.join('  '));
}
process.exit(0);
