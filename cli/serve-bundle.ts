import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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
 * The first line of the bundle names its build (scripts/bundle.mjs): `// build <hash of the rest>`.
 * V8 checks a code cache against the source's length only, so the cache's file name carries the
 * build, and a cache never outlives the bundle it was made from (npm gives every file of a package
 * the same time, so a size and a time would not tell two builds apart).
 */
const BUILD_LINE = /^\/\/ build ([0-9a-f]{16})\n/;

/**
 * What the bundle is compiled inside: strict, as the modules were, and with `__import`, an import()
 * of this ES module for the bundle's dynamic imports (V8 drops a script's own import() support when
 * it comes from a code cache; relative specifiers resolve from dist/cli, where tsc's run.js is).
 * Part of the cache's key: V8 would take a cache made for another wrapper of the same length.
 */
const WRAPPER = ["(function (exports, require, module, __filename, __dirname, __import) {'use strict';", '\n})'] as const;

/**
 * The bundle of the built CLI in `cliDir` (dist/cli), when there is one built from the current tsc
 * output and it loads. Undefined otherwise (no bundle, an older one, or one that fails to compile
 * or run: a build cut short, say): serve then runs tsc's modules.
 */
export async function loadServeBundle(cliDir = fileURLToPath(new URL('.', import.meta.url))): Promise<ServeBundle | undefined> {
  // Before anything is compiled: V8 refuses a code cache made under other flags.
  tuneServeHeap();
  const bundleFile = path.join(cliDir, 'bundle', 'serve.cjs');
  try {
    if (statSync(bundleFile).mtimeMs < statSync(path.join(cliDir, 'run.js')).mtimeMs) return undefined;
    // Read without blocking, so that the early reader of stdin answers `initialize` meanwhile.
    const source = await readFile(bundleFile, 'utf8');
    const build = BUILD_LINE.exec(source)?.[1];
    if (!build) return undefined;
    // One cache per build and per Node and flags it runs under: V8 refuses a cache made by another
    // Node or under other flags, and servers started differently would otherwise keep rewriting one.
    const runtime = createHash('sha256').update(`${WRAPPER.join('')} ${process.version} ${process.arch} ${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`).digest('hex').slice(0, 8);
    const cacheFile = `${bundleFile}.${build}.${runtime}.v8cache`;
    const cached = await readFile(cacheFile).catch(() => undefined);
    const script = new vm.Script(`${WRAPPER[0]}${source}${WRAPPER[1]}`, {
      filename: bundleFile,
      ...(cached ? { cachedData: cached } : {}),
    });
    const module = { exports: {} as Partial<ServeBundle> };
    const importFromCli = (specifier: string) => import(specifier.startsWith('.') ? new URL(specifier, pathToFileURL(path.join(cliDir, 'run.js'))).href : specifier);
    (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(bundleFile), module, bundleFile, path.dirname(bundleFile), importFromCli);
    const runCli = module.exports.runCli;
    if (typeof runCli !== 'function') return undefined;
    const cache = !cached ? 'none' : script.cachedDataRejected === true ? 'refused' : 'used';
    return { runCli, cache, cacheFile, saveCache: cacheSaver(script, cacheFile, build, cache !== 'used') };
  } catch {
    return undefined;
  }
}

/** Writes the code cache once, when `needed`; removes the caches of other builds. Never throws. */
function cacheSaver(script: vm.Script, cacheFile: string, build: string, needed: boolean): () => void {
  return () => {
    if (!needed) return;
    needed = false;
    const staging = `${cacheFile}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      writeFileSync(staging, script.createCachedData());
      renameSync(staging, cacheFile);
      const dir = path.dirname(cacheFile);
      // Caches of other builds, and staging files an interrupted server left (an hour old or more).
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        const stale = name.endsWith('.v8cache') ? !name.includes(`.${build}.`) : name.endsWith('.tmp') && Date.now() - statSync(file).mtimeMs > 3_600_000;
        if (stale) rmSync(file, { force: true });
      }
    } catch {
      // A read-only install keeps compiling from source; nothing else changes.
      try {
        rmSync(staging, { force: true });
      } catch {
        // Nothing was staged.
      }
    }
  };
}
