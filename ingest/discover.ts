import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { docIdFromPath } from '../src/ids.js';

export interface SourceFile {
  /** Relative to the docs root, POSIX. */
  path: string;
  absPath: string;
  docId: string;
  kind: 'doc' | 'navigation';
  /** The doc's URL, once its source is known (see sources/files.ts). */
  url?: string;
  /** The source's base URL: root-relative links in the file resolve against it. */
  baseUrl?: string;
  /** The file's text when it is generated rather than read from absPath (SDK method pages). */
  text?: string;
}

export interface Discovery {
  files: SourceFile[];
  warnings: string[];
}

const NAVIGATION_FILE = '_navigation.mdx';
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex -- as above
const CONTROL_ALL = /[\u0000-\u001f\u007f]/g;

function printable(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** Where the pinned `@workos/mcp-docs-server` package keeps the docs and changelogs. */
export function defaultCorpus(): { docs: string; changelogs: string } {
  const require = createRequire(import.meta.url);
  const main = require.resolve('@workos/mcp-docs-server');
  const root = path.resolve(path.dirname(main), '..');
  return {
    docs: path.join(root, '.docs', 'organized', 'docs'),
    changelogs: path.join(root, '.docs', 'organized', 'changelogs'),
  };
}

/**
 * Lists the `.mdx`/`.md` files under a docs root in a stable order. Symbolic links are
 * skipped (and reported) so that a link in a docs folder can never pull in files from elsewhere.
 */
export async function discoverDocs(root: string): Promise<Discovery> {
  const files: SourceFile[] = [];
  const warnings: string[] = [];
  const seen = new Map<string, string>();
  await walk(root, '', files, warnings);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const unique: SourceFile[] = [];
  for (const file of files) {
    if (file.kind === 'doc' && CONTROL.test(file.docId)) {
      // The tools read ids with control characters as spaces (see the server's `clean`), so the
      // doc takes that spelling: both it and the raw file name then find the page.
      const safe = file.docId.replace(CONTROL_ALL, ' ');
      warnings.push(`${printable(file.path)}: file name has control characters; indexed with the doc id ${JSON.stringify(safe)}`);
      file.docId = safe;
    }
    if (file.kind === 'doc') {
      const previous = seen.get(file.docId);
      if (previous !== undefined) {
        warnings.push(`${file.path}: doc id "${file.docId}" is already taken by ${previous}; skipped`);
        continue;
      }
      seen.set(file.docId, file.path);
    }
    unique.push(file);
  }
  return { files: unique, warnings };
}

async function walk(root: string, rel: string, files: SourceFile[], warnings: string[]): Promise<void> {
  const dir = path.join(root, rel);
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    const relPath = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    // `_name` files and folders are partials and internal pages (as in Docusaurus and Next.js
    // docs sites): included by other pages or unpublished, never pages of their own.
    if (entry.name.startsWith('_') && entry.name !== NAVIGATION_FILE) continue;
    if (entry.isSymbolicLink()) {
      warnings.push(`${relPath}: symbolic link skipped (only regular files inside the docs folder are read)`);
      continue;
    }
    if (entry.isDirectory()) {
      await walk(root, relPath, files, warnings);
      continue;
    }
    if (!entry.isFile() || !/\.(mdx|md)$/i.test(entry.name)) continue;
    const absPath = path.join(root, relPath);
    if (entry.name === NAVIGATION_FILE) {
      files.push({ path: relPath, absPath, docId: docIdFromPath(rel), kind: 'navigation' });
    } else {
      files.push({ path: relPath, absPath, docId: docIdFromPath(relPath), kind: 'doc' });
    }
  }
}
