import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChangelogEntry } from '../../src/types.js';
import type { SourceRecord } from '../../src/store/format/manifest.js';
import type { ChangelogResult } from '../changelog.js';
import { compareVersionsDescending, parseChangelogMarkdown } from '../changelog-md.js';
import { packageFolder, type ListOptions } from './files.js';
import { cacheKey } from './npm-package.js';
import { publishTimesOf } from './publish-times.js';
import { npmPageUrl } from './sources.js';

/**
 * The most versions one package's CHANGELOG.md contributes, newest first: enough for "what
 * changed lately" and "since when", without a long-lived package's hundreds of patch notes
 * outnumbering the docs' own changelog.
 */
export const MAX_PACKAGE_VERSIONS = 30;

/**
 * An npm-package source's own CHANGELOG.md, one entry per version heading (the newest
 * MAX_PACKAGE_VERSIONS). A version is dated by its heading when that carries a date, else by the
 * registry's publish time (asked once per package version and cached beside its tarball); when
 * neither can be had the entry stays undated. A package without a CHANGELOG.md has no entries.
 */
export async function readPackageChangelog(source: SourceRecord, options: ListOptions & { maxFileBytes?: number }): Promise<ChangelogResult> {
  const { dir, name, version } = await packageFolder(source, options);
  const file = (await readdir(dir)).find((n) => /^changelog\.(md|markdown)$/i.test(n));
  if (!file) return { entries: [], warnings: [] };
  const where = `${name}@${version}/${file}`;
  const stat = await lstat(path.join(dir, file));
  if (!stat.isFile()) return { entries: [], warnings: [`${where}: not a regular file; skipped`] };
  if (stat.size > (options.maxFileBytes ?? Number.MAX_SAFE_INTEGER)) {
    return { entries: [], warnings: [`${where}: file is ${stat.size} bytes, over the ${options.maxFileBytes}-byte limit (raise it with --max-file-bytes); skipped`] };
  }
  const seen = new Set<string>();
  const sections = parseChangelogMarkdown(await readFile(path.join(dir, file), 'utf8'))
    .filter((s) => !seen.has(s.version) && Boolean(seen.add(s.version)))
    .sort((a, b) => compareVersionsDescending(a.version, b.version))
    .slice(0, MAX_PACKAGE_VERSIONS);
  const warnings: string[] = [];
  let times: Record<string, string> = {};
  if (sections.some((s) => !s.date)) {
    const cacheFile = options.cacheDir ? path.join(options.cacheDir, `${cacheKey(name, version)}.publish-times.json`) : undefined;
    try {
      // --offline: only what an earlier run cached.
      const ask = options.offline ? () => Promise.reject(new Error('not asked with --offline')) : options.publishTimes;
      times = await publishTimesOf(name, cacheFile, ask);
    } catch (error) {
      warnings.push(`${where}: no publish dates from the npm registry (${(error as Error).message.split('\n')[0]}); its versions without a date in their heading stay undated`);
    }
  }
  const repository = githubFile(await repositoryOf(dir), file);
  const id = changelogIdOf(source);
  const entries: ChangelogEntry[] = sections.map((s) => ({
    date: s.date ?? /^\d{4}-\d{2}-\d{2}/.exec(times[s.version] ?? '')?.[0] ?? '',
    title: `${name} ${s.version}`,
    url: repository ? `${repository}#${s.anchor}` : npmPageUrl(name, s.version),
    text: s.body,
    source: name,
    id: `${id}/${s.version}`,
  }));
  return { entries, warnings };
}

/** A package's part of the changelog ids: its prefix without `sdk/` (`widgets`), else its prefix. */
function changelogIdOf(source: SourceRecord): string {
  return source.prefix.replace(/^sdk\//, '') || (source.package ?? source.name).replace(/^@/, '');
}

async function repositoryOf(dir: string): Promise<unknown> {
  try {
    return (JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { repository?: unknown }).repository;
  } catch {
    return undefined;
  }
}

/**
 * The web page of a file of the package's GitHub repository, from package.json's `repository`
 * (`"github:o/r"`, `"o/r"`, a git or https URL, or `{ url, directory }`); undefined for any other host.
 */
export function githubFile(repository: unknown, file: string): string | undefined {
  const spec = typeof repository === 'string' ? repository : (repository as { url?: unknown } | undefined)?.url;
  const directory = typeof repository === 'object' && repository ? (repository as { directory?: unknown }).directory : undefined;
  if (typeof spec !== 'string') return undefined;
  const match =
    /^(?:github:)?([\w.-]+)\/([\w.-]+?)(?:\.git)?$/.exec(spec) ?? /^(?:git\+)?(?:https?|git|ssh):\/\/(?:[^@/]+@)?github\.com[/:]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(spec) ?? /^git@github\.com:([\w.-]+)\/([\w.-]+?)(?:\.git)?$/.exec(spec);
  if (!match) return undefined;
  const folder = typeof directory === 'string' ? directory.replace(/^\/+|\/+$/g, '') : '';
  return `https://github.com/${match[1]}/${match[2]}/blob/HEAD/${folder ? `${folder}/` : ''}${file}`;
}
