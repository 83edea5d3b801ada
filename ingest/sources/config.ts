import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { fetchBoundsOf, type SourceRecord } from '../../src/store/format/manifest.js';
import { feedSource, folderSource, siteSource, workosDocsSource } from './sources.js';

/** The config file ingest reads from the current folder when no `--config` is given. */
export const CONFIG_FILE = 'workos-docs-mcp.config.json';

const folderEntry = z
  .object({
    docs: z.string().min(1),
    name: z.string().optional(),
    baseUrl: z.string().optional(),
    changelogs: z.string().nullable().optional(),
    prefix: z.string().optional(),
  })
  .strict();
const presetEntry = z.object({ preset: z.literal('workos-docs'), prefix: z.string().optional() }).strict();
const fetchFields = {
  maxPages: z.number().int().positive().optional(),
  timeoutMs: z.number().int().positive().optional(),
  maxPageBytes: z.number().int().positive().optional(),
};
const siteEntry = z
  .object({ llmsTxt: z.string().min(1), name: z.string().optional(), baseUrl: z.string().optional(), prefix: z.string().optional(), ...fetchFields })
  .strict();
const feedEntry = z.object({ changelogFeed: z.string().min(1), name: z.string().optional(), prefix: z.string().optional(), ...fetchFields }).strict();

const configSchema = z
  .object({
    /** Index folder to write (relative to the config file). */
    index: z.string().optional(),
    embedder: z.enum(['local', 'transformers']).optional(),
    model: z.string().optional(),
    sources: z.array(z.union([folderEntry, presetEntry, siteEntry, feedEntry])).min(1).optional(),
  })
  .strict();

export interface IngestConfig {
  file: string;
  index?: string;
  embedder?: 'local' | 'transformers';
  model?: string;
  sources?: SourceRecord[];
}

/**
 * Reads and checks a config file; paths in it are relative to its folder. Every field is
 * optional; CLI flags override what it says. Undefined when `file` is not given and there is no
 * config file in `cwd`.
 */
export function readIngestConfig(file: string | undefined, cwd: string): IngestConfig | undefined {
  const where = path.resolve(cwd, file ?? CONFIG_FILE);
  if (file === undefined && !statSync(where, { throwIfNoEntry: false })?.isFile()) return undefined;
  let text: string;
  try {
    text = readFileSync(where, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read the config file ${where}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. Pass --config with a readable JSON file.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`The config file ${where} is not valid JSON (${(error as Error).message}).`);
  }
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? issue.path.join('.') : '(top level)';
    throw new Error(
      `The config file ${where} is not valid at ${at}: ${issue?.message ?? 'unexpected value'}.\n` +
        'Expected e.g. {"index": "./my-index", "sources": [{"docs": "./docs", "name": "Acme", "baseUrl": "https://acme.dev/docs"}, {"preset": "workos-docs", "prefix": "workos"}, ' +
          '{"llmsTxt": "https://acme.dev/llms.txt", "name": "Acme site", "prefix": "site"}, {"changelogFeed": "https://acme.dev/changelog/rss.xml"}]}.',
    );
  }
  const dir = path.dirname(where);
  const config = parsed.data;
  return {
    file: where,
    ...(config.index ? { index: path.resolve(dir, config.index) } : {}),
    ...(config.embedder ? { embedder: config.embedder } : {}),
    ...(config.model ? { model: config.model } : {}),
    ...(config.sources
      ? {
          sources: config.sources.map((entry) =>
            'preset' in entry
              ? workosDocsSource(entry.prefix ?? '')
              : 'llmsTxt' in entry
                ? siteSource({ llmsTxt: entry.llmsTxt, name: entry.name, baseUrl: entry.baseUrl, prefix: entry.prefix, fetch: fetchBoundsOf(entry) })
                : 'changelogFeed' in entry
                  ? feedSource({ feedUrl: entry.changelogFeed, name: entry.name, prefix: entry.prefix, fetch: fetchBoundsOf(entry) })
                  : folderSource({
                  docs: path.resolve(dir, entry.docs),
                  ...(entry.name !== undefined ? { name: entry.name } : {}),
                  ...(entry.baseUrl !== undefined ? { baseUrl: entry.baseUrl } : {}),
                  ...(entry.changelogs ? { changelogs: path.resolve(dir, entry.changelogs) } : {}),
                  ...(entry.prefix !== undefined ? { prefix: entry.prefix } : {}),
                }),
          ),
        }
      : {}),
  };
}

