import fs from 'node:fs'; import v8 from 'node:v8'; import vm from 'node:vm';
v8.setFlagsFromString('--expose-gc'); const gc = vm.runInNewContext('gc');
const { openEngineForServing } = await import('/work/main/dist/src/core/engine.js');
const engine = await openEngineForServing('/work/main/index-data', { modelsDir: '/work/main/models' });
const r = engine.retriever; const qs = fs.readFileSync('/work/shared/eval/dev.jsonl','utf8').trim().split('\n').map(l=>JSON.parse(l).query);
for (let i=0;i<200;i++) await r.search(qs[i%60], {limit:10});
const vecs = await Promise.all(qs.map(q => r.parts.embedder.embedQuery(q)));
const allow = r.withoutChanges(undefined, 'x', undefined);
const measure = async (name, fn) => { gc(); const before = v8.getHeapStatistics(); let total = 0;
  // use heap stats: count allocated via used delta with no GC in between: run small batches
  let bytes = 0; for (let b=0;b<4;b++) { gc(); const u0 = process.memoryUsage().heapUsed; for (let i=0;i<50;i++) await fn(i + b*50); const u1 = process.memoryUsage().heapUsed; bytes += u1-u0; }
  console.log(name.padEnd(20), (bytes/200/1024).toFixed(1), 'KB/call'); };
await measure('search', (i) => r.search(qs[i%60], {limit:10}));
await measure('embedQuery', (i) => r.parts.embedder.embedQuery(qs[i%60]));
await measure('lexical chunks', (i) => r.parts.lexical.chunks.search(qs[i%60], 60, allow?.test));
await measure('dense', (i) => r.dense(vecs[i%60], 60, allow));
await measure('docLevel', (i) => r.docLevel(qs[i%60], 60, allow));
await measure('identifiers', (i) => r.identifierRanking(qs[i%60], 60, allow));
await measure('hnsw raw', (i) => r.parts.vectorIndex.search(vecs[i%60], 60 + 300));
const { tokenize } = await import('/work/main/dist/src/text/tokenize.js');
const maps = qs.map(q => r.parts.lexical.chunks.queryTerms(q));
await measure('tokenize', (i) => tokenize(qs[i%60]));
await measure('queryTerms', (i) => r.parts.lexical.chunks.queryTerms(qs[i%60]));
await measure('lex by map', (i) => r.parts.lexical.chunks.search(maps[i%60], 60, allow?.test));
await measure('lex by map noallow', (i) => r.parts.lexical.chunks.search(maps[i%60], 60));
await measure('queryLists', (i) => r.parts.lexical.chunks.queryLists(maps[i%60]));
