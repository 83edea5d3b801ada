import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (where index-data/ and models/ live by default), wherever the process was started. */
export const PACKAGE_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

export function defaultIndexDir(env: NodeJS.ProcessEnv): string {
  return env.WORKOS_DOCS_MCP_INDEX ?? path.join(PACKAGE_ROOT, 'index-data');
}

export function defaultModelsDir(env: NodeJS.ProcessEnv): string {
  return env.WORKOS_DOCS_MCP_MODELS ?? path.join(PACKAGE_ROOT, 'models');
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
