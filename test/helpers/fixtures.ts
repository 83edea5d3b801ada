import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURE_DOCS = path.join(ROOT, 'test', 'fixtures', 'docs');
export const FIXTURE_CHANGELOGS = path.join(ROOT, 'test', 'fixtures', 'changelogs');
/** A second corpus ("Lumen"): plain Markdown, no navigation files, upper-case names, one broken MDX page. */
export const FIXTURE_PLAIN_DOCS = path.join(ROOT, 'test', 'fixtures', 'plain-docs');

/** A temp dir removed by the returned cleanup. */
export async function tempDir(prefix = 'wdm-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A writable copy of the fixture docs, for tests that edit files. */
export async function copyFixtureDocs(into: string): Promise<string> {
  const docs = path.join(into, 'docs');
  await cp(FIXTURE_DOCS, docs, { recursive: true });
  return docs;
}

/** Markdown without fenced code blocks and inline code: what must be free of raw MDX syntax. */
export function withoutCode(markdown: string): string {
  return markdown.replace(/^(\s*)(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\s*\2\s*$/gm, '').replace(/`[^`\n]*`/g, '');
}
