import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadServeBundle } from '../cli/serve-bundle.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { buildIndex } from '../ingest/build.js';
import { FIXTURE_DOCS, tempDir } from './helpers/fixtures.js';
import { CLI } from './helpers/spawn.js';
import { makeTinyModel } from './helpers/tiny-model.js';

// The built CLI runs `serve` from dist/cli/bundle/serve.cjs with V8's code cache beside it
// (cli/serve-bundle.ts). These load the real bundle of this build into the test process: its
// top level defines the program's modules and starts nothing.
const CLI_DIR = path.dirname(CLI);
const BUNDLE_DIR = path.join(CLI_DIR, 'bundle');

/** Loads the bundle in a new Node process, saving its cache when `save`: what it found of the cache, and the cache's file. */
function loadInChild(save: boolean): { cache: string; cacheFile: string } {
  const loader = pathToFileURL(path.join(CLI_DIR, 'serve-bundle.js')).href;
  // The same script either way (it is part of the process's arguments, which key the cache).
  const script = `const b = await (await import(${JSON.stringify(loader)})).loadServeBundle(); process.stdout.write(JSON.stringify({ cache: b.cache, cacheFile: b.cacheFile })); if (process.argv.includes('save')) b.saveCache();`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, ...(save ? ['save'] : [])], { encoding: 'utf8' });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout) as { cache: string; cacheFile: string };
}

describe('the serve bundle and its code cache', () => {
  it('runs the same CLI as tsc output: the bundled runCli prints the version and a command help', async () => {
    const bundle = await loadServeBundle(CLI_DIR);
    expect(bundle).toBeDefined();
    let out = '';
    const io = { env: {}, stdout: (t: string) => void (out += t), stderr: (t: string) => void (out += t), stderrIsTTY: false };
    expect(await bundle!.runCli(['--version'], io)).toBe(0);
    expect(await bundle!.runCli(['serve', '--help'], io)).toBe(0);
    expect(out).toMatch(/^workos-docs-mcp \d+\.\d+\.\d+\n/);
    expect(out).toContain('Usage: workos-docs-mcp serve [options]');
  });

  it('leaves serve to tsc output when the bundle does not compile (a build cut short)', async () => {
    const work = await tempDir();
    try {
      const cliDir = path.join(work.dir, 'cli');
      mkdirSync(path.join(cliDir, 'bundle'), { recursive: true });
      writeFileSync(path.join(cliDir, 'run.js'), '');
      const source = readFileSync(path.join(BUNDLE_DIR, 'serve.cjs'), 'utf8');
      writeFileSync(path.join(cliDir, 'bundle', 'serve.cjs'), source.slice(0, source.length >> 1));
      expect(await loadServeBundle(cliDir)).toBeUndefined();
      writeFileSync(path.join(cliDir, 'bundle', 'serve.cjs'), source.replace(/^\/\/ build [0-9a-f]+\n/, ''));
      expect(await loadServeBundle(cliDir)).toBeUndefined();
    } finally {
      await work.cleanup();
    }
  });

  it('rewrites a cache V8 refuses, which the next server then uses, and removes the caches of other builds', async () => {
    // Each load runs in a process of its own, as servers do: within one process V8 reuses what it
    // compiled already and never looks at the cache.
    const { cacheFile } = loadInChild(true);
    expect(path.basename(cacheFile)).toMatch(/^serve\.cjs\.[0-9a-f]{16}\.[0-9a-f]{8}\.v8cache$/);
    writeFileSync(cacheFile, 'not a code cache');
    const stale = path.join(BUNDLE_DIR, 'serve.cjs.0000000000000000.00000000.v8cache');
    writeFileSync(stale, 'from an older build');
    expect(loadInChild(true)).toEqual({ cache: 'refused', cacheFile });
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(cacheFile)).toBe(true);
    expect(loadInChild(false)).toEqual({ cache: 'used', cacheFile });
  });

  it('serves an index of the transformers embedder from a cached bundle: the package is still imported at run time', async () => {
    const work = await tempDir();
    try {
      const modelsDir = path.join(work.dir, 'models');
      await makeTinyModel(path.join(modelsDir, 'test', 'tiny-bert'), { dimension: 32 });
      const indexDir = path.join(work.dir, 'index');
      await buildIndex({ docsDir: FIXTURE_DOCS, changelogsDir: null, indexDir, embedder: 'transformers', model: 'test/tiny-bert', modelsDir });
      const search = async () => {
        const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'serve', '--index', indexDir], env: { ...process.env, WORKOS_DOCS_MCP_MODELS: modelsDir } as Record<string, string>, stderr: 'pipe' });
        const client = new Client({ name: 'test', version: '1' });
        await client.connect(transport);
        const result = await client.callTool({ name: 'search_docs', arguments: { query: 'wind tunnel sandbox', limit: 1 } });
        await client.close();
        return (result.structuredContent as { results: Array<{ path: string }> }).results[0]?.path;
      };
      // The first server leaves the cache when none was there; the second compiles from it.
      expect(await search()).toBe('guide/testing');
      expect(readdirSync(BUNDLE_DIR).some((f) => f.endsWith('.v8cache'))).toBe(true);
      expect(await search()).toBe('guide/testing');
    } finally {
      await work.cleanup();
    }
  });
});
