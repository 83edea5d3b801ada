// Developer tool: shows each ranking (BM25F, dense) for one query, to see why a doc ranks where it does.
// Usage: node dist/scripts/why.js --index DIR "QUERY"
import { openEngine } from '../src/core/engine.js';
import { tokenize } from '../src/text/tokenize.js';

const args = process.argv.slice(2);
const at = args.indexOf('--index');
const dir = at >= 0 ? (args[at + 1] ?? 'index-data') : 'index-data';
const query = args.filter((_, i) => at < 0 || (i !== at && i !== at + 1)).join(' ');
const engine = await openEngine(dir, { modelsDir: 'models' });
const { chunks } = engine.index;
console.log('tokens:', tokenize(query).join(' '));
console.log('\nBM25F:');
for (const s of engine.index.lexical.chunks.search(query, 10)) console.log(`  ${s.score.toFixed(2)} ${chunks[s.index]?.id}`);
console.log('\ndense:');
for (const s of engine.index.vectorIndex.search(await engine.embedder.embedQuery(query), 10)) console.log(`  ${s.score.toFixed(3)} ${chunks[s.index]?.id}`);
console.log('\nfused:');
for (const r of await engine.retriever.search(query, { limit: 10 })) console.log(`  ${r.score} ${r.path} > ${r.heading.join(' > ')}`);
