import v8 from 'node:v8'; import vm from 'node:vm'; import fs from 'node:fs';
v8.setFlagsFromString('--expose-gc'); const gc = vm.runInNewContext('gc');
const sp = (l) => console.log(l, process.memoryUsage().rss>>20, v8.getHeapSpaceStatistics().filter(s=>s.space_size>1e6).map(s=>s.space_name.replace('_space','')+':'+(s.space_size>>20)+'/'+(s.space_used_size>>20)).join(' '));
const { openEngineForServing } = await import('/work/main/dist/src/core/engine.js');
const engine = await openEngineForServing('/work/main/index-data', { modelsDir: '/work/main/models' });
const qs = fs.readFileSync('/work/shared/eval/dev.jsonl','utf8').trim().split('\n').map(l=>JSON.parse(l).query);
sp('loaded');
if (process.argv[2] === 'gc') { try { gc({ type: 'major', execution: 'sync', flavor: 'last-resort' }); } catch (e) { console.log('flavor failed', e.message); gc(); } }
sp('after gc');
for (let i=0;i<1000;i++) { await engine.retriever.search(qs[i%qs.length], {limit:10}); if (i%250==0) sp(i); }
sp('1000');
