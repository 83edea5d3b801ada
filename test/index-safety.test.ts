import { DEFAULT_BASE_URL } from '../src/ids.js';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildIndex } from '../ingest/build.js';
import { resolveIndexFolder, VERSION_NAME } from '../src/store/index-dir.js';
import { loadIndex } from '../src/store/load.js';
import { canMount, deadPid, mountTmpfs, snapshot } from './helpers/disk.js';
import { copyFixtureDocs, FIXTURE_CHANGELOGS, tempDir } from './helpers/fixtures.js';
import { indexFile } from './helpers/index-files.js';
import { runCli } from './helpers/spawn.js';
import { cliInProcess } from './helpers/cli.js';
import { copyFixtureIndex } from './helpers/fixture-index.js';

// Tests that need a good index to start from copy the run's shared fixture index (the same build of
// the same docs); the builds under test are their own.
let work: { dir: string; cleanup: () => Promise<void> };
let docs: string;
let index: string;
const build = (extra: Partial<Parameters<typeof buildIndex>[0]> = {}) =>
  // The shared fixture index's base URL: a build over a copy of it can reuse what it parsed.
  buildIndex({ docsDir: docs, changelogsDir: FIXTURE_CHANGELOGS, baseUrl: DEFAULT_BASE_URL, indexDir: index, embedder: 'local', modelsDir: '', ...extra });
const manifestText = () => readFile(indexFile(index, 'manifest.json'), 'utf8');
const versions = async (dir = index) => (await readdir(dir)).filter((n) => VERSION_NAME.test(n)).sort();

beforeEach(async () => {
  work = await tempDir();
  docs = await copyFixtureDocs(work.dir);
  index = path.join(work.dir, 'index-data');
});
afterEach(async () => work.cleanup());

describe('ingest never deletes what it did not create', () => {
  it('refuses --index . in a project folder and leaves every file in place', async () => {
    // The built CLI in the project folder: `.` is its working directory, which a test process cannot change.
    const project = path.join(work.dir, 'project');
    await mkdir(path.join(project, 'src'), { recursive: true });
    await writeFile(path.join(project, 'package.json'), '{"name": "my-app"}');
    await writeFile(path.join(project, 'src', 'app.ts'), 'export const app = 1;\n');
    const before = await snapshot(project);
    const result = await runCli(['ingest', '--index', '.', '--docs', docs, '--changelogs', FIXTURE_CHANGELOGS], {}, project);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Refusing to write an index at .*project: it is a folder that is not an index and not empty \(it holds package\.json, src\)/);
    expect(result.stderr).toMatch(/Fix: pass --index with a new or empty folder/);
    expect(await snapshot(project)).toEqual(before);
  });

  it('refuses --index pointing at the docs being indexed, and the docs stay', async () => {
    const before = await snapshot(docs);
    const result = await cliInProcess(['ingest', '--index', docs, '--docs', docs, '--changelogs', FIXTURE_CHANGELOGS]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Refusing to write an index at .*docs: it is a folder that is not an index/);
    expect(await snapshot(docs)).toEqual(before);
  });

  it('refuses a regular file as --index and keeps its content', async () => {
    const file = path.join(work.dir, 'notes.txt');
    await writeFile(file, 'my notes\n');
    await expect(build({ indexDir: file })).rejects.toThrow(/Refusing to write an index at .*notes\.txt: it is a file, not a folder/);
    expect(await readFile(file, 'utf8')).toBe('my notes\n');
  });

  it('builds into an empty folder, and removes a folder it created when the build is refused', async () => {
    await mkdir(index);
    await build();
    // The fixture docs' five pages and their changelog's two.
    expect(loadIndex(index).docs).toHaveLength(7);
    const fresh = path.join(work.dir, 'new', 'index');
    const empty = path.join(work.dir, 'empty-docs');
    await mkdir(empty);
    await expect(build({ indexDir: fresh, docsDir: empty })).rejects.toThrow(/No \.md or \.mdx files/);
    expect(existsSync(fresh)).toBe(false);
  });

  it('leaves alone siblings named like old temp folders, whatever pid their name holds', async () => {
    const pid = await deadPid();
    const siblings = [`index-data.old-2024-06-01`, `index-data.tmp-${pid}-1700000000000`, `index-data.old-${pid}-1700000000000`, `index-data.hnsw-${pid}-1700000000000`];
    for (const name of siblings) {
      await mkdir(path.join(work.dir, name));
      await writeFile(path.join(work.dir, name, 'backup.txt'), 'keep me');
    }
    await build();
    await build({ full: true });
    loadIndex(index);
    const result = await cliInProcess(['search', 'wind tunnel', '--index', index]);
    expect(result.code).toBe(0);
    for (const name of siblings) expect(await readFile(path.join(work.dir, name, 'backup.txt'), 'utf8')).toBe('keep me');
  });

  it('loads an index of the older plain layout and upgrades it on the next ingest, keeping files it did not write', async () => {
    const built = path.join(work.dir, 'built');
    await copyFixtureIndex(built);
    // The older layout: the index files directly in the folder, no CURRENT.
    await cp(resolveIndexFolder(built).folder, index, { recursive: true, filter: (src) => !src.endsWith('.workos-docs-mcp') });
    await writeFile(path.join(index, 'notes.txt'), 'mine');
    expect(resolveIndexFolder(index).version).toBeNull();
    expect(loadIndex(index).docs).toHaveLength(7);
    await writeFile(path.join(docs, 'guide', 'kites.mdx'), '---\ntitle: Kites\n---\n\n## Kite strings\n\nKites fly on long strings.\n');
    const summary = await build();
    expect(summary.full).toBe(false);
    expect(resolveIndexFolder(index).version).toMatch(VERSION_NAME);
    expect(loadIndex(index).docs.map((d) => d.id)).toContain('guide/kites');
    expect((await readdir(index)).sort()).toEqual(['.workos-docs-mcp', 'CURRENT', 'notes.txt', ...(await versions())].sort());
    for (const name of ['manifest.json', 'chunks.json', 'vectors.hnsw', 'lexical.bin']) expect(existsSync(path.join(index, name))).toBe(false);
    expect(await readFile(path.join(index, 'notes.txt'), 'utf8')).toBe('mine');
  });
});

describe('ingest does not replace a good index with a worse one', () => {
  it('refuses an empty docs folder and leaves the index unchanged; --allow-empty builds an empty index on purpose', async () => {
    await copyFixtureIndex(index);
    const before = await manifestText();
    const empty = path.join(work.dir, 'empty');
    await mkdir(empty);
    const result = await cliInProcess(['ingest', '--index', index, '--docs', empty]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/No \.md or \.mdx files in .*empty, so nothing was built[\s\S]*--allow-empty/);
    expect(await manifestText()).toBe(before);
    expect(loadIndex(index).docs).toHaveLength(7);
    // --allow-empty alone does not wipe a good index: that is a shrink, which needs its own flag.
    await expect(build({ docsDir: empty, allowEmpty: true })).rejects.toThrow(/would lose 5 of its 5 docs/);
    const other = path.join(work.dir, 'other');
    const summary = await build({ docsDir: empty, allowEmpty: true, indexDir: other });
    // No docs; the changelog's entries are still pages.
    expect(summary.docs).toBe(2);
    expect(loadIndex(other).docs.map((d) => d.id)).toEqual(['changelog/2026-01-10-gliders', 'changelog/2025-06-01-paint-colours']);
  });

  it('refuses a build that loses more than max(1, 10%) of the docs, naming them and --allow-shrink', async () => {
    await copyFixtureIndex(index);
    const before = await manifestText();
    await rm(path.join(docs, 'guide', 'testing.mdx'));
    await rm(path.join(docs, 'reference', 'widgets', 'create.mdx'));
    const refused = build();
    await expect(refused).rejects.toThrow(/would lose 2 of its 5 docs \(more than the limit of 10%\): guide\/testing, reference\/widgets\/create\. The previous index is unchanged\.[\s\S]*--allow-shrink/);
    expect(await manifestText()).toBe(before);
    const cli = await cliInProcess(['ingest', '--index', index, '--docs', docs, '--changelogs', FIXTURE_CHANGELOGS]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/--allow-shrink/);
    expect(await manifestText()).toBe(before);
    const summary = await build({ allowShrink: true });
    expect(summary.lost).toEqual(['guide/testing', 'reference/widgets/create']);
    expect(loadIndex(index).docs).toHaveLength(5);
  });

  it('keeps the previous version of a changed doc that can no longer be read, and without one counts it as failed and lost, not removed', async () => {
    // A page that does not parse is indexed as plain Markdown or text (see hostile.test.ts); one over
    // the size limit is refused before it is read.
    const limits = { maxFileBytes: 5_000 };
    // Every fixture file is under the limit: the shared fixture index is what this build would make.
    await copyFixtureIndex(index);
    const oversized = (title: string) => `---\ntitle: ${title}\n---\n\n${'A long page about wind. '.repeat(300)}\n`;
    const testing = path.join(docs, 'guide', 'testing.mdx');
    const create = path.join(docs, 'reference', 'widgets', 'create.mdx');
    const good = await readFile(create, 'utf8');
    await writeFile(testing, oversized('Testing'));
    await writeFile(create, oversized('Widgets'));
    // An update keeps what the index had for both, flagged as stale.
    const kept = await build({ limits });
    expect(kept.files).toMatchObject({ removed: 0, failed: 0, stale: 2 });
    expect(kept.lost).toEqual([]);
    expect(kept.stale.map((s) => s.path)).toEqual(['guide/testing.mdx', 'reference/widgets/create.mdx']);
    // A build from scratch has no previous version: two of five docs lost is more than the limit.
    await expect(build({ limits, full: true })).rejects.toThrow(/would lose 2 of its 5 docs \(more than the limit of 10%\): guide\/testing, reference\/widgets\/create; 2 of them could not be indexed/);
    await writeFile(create, good);
    const summary = await build({ limits, full: true });
    expect(summary.files).toMatchObject({ removed: 0, failed: 1 });
    expect(summary.lost).toEqual(['guide/testing']);
    expect(summary.failures.map((f) => f.path)).toEqual(['guide/testing.mdx']);
    const cli = await cliInProcess(['ingest', '--full', '--index', index, '--docs', docs, '--changelogs', FIXTURE_CHANGELOGS, '--max-file-bytes', '5000']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/1 file could not be indexed and is not in the index: guide\/testing\.mdx \(file is \d+ bytes, over the 5000-byte limit/);
  });

  it('refuses to switch to an index whose HNSW file came out short (a full disk) and keeps the previous one', async () => {
    await copyFixtureIndex(index);
    const before = resolveIndexFolder(index).version;
    await writeFile(path.join(docs, 'guide', 'kites.mdx'), '---\ntitle: Kites\n---\n\n## Kite strings\n\nKites fly on long strings.\n');
    // hnswlib ignores write errors: on a full disk it leaves a truncated file and reports success.
    const cut = async (file: string) => truncate(file, Math.floor((await stat(file)).size / 2));
    await expect(build({ afterHnswWrite: cut })).rejects.toThrow(/the HNSW file read back is incomplete \(\d+ bytes[\s\S]*disk is probably full \(.*vectors\.hnsw\)/);
    expect(resolveIndexFolder(index).version).toBe(before);
    expect(await versions()).toEqual([before]);
    expect(loadIndex(index).docs.map((d) => d.id)).not.toContain('guide/kites');
  });
});

describe.skipIf(!canMount())('a real full or read-only disk (tmpfs; needs root)', () => {
  it('fails a build on a full disk with the file named, keeps the previous index, and succeeds once there is room', async () => {
    const disk = path.join(work.dir, 'disk');
    const unmount = await mountTmpfs(disk, 'size=400k');
    if (!unmount) throw new Error('mount failed although running as root');
    try {
      index = path.join(disk, 'index-data');
      await build();
      const before = resolveIndexFolder(index).version;
      const free = 4096 * 6;
      const { bavail, bsize } = await import('node:fs/promises').then((fs) => fs.statfs(disk));
      await writeFile(path.join(disk, 'filler'), Buffer.alloc(Math.max(0, bavail * bsize - free)));
      await appendNewDoc();
      await expect(build({ full: true })).rejects.toThrow(/Cannot write the index: (the disk is full|the HNSW file read back is incomplete[\s\S]*disk is probably full)[\s\S]*index-data\/v-/);
      expect(resolveIndexFolder(index).version).toBe(before);
      expect(await versions()).toEqual([before]);
      expect(loadIndex(index).docs).toHaveLength(7);
      await rm(path.join(disk, 'filler'));
      await build({ full: true });
      expect(loadIndex(index).docs).toHaveLength(8);
    } finally {
      unmount();
    }
  });

  it('reports a read-only disk as read-only, with the path, not as ENOENT', async () => {
    const disk = path.join(work.dir, 'ro');
    const unmount = await mountTmpfs(disk, 'size=100k,ro');
    if (!unmount) throw new Error('mount failed although running as root');
    try {
      const error = await build({ indexDir: path.join(disk, 'index-data') }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/the file system is read-only \(creating the index folder\) \(.*ro\/index-data, EROFS\)/);
      expect((error as Error).message).not.toMatch(/ENOENT/);
    } finally {
      unmount();
    }
  });
});

describe('one ingest at a time; readers change nothing', () => {
  it('refuses a second ingest while one is building, naming the owner, and the first completes', async () => {
    await copyFixtureIndex(index);
    let second: Error | undefined;
    const first = await build({
      full: true,
      beforeWrite: async () => {
        second = await build().then(
          () => undefined,
          (e: Error) => e,
        );
      },
    });
    expect(second?.message).toMatch(new RegExp(`Another ingest \\(pid ${process.pid}, since .+\\) is building this index[\\s\\S]*ingest\\.lock`));
    expect(first.full).toBe(true);
    expect(existsSync(path.join(index, 'ingest.lock'))).toBe(false);
    const cli = await cliInProcess(['ingest', '--index', index, '--docs', docs, '--changelogs', FIXTURE_CHANGELOGS]);
    expect(cli.stderr).not.toMatch(/Another ingest/);
  });

  it('takes over the lock of an ingest that was killed', async () => {
    await copyFixtureIndex(index);
    await writeFile(path.join(index, 'ingest.lock'), JSON.stringify({ pid: await deadPid(), start: '1', host: (await import('node:os')).hostname(), since: '2026-01-01T00:00:00Z' }));
    await build({ full: true });
    expect(existsSync(path.join(index, 'ingest.lock'))).toBe(false);
  });

  it('search, stats and loading rename or delete nothing, even beside leftovers of an interrupted build', async () => {
    await copyFixtureIndex(index);
    // Leftovers: a stale lock, an unfinished version, a pointer temp file, and an old-style `.old` sibling.
    await writeFile(path.join(index, 'ingest.lock'), JSON.stringify({ pid: await deadPid(), start: '1', host: 'h', since: 'x' }));
    const unfinished = path.join(index, 'v-20260101T000000000Z-1-0a0b0c0d');
    await mkdir(unfinished);
    await writeFile(path.join(unfinished, '.workos-docs-mcp'), '{}');
    await writeFile(path.join(index, 'CURRENT.tmp-1-0a0b0c0d'), 'v-20260101T000000000Z-1-0a0b0c0d\n');
    await cp(resolveIndexFolder(index).folder, path.join(work.dir, `index-data.old-1-1700000000000`), { recursive: true });
    const before = await snapshot(work.dir);
    loadIndex(index);
    expect((await cliInProcess(['search', 'wind tunnel', '--index', index])).code).toBe(0);
    expect((await cliInProcess(['stats', '--index', index])).code).toBe(0);
    expect(await snapshot(work.dir)).toEqual(before);
    // With the index folder gone, a reader reports it and does not "restore" the `.old` sibling.
    await rm(index, { recursive: true });
    const gone = await snapshot(work.dir);
    const search = await cliInProcess(['search', 'wind tunnel', '--index', index]);
    expect(search.code).toBe(1);
    expect(search.stderr).toMatch(/manifest\.json: it does not exist/);
    expect(await snapshot(work.dir)).toEqual(gone);
  });

  it('reports a damaged CURRENT pointer, and the next ingest replaces it', async () => {
    await copyFixtureIndex(index);
    await writeFile(path.join(index, 'CURRENT'), '../../etc\n');
    expect(() => loadIndex(index)).toThrow(/CURRENT: it names "\.\.\/\.\.\/etc", which is not an index version folder/);
    const summary = await build();
    expect(summary.full).toBe(true);
    expect(loadIndex(index).docs).toHaveLength(7);
  });

  it('never shows a reader a gap or a mix while ingests switch versions', async () => {
    await copyFixtureIndex(index);
    let loads = 0;
    const failures: string[] = [];
    let stop = false;
    const reader = (async () => {
      while (!stop) {
        try {
          const loaded = loadIndex(index);
          if (loaded.chunks.length !== loaded.manifest.counts.chunks) failures.push('mixed');
          loads++;
        } catch (error) {
          failures.push((error as Error).message);
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let i = 0; i < 4; i++) {
      await writeFile(path.join(docs, 'guide', `page-${i}.mdx`), `---\ntitle: Page ${i}\n---\n\n## Part ${i}\n\nText number ${i}.\n`);
      await build();
    }
    stop = true;
    await reader;
    expect(failures).toEqual([]);
    expect(loads).toBeGreaterThan(4);
    expect(loadIndex(index).docs).toHaveLength(11);
    // The version it replaced stays for readers that resolved it a moment ago; older ones go.
    expect(await versions()).toHaveLength(2);
  });
});

async function appendNewDoc(): Promise<void> {
  await writeFile(path.join(docs, 'guide', 'kites.mdx'), `---\ntitle: Kites\n---\n\n## Kite strings\n\n${'Kites fly on long strings in steady wind. '.repeat(40)}\n`);
}
