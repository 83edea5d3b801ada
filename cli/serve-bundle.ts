import { readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import vm from 'node:vm';

/**
 * `serve` runs from one bundled file (scripts/bundle.mjs: the CLI with the MCP SDK, zod and the
 * serving code), compiled with V8's code cache: the bytecode of every function the last server
 * ran, saved beside the bundle. Compiling and running the bundle's modules was a third of the time
 * from spawn to a first answer; with the cache the server answers its first search about 40 ms
 * sooner. The first server on a machine (or after an upgrade of Node, or a new build) compiles the
 * source and leaves the cache for the next one; a cache V8 refuses is rewritten.
 */
export interface ServeBundle {
  runCli: typeof import('./run.js').runCli;
  /** Whether this load found a code cache and V8 took it. */
  cache: 'none' | 'used' | 'refused';
  /** Where the code cache of this build is (or will be) kept. */
  cacheFile: string;
  /** Writes the code cache when there was none or V8 refused it; never throws. */
  saveCache(): void;
}


/**
 * A server's requests allocate little that lives on, yet V8 grows the young generation to its 32 MB
 * maximum within a few hundred searches and keeps it: a third of the server's resident memory.
 * Keeping it at its initial size costs a few more scavenges (about 5% on the median search over
 * stdio) and holds a server at about 105 MB after 1,000 searches instead of about 145. V8 reads this
 * factor each time it would grow the space (a value given on the command line is raised to 2 when
 * the heap is set up, so it is set here, once the heap exists).
 */
export function tuneServeHeap(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

/**
 * The bundle of the built CLI in `cliDir` (dist/cli), when there is one built from the current tsc output and this Node can run it (a
 * bundled module that imports a package at run time, such as the transformers embedder, needs
 * Node's default loader in vm scripts: Node 20.12 and later). Undefined otherwise: serve then runs
 * tsc's modules.
 */
export async function loadServeBundle(cliDir = fileURLToPath(new URL('.', import.meta.url))): Promise<ServeBundle | undefined> {
  // Before anything is compiled: V8 refuses a code cache made under other flags.
  tuneServeHeap();
  const bundleFile = path.join(cliDir, 'bundle', 'serve.cjs');
  const tscRun = path.join(cliDir, 'run.js');
  const loader = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  let stamp: string;
  try {
    const bundle = statSync(bundleFile);
    if (!loader || bundle.mtimeMs < statSync(tscRun).mtimeMs) return undefined;
    stamp = `${bundle.size}-${Math.round(bundle.mtimeMs)}`;
  } catch {
    return undefined;
  }
  // V8 checks a cache against the source's length, not its content: the file name carries the
  // bundle's size and time, so that a cache never outlives the build it was made from.
  const cacheFile = `${bundleFile}.${stamp}.v8cache`;
  // Read without blocking, so that the early reader of stdin answers `initialize` meanwhile.
  const [source, cached] = await Promise.all([readFile(bundleFile, 'utf8'), readFile(cacheFile).catch(() => undefined)]);
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundleFile,
    ...(cached ? { cachedData: cached } : {}),
    importModuleDynamically: loader,
  });
  const module = { exports: {} as Partial<ServeBundle> };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(bundleFile), module, bundleFile, path.dirname(bundleFile));
  const runCli = module.exports.runCli;
  if (typeof runCli !== 'function') return undefined;
  const cache = !cached ? 'none' : script.cachedDataRejected === true ? 'refused' : 'used';
  let needed = cache !== 'used';
  return {
    runCli,
    cache,
    cacheFile,
    saveCache() {
      if (!needed) return;
      needed = false;
      try {
        const data = script.createCachedData();
        const staging = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(staging, data);
        renameSync(staging, cacheFile);
        for (const name of readdirSync(path.dirname(bundleFile))) {
          const other = path.join(path.dirname(bundleFile), name);
          if (name.endsWith('.v8cache') && other !== cacheFile) rmSync(other, { force: true });
        }
      } catch {
        // A read-only install keeps compiling from source; nothing else changes.
      }
    },
  };
}
