import path from 'node:path';
import { PACKAGE_ROOT } from '../src/package-root.js';

export { PACKAGE_ROOT };
export { defaultCacheDir } from '../src/package-root.js';

export function defaultIndexDir(env: NodeJS.ProcessEnv): string {
  return env.WORKOS_DOCS_MCP_INDEX ?? path.join(PACKAGE_ROOT, 'index-data');
}

export function defaultModelsDir(env: NodeJS.ProcessEnv): string {
  return env.WORKOS_DOCS_MCP_MODELS ?? path.join(PACKAGE_ROOT, 'models');
}
