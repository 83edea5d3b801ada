// Parses and chunks a docs folder (default: the pinned corpus) and prints timing and a summary.
// Usage: node dist/scripts/parse-corpus.js [--docs DIR] [--dump FILE]
import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { parseCorpus } from '../ingest/corpus.js';
import { defaultCorpus } from '../ingest/discover.js';
import { DEFAULT_BASE_URL } from '../src/ids.js';
import { flag } from './args.js';

const docsDir = flag('--docs') ?? defaultCorpus().docs;
const start = performance.now();
const corpus = await parseCorpus({ docsDir, baseUrl: DEFAULT_BASE_URL });
const ms = performance.now() - start;
const chunks = corpus.files.flatMap((f) => f.chunks);
const sizes = chunks.map((c) => c.text.length).sort((a, b) => a - b);
const sections = corpus.files.reduce((n, f) => n + f.doc.sections.length, 0);
console.log(
  JSON.stringify(
    {
      docsDir,
      ms: Math.round(ms),
      sourceFiles: corpus.sourceFiles,
      docs: corpus.files.length,
      failed: corpus.failed,
      sections,
      chunks: chunks.length,
      chunkChars: { min: sizes[0], p50: sizes[Math.floor(sizes.length / 2)], p95: sizes[Math.floor(sizes.length * 0.95)], max: sizes[sizes.length - 1] },
      warnings: corpus.warnings,
    },
    null,
    2,
  ),
);
const dump = flag('--dump');
if (dump) await writeFile(dump, JSON.stringify(chunks, null, 1));
