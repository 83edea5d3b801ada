// Runs after `tsc` (npm run build, postinstall): bundles the CLI entry, dist/cli/main.js, with the
// MCP SDK, zod and this program's serving code into a few files beside it, split where the program
// loads code on demand. Node then reads a handful of files instead of about 200 modules: the server
// answers its first search in about half the time. Ingest (remark, worker threads) and the
// transformers embedder stay separate modules, loaded from dist/ as tsc wrote them. Without esbuild
// (an install without dev dependencies), tsc's unbundled dist/cli/main.js stays and works the same.
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist', 'cli');
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.stderr.write('[bundle] esbuild is not installed; dist/cli/main.js stays unbundled\n');
  process.exit(0);
}
// Split files of an earlier bundle (their names end in a content hash).
const SPLIT = /^(chunk|run|serve|http)-[A-Z0-9]{8}\.js$/;
for (const name of readdirSync(out)) if (SPLIT.test(name)) rmSync(path.join(out, name));
// tsc's source map of main.js describes the file the bundle replaces.
rmSync(path.join(out, 'main.js.map'), { force: true });
await esbuild.build({
  entryPoints: [path.join(out, 'main.js')],
  outdir: out,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: '[name]-[hash]',
  // Paths stay valid: the split files sit in dist/cli/ like the modules that import them.
  external: ['hnswlib-node', '@xenova/transformers', '../ingest/*', '../src/embed/transformers.js'],
  // Bundled CommonJS packages (ajv) call require.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  logLevel: 'warning',
});
