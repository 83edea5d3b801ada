import path from 'node:path';
import { resolveIndexFolder } from '../../src/store/index-dir.js';

/** The path of one file of the current index of an index folder (for tests that damage files). */
export function indexFile(indexDir: string, name: string): string {
  return path.join(resolveIndexFolder(indexDir).folder, name);
}
