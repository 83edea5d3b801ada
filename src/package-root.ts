import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (where index-data/, models/ and .cache/ live by default), from sources or from dist/. */
export const PACKAGE_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

/** Where pinned package tarballs are kept between runs: $WORKOS_DOCS_MCP_CACHE, else .cache/sources in the package. */
export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  return env.WORKOS_DOCS_MCP_CACHE ?? path.join(PACKAGE_ROOT, '.cache', 'sources');
}

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'workos-docs-mcp') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(start, '..', '..', '..');
    dir = parent;
  }
}
