import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deepJsx, delimiterRun } from '../scripts/hostile.js';
import { cliInProcess } from './helpers/cli.js';
import { tempDir, ROOT } from './helpers/fixtures.js';
import { CLI, requireBuilt, runCli, runProcess } from './helpers/spawn.js';

// The parse process's time and memory limits exist only in the built program (from the TypeScript
// sources files are parsed inline), so these tests run `dist/` (built by test/global-setup.ts when
// it is older than the sources); the option check needs no process of its own.

let work: { dir: string; cleanup: () => Promise<void> };
let slowDocs: string;
beforeAll(async () => {
  requireBuilt();
  work = await tempDir('wdm-guard-');
  slowDocs = path.join(work.dir, 'slow');
  await mkdir(slowDocs);
  await writeFile(path.join(slowDocs, 'normal.mdx'), '# Normal page\n\nAn ordinary page.\n');
  // "*_ " pairs: no long run for the pre-check to catch, but quadratic emphasis matching (about 6 s).
  await writeFile(path.join(slowDocs, 'stars.mdx'), delimiterRun(5000, ' '));
});
afterAll(async () => work.cleanup());

describe('the parse process of a built ingest', () => {
  it('stops a parse that runs past --parse-timeout-ms and indexes the file as plain text', async () => {
    const index = path.join(work.dir, 'slow-index');
    const result = await runCli(['ingest', '--docs', slowDocs, '--index', index, '--full', '--parse-timeout-ms', '500']);
    expect(result.stderr).toMatch(/warning: stars\.mdx: parsing took longer than 500 ms \(limit parseTimeoutMs\); indexed as plain text/);
    expect(result.stderr).toMatch(/2 docs \(.*2 parsed, 1 fallback, 0 failed\)/);
    expect(result.code).toBe(0);
    const page = await runCli(['get', 'stars', '--index', index]);
    expect(page.stdout).toContain('keyword-after');
  });

  it('fails the run under --strict instead of falling back', async () => {
    const index = path.join(work.dir, 'strict-index');
    const result = await runCli(['ingest', '--docs', slowDocs, '--index', index, '--full', '--strict', '--parse-timeout-ms', '500']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/stars\.mdx: parsing took longer than 500 ms/);
  });

  it('stops a parse that needs more than the parse heap limit and indexes the file as plain text', async () => {
    const docs = path.join(work.dir, 'deep');
    await mkdir(docs);
    await writeFile(path.join(docs, 'jsx.mdx'), deepJsx());
    // maxNesting is raised so that the pre-check lets the file reach the parser, which needs over 1 GB for it.
    const script = `
      const { parseCorpus } = await import(${JSON.stringify(path.join(ROOT, 'dist', 'ingest', 'corpus.js'))});
      const corpus = await parseCorpus({ docsDir: ${JSON.stringify(docs)}, baseUrl: 'https://example.com/docs', limits: { parseHeapMb: 64, maxNesting: 1e9 } });
      console.log(JSON.stringify({ fallback: corpus.fallback, warnings: corpus.warnings, text: corpus.files[0]?.chunks.map((c) => c.text).join(' ') }));`;
    const result = await runProcess(process.execPath, ['--input-type=module', '-e', script]);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { fallback: number; warnings: Array<{ message: string }>; text: string };
    expect(out.fallback).toBe(1);
    expect(out.warnings.map((w) => w.message)).toEqual(['parsing needed more than 64 MB of memory (limit parseHeapMb); indexed as plain text']);
    expect(out.text).toContain('deep-jsx-keyword');
  });

  it('reads a folder of 300 files with only 256 file descriptors allowed', async () => {
    // More files than descriptors: opening them all at once fails with EMFILE.
    const docs = path.join(work.dir, 'many');
    await mkdir(docs);
    await Promise.all(Array.from({ length: 300 }, (_, i) => writeFile(path.join(docs, `page-${i}.mdx`), `# Page ${i}\n\nText of page ${i}.\n`)));
    const index = path.join(work.dir, 'many-index');
    const result = await runProcess('sh', ['-c', `ulimit -n 256 && exec "${process.execPath}" "${CLI}" ingest --docs "${docs}" --index "${index}" --full`]);
    expect(result.stderr).not.toMatch(/EMFILE/);
    expect(result.stderr).toMatch(/300 docs \(300 added.*, 0 warnings\./);
    expect(result.code).toBe(0);
  });

  it('rejects a --max-file-bytes that is not a positive whole number', async () => {
    const result = await cliInProcess(['ingest', '--docs', slowDocs, '--index', path.join(work.dir, 'x'), '--max-file-bytes', '1e3x']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--max-file-bytes must be a whole number from 1 to \d+, got "1e3x"/);
  });
});
