// Baseline for retrieval figures: MiniSearch (BM25 with prefix and fuzzy matching) over the same
// sections as the index, scored with the same metrics as `eval`. It shows what a well-configured
// keyword search gets on a query set, next to this project's hybrid search.
// Usage: node dist/scripts/minisearch-baseline.js --set FILE.jsonl [--index DIR]
import { readFileSync } from 'node:fs';
import { evaluate, formatReport, parseQuerySet } from '../src/core/eval.js';
import { loadIndex } from '../src/store/load.js';
import type { SearchResult } from '../src/types.js';
import { flag } from './args.js';
import { miniSearchOver, sectionsOf } from './minisearch-sections.js';

const set = flag('--set');
if (!set) {
  console.error('Usage: node dist/scripts/minisearch-baseline.js --set FILE.jsonl [--index DIR]');
  process.exit(2);
}
const index = loadIndex(flag('--index') ?? 'index-data');

const sections = sectionsOf(index.docs);
const started = performance.now();
const mini = miniSearchOver(sections);
const buildMs = performance.now() - started;
const searcher = {
  async search(query: string, options: { limit?: number } = {}): Promise<SearchResult[]> {
    return mini.search(query).slice(0, options.limit ?? 5).map((hit) => ({ path: hit.path as string, url: hit.url as string, title: hit.title as string, heading: [], anchor: '', score: hit.score, text: '' }));
  },
};
const report = await evaluate(searcher, parseQuerySet(readFileSync(set, 'utf8'), set));
console.log(`MiniSearch over ${sections.length} sections (built in ${Math.round(buildMs)} ms)\n`);
console.log(formatReport(report));
