// Runs after `npm install`/`npm ci`: builds the TypeScript and indexes the default corpus
// (or brings an existing index up to date) so that `npm start` works at once.
// Skipped when installed as a dependency of another package without sources,
// or when WORKOS_DOCS_MCP_SKIP_POSTINSTALL=1 (CI builds explicitly instead).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (msg) => process.stderr.write(`[postinstall] ${msg}\n`);

if (process.env.WORKOS_DOCS_MCP_SKIP_POSTINSTALL === '1') {
  log('skipped (WORKOS_DOCS_MCP_SKIP_POSTINSTALL=1)');
  process.exit(0);
}
if (!existsSync(path.join(root, 'tsconfig.build.json')) || !existsSync(path.join(root, 'node_modules', 'typescript'))) {
  log('no sources or no TypeScript here; nothing to build');
  process.exit(0);
}

function run(args) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    log(`failed: node ${args.join(' ')}`);
    process.exit(result.status ?? 1);
  }
}

// An index folder holds CURRENT (the versioned layout) or, when built by an older version, manifest.json.
const indexed = ['CURRENT', 'manifest.json'].some((name) => existsSync(path.join(root, 'index-data', name)));

// `npx workos-docs-mcp` inside this folder installs the folder into npm's npx cache as a link,
// which runs this script again (npm_command=exec): a rebuild and reindex of a ready checkout for
// nothing (36 s). The build is only needed there when it was never made.
if (process.env.npm_command === 'exec' && existsSync(path.join(root, 'dist', 'cli', 'main.js')) && indexed) {
  log('already built (dist/ and index-data/ exist); run `npm run build` or `npx workos-docs-mcp ingest` to refresh them');
  process.exit(0);
}

log('building TypeScript');
run([path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
run([path.join(root, 'scripts', 'bundle.mjs')]);
// Incremental when index-data/ is current (under a second); a full build when it is missing or
// was made by an older version of this program.
log(indexed ? 'updating index-data/' : 'indexing the default corpus into index-data/');
const ingest = [path.join(root, 'dist', 'cli', 'main.js'), 'ingest'];
const first = spawnSync(process.execPath, ingest, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
if (first.status !== 0) {
  // The SDK sources need the npm registry once (their tarballs are cached after that): offline,
  // the install still gets a working index of the docs, and says how to add the SDKs later.
  log('indexing with the SDK packages failed (see above); indexing the docs without them');
  run([...ingest, '--no-sdks']);
  log('the index has no SDK packages: run `npx workos-docs-mcp ingest --sdks` when the npm registry can be reached to add them');
}
