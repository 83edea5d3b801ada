// Runs after `tsc` (npm run build, postinstall): bundles the CLI (dist/cli/run.js) with the MCP SDK,
// zod and this program's serving code into one CommonJS file, dist/cli/bundle/serve.cjs. `serve`
// runs from it (cli/serve-bundle.ts loads it, with V8's code cache, when it is newer than tsc's
// output): Node reads one file instead of about 200 modules, and the server answers its first
// search in about half the time. CommonJS, because V8's code cache is open to a script, not to an
// ES module. The other commands run tsc's modules, so that ingest, which imports them too, does
// not load two copies. Without esbuild (an install without dev dependencies) there is no bundle and
// serve runs tsc's modules as well.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli');
const out = path.join(cli, 'bundle');
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.stderr.write('[bundle] esbuild is not installed; dist/cli/main.js stays unbundled\n');
  process.exit(0);
}
rmSync(out, { recursive: true, force: true });
await esbuild.build({
  entryPoints: [path.join(cli, 'run.js')],
  outfile: path.join(out, 'serve.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Loaded by commands that do not run from the bundle (ingest, fetch-model), or by the package itself.
  external: ['hnswlib-node', '@xenova/transformers', '../ingest/*', '../src/embed/transformers.js'],
  // The program finds its package folder from import.meta.url: the bundle's own URL, one folder down as run.js is.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "var __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});

// cli/serve-bundle.ts runs the bundle as a script with V8's code cache, which drops a script's own
// import(): the bundle's dynamic imports (packages and modules left outside it) go through the
// `__import` it passes instead. Its first line names the build, for the cache's file name.
const file = path.join(out, 'serve.cjs');
const bundled = readFileSync(file, 'utf8');
// import("…") only: not a method named import (x.import(…)), nor a longer name ending in import.
const rewritten = bundled.replace(/(?<![\w$.])import\((?=["'])/g, '__import(');
const left = /\bimport\(/.exec(rewritten.replace(/\/\/.*$/gm, ''));
if (left) {
  process.stderr.write(`[bundle] a dynamic import the bundle cannot route through __import: ${rewritten.slice(left.index, left.index + 80)}\n`);
  process.exit(1);
}
const build = createHash('sha256').update(rewritten).digest('hex').slice(0, 16);
// Written beside and renamed over, so that a server starting meanwhile never reads half a bundle.
writeFileSync(`${file}.tmp`, `// build ${build}\n${rewritten}`);
renameSync(`${file}.tmp`, file);
