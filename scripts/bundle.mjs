// Runs after `tsc` (npm run build, postinstall): bundles the CLI (dist/cli/run.js) with the MCP SDK,
// zod and this program's serving code into dist/cli/bundle/, a few files split where the program
// loads code on demand. `serve` runs from it (cli/main.ts picks it when it is newer than tsc's
// output): Node reads a handful of files instead of about 200 modules, and the server answers its
// first search in about half the time. The other commands run tsc's modules, so that ingest, which
// imports them too, does not load two copies. Without esbuild (an install without dev
// dependencies) there is no bundle and serve runs tsc's modules as well.
import { rmSync } from 'node:fs';
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
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: '[name]-[hash]',
  // Loaded by commands that do not run from the bundle (ingest, fetch-model), or by the package itself.
  external: ['hnswlib-node', '@xenova/transformers', '../ingest/*', '../src/embed/transformers.js'],
  // Bundled CommonJS packages (ajv) call require.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  logLevel: 'warning',
});
