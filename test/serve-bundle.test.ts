import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadServeBundle } from '../cli/serve-bundle.js';
import { CLI } from './helpers/spawn.js';

// The built CLI runs `serve` from dist/cli/bundle/serve.cjs with V8's code cache beside it
// (cli/serve-bundle.ts). These load the real bundle of this build into the test process: its
// top level defines the program's modules and starts nothing.
const CLI_DIR = path.dirname(CLI);
const BUNDLE_DIR = path.join(CLI_DIR, 'bundle');

/** Loads the bundle in a new Node process, saving its cache when `save`; returns what it found of the cache. */
function loadInChild(save: boolean): string {
  const loader = pathToFileURL(path.join(CLI_DIR, 'serve-bundle.js')).href;
  const script = `const b = await (await import(${JSON.stringify(loader)})).loadServeBundle(); process.stdout.write(b.cache); if (${save}) b.saveCache();`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(child.stderr).toBe('');
  return child.stdout;
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

  it('rewrites a cache V8 refuses, which the next server then uses, and removes the caches of other builds', async () => {
    // Each load runs in a process of its own, as servers do: within one process V8 reuses what it
    // compiled already and never looks at the cache.
    const cacheFile = (await loadServeBundle(CLI_DIR))!.cacheFile;
    expect(path.basename(cacheFile)).toMatch(/^serve\.cjs\.\d+-\d+\.v8cache$/);
    writeFileSync(cacheFile, 'not a code cache');
    const stale = path.join(BUNDLE_DIR, 'serve.cjs.1-1.v8cache');
    writeFileSync(stale, 'from an older build');
    expect(loadInChild(true)).toBe('refused');
    expect(existsSync(stale)).toBe(false);
    expect(readdirSync(BUNDLE_DIR).filter((f) => f.endsWith('.v8cache'))).toEqual([path.basename(cacheFile)]);
    expect(loadInChild(false)).toBe('used');
  });
});
