// Baseline for retrieval figures: MiniSearch (BM25 with prefix and fuzzy matching) over the same
// sections as the index, scored with the same metrics as `eval`. It shows what a well-configured
// keyword search gets on a query set, next to this project's hybrid search.
// Usage: node dist/scripts/minisearch-baseline.js --set FILE.jsonl [--index DIR]
import { readFileSync } from 'node:fs';
import MiniSearch from 'minisearch';
import { evaluate, formatReport, parseQuerySet } from '../src/core/eval.js';
import { loadIndex } from '../src/store/load.js';
import type { SearchResult } from '../src/types.js';
import { flag } from './args.js';

const set = flag('--set');
if (!set) {
  console.error('Usage: node dist/scripts/minisearch-baseline.js --set FILE.jsonl [--index DIR]');
  process.exit(2);
}
const index = loadIndex(flag('--index') ?? 'index-data');

interface SectionDoc {
  id: number;
  path: string;
  url: string;
  title: string;
  heading: string;
  text: string;
}
const sections: SectionDoc[] = [];
for (const doc of index.docs) {
  doc.sections.forEach((section, i) => {
    const end = doc.sections[i + 1]?.offset ?? doc.markdown.length;
    sections.push({
      id: sections.length,
      path: doc.id,
      url: doc.url + (section.anchor ? `#${section.anchor}` : ''),
      title: doc.title,
      heading: section.heading.join(' '),
      text: doc.markdown.slice(section.offset, end),
    });
  });
}
const started = performance.now();
const mini = new MiniSearch<SectionDoc>({
  fields: ['title', 'heading', 'text'],
  storeFields: ['path', 'url', 'title'],
  searchOptions: { boost: { title: 3, heading: 2 }, prefix: true, fuzzy: 0.2 },
});
mini.addAll(sections);
const buildMs = performance.now() - started;
const searcher = {
  async search(query: string, options: { limit?: number } = {}): Promise<SearchResult[]> {
    return mini.search(query).slice(0, options.limit ?? 5).map((hit) => ({ path: hit.path as string, url: hit.url as string, title: hit.title as string, heading: [], score: hit.score, text: '' }));
  },
};
const report = await evaluate(searcher, parseQuerySet(readFileSync(set, 'utf8'), set));
console.log(`MiniSearch over ${sections.length} sections (built in ${Math.round(buildMs)} ms)\n`);
console.log(formatReport(report));
