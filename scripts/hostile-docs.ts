// Writes the hostile docs of issue 16 into DIR/<case>/docs, one folder per case, for measuring
// ingest time and peak memory of each: see the README section "Hostile or huge docs".
// Usage: node dist/scripts/hostile-docs.js DIR
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deepBlockquote, deepJsx, delimiterRun, headingHeavy, placeholderBomb, singleLine } from './hostile.js';

const MB = 1024 * 1024;
const cases: Record<string, Record<string, string>> = {
  'placeholder-bomb': { 'bomb.mdx': placeholderBomb() },
  'delimiter-run': { 'stars.mdx': delimiterRun(20_000) },
  'spaced-delimiters': { 'stars.mdx': delimiterRun(20_000, ' ') },
  'headings-9mb': { 'headings.mdx': headingHeavy(9 * MB) },
  'headings-4mb': { 'headings.mdx': headingHeavy(4 * MB - 1024) },
  'line-39mb': { 'line.mdx': singleLine(39 * MB) },
  'line-4mb': { 'line.mdx': singleLine(4 * MB - 1024) },
  'deep-blockquote': { 'quote.mdx': deepBlockquote() },
  'deep-jsx': { 'jsx.mdx': deepJsx() },
  'many-files': Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`page-${i}.mdx`, `# Page ${i}\n\nText of page ${i}.\n`])),
};

const dir = process.argv[2];
if (!dir) {
  console.error('Usage: node dist/scripts/hostile-docs.js DIR');
  process.exit(2);
}
for (const [name, files] of Object.entries(cases)) {
  const docs = path.join(dir, name, 'docs');
  await mkdir(docs, { recursive: true });
  await writeFile(path.join(docs, 'normal.mdx'), '# Normal page\n\nAn ordinary page beside the hostile one.\n');
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(docs, file), text);
  console.log(path.join(dir, name, 'docs'));
}
