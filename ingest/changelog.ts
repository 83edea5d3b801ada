import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChangelogEntry } from '../src/types.js';

export interface ChangelogResult {
  entries: ChangelogEntry[];
  warnings: string[];
}

/**
 * Reads every `*.json` changelog feed in a folder into dated entries, newest first. Like the docs
 * folder, only regular files inside it are read: a symbolic link could pull in any file on the
 * machine. Warnings never quote a file's content.
 */
export async function readChangelogs(dir: string | undefined, maxFileBytes = Number.MAX_SAFE_INTEGER): Promise<ChangelogResult> {
  const warnings: string[] = [];
  const entries: ChangelogEntry[] = [];
  if (!dir) return { entries, warnings };
  let names: string[];
  try {
    const dirents = await readdir(dir, { withFileTypes: true });
    for (const d of dirents) {
      if (d.name.endsWith('.json') && d.isSymbolicLink()) warnings.push(`${d.name}: symbolic link skipped (only regular files inside the changelog folder are read)`);
    }
    names = dirents.filter((d) => d.isFile() && d.name.endsWith('.json')).map((d) => d.name).sort();
  } catch (error) {
    warnings.push(`${dir}: changelog folder cannot be read (${(error as Error).message})`);
    return { entries, warnings };
  }
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const { size } = await lstat(file);
      if (size > maxFileBytes) throw new Error(`file is ${size} bytes, over the ${maxFileBytes}-byte limit (raise it with --max-file-bytes); skipped`);
      const data = parseJson(await readFile(file, 'utf8'));
      if (!Array.isArray(data)) throw new Error('expected a JSON array of entries');
      for (const item of data) {
        const entry = toEntry(item);
        if (entry) entries.push(entry);
        else warnings.push(`${name}: skipped an entry without a date and title`);
      }
    } catch (error) {
      warnings.push(`${name}: ${(error as Error).message}`);
    }
  }
  entries.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : a.title.localeCompare(b.title)));
  return { entries, warnings };
}

/** JSON.parse, with an error that gives the position but, unlike V8's, no excerpt of the text. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new Error(`not valid JSON${position ? ` (at character ${position})` : ''}: expected a JSON array of changelog entries`);
  }
}

function toEntry(item: unknown): ChangelogEntry | undefined {
  if (!item || typeof item !== 'object') return undefined;
  const r = item as Record<string, unknown>;
  const date = typeof r.date === 'string' && /^\d{4}-\d{2}-\d{2}/.test(r.date) ? r.date.slice(0, 10) : undefined;
  const title = typeof r.title === 'string' ? r.title : typeof r.version === 'string' ? r.version : undefined;
  if (!date || !title) return undefined;
  const changes = Array.isArray(r.changes) ? r.changes.filter((c): c is string => typeof c === 'string') : [];
  const text = changes.length ? changes.join('\n\n') : typeof r.text === 'string' ? r.text : '';
  return { date, title, url: typeof r.url === 'string' ? r.url : '', text };
}
