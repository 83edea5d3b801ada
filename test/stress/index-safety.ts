// Opt-in stress run of ingest's safety (not part of `npm test`): `npm run stress` (needs root
// for the tmpfs disk-full cases; they are reported as skipped otherwise). It repeats, against temp
// folders only:
//   - kill -9 of a full build at N points spread over its duration;
//   - M concurrent ingests into one index;
//   - MCP queries to a running server (and CLI searches) during several reindexes;
//   - a disk that fills up during the HNSW write and during the other writes (small tmpfs), then frees up;
//   - the destructive cases: --index ., --index DOCS, --index FILE, user backups beside the index;
//   - the worse-index cases: an empty docs folder, a docs folder that lost 30% of its files.
// and prints the counts that must all be 0. Options: --kills N (20), --concurrent N (24),
// --reindexes N (4), --docs DIR (default: the default corpus).
import { execFileSync, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, stat, statfs, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { defaultCorpus } from '../../ingest/discover.js';
import { resolveIndexFolder, VERSION_NAME } from '../../src/store/index-dir.js';
import { loadIndex } from '../../src/store/load.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');

const { values } = parseArgs({
  options: { kills: { type: 'string', default: '20' }, concurrent: { type: 'string', default: '24' }, reindexes: { type: 'string', default: '4' }, docs: { type: 'string' } },
});
const KILLS = Number(values.kills);
const CONCURRENT = Number(values.concurrent);
const REINDEXES = Number(values.reindexes);

const counts = { corruptions: 0, userFilesDeleted: 0, worseIndexSwappedIn: 0, failedQueries: 0 };
const notes: string[] = [];
const log = (line: string) => console.log(line);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The index at `dir` loads (every checksum verified) and holds at least `minDocs` docs. */
function check(dir: string, what: string, minDocs: number): number {
  try {
    const index = loadIndex(dir);
    if (index.docs.length < minDocs) {
      counts.worseIndexSwappedIn++;
      notes.push(`${what}: the index holds ${index.docs.length} docs, fewer than ${minDocs}`);
    }
    return index.docs.length;
  } catch (error) {
    counts.corruptions++;
    notes.push(`${what}: ${(error as Error).message.split('\n')[0]}`);
    return 0;
  }
}

async function sentinels(dir: string, index: string): Promise<string[]> {
  const dead = await deadPid();
  const files = [
    path.join(dir, `${path.basename(index)}.old-2024-06-01`, 'backup.txt'),
    path.join(dir, `${path.basename(index)}.tmp-${dead}-1700000000000`, 'x.txt'),
    path.join(dir, `${path.basename(index)}.old-${dead}-1700000000000`, 'manifest.json'),
    path.join(dir, `${path.basename(index)}.hnsw-${dead}-1700000000000`),
    path.join(dir, 'notes.txt'),
  ];
  for (const file of files) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, 'a user file\n');
  }
  return files;
}

async function countMissing(files: string[], what: string): Promise<void> {
  for (const file of files) {
    try {
      await stat(file);
    } catch {
      counts.userFilesDeleted++;
      notes.push(`${what}: ${file} was deleted`);
    }
  }
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('close', resolve));
  return child.pid ?? 999_999;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) if (entry.isFile()) out.push(path.join(entry.parentPath, entry.name));
  return out;
}

async function killRuns(index: string, docs: string, baseDocs: number): Promise<void> {
  const start = Date.now();
  const run = await cli(['ingest', '--full', '--index', index, '--docs', docs]);
  const timed = Date.now() - start;
  if (run.code !== 0) throw new Error(`a full build failed: ${run.stderr}`);
  log(`kill -9: a full build takes ${timed} ms here; killing ${KILLS} builds at points spread over it`);
  // A build that finishes before its kill point (the machine got faster) gives the new duration,
  // and the same point is tried again, so that the kills stay spread over a whole build.
  let duration = timed;
  let killed = 0;
  let finished = 0;
  for (let i = 1; i <= KILLS; i++) {
    for (let attempt = 0; attempt < 4; attempt++) {
      const began = Date.now();
      const child = spawn(process.execPath, [CLI, 'ingest', '--full', '--index', index, '--docs', docs], { stdio: 'ignore' });
      const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
      const early = await Promise.race([closed.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), Math.round((duration * i) / (KILLS + 1))))]);
      if (!early) child.kill('SIGKILL');
      await closed;
      check(index, `after kill -9 #${i}`, baseDocs);
      if (!early) {
        killed++;
        break;
      }
      finished++;
      duration = Date.now() - began;
    }
  }
  log(`  ${killed} builds killed at points spread over a build; ${finished} more finished before their kill point and were re-timed`);
  const after = await cli(['ingest', '--index', index, '--docs', docs]);
  if (after.code !== 0) notes.push(`the ingest after the kills failed: ${after.stderr.split('\n').slice(-3).join(' ')}`);
  check(index, 'after the kill -9 runs and one more ingest', baseDocs);
  const versions = (await readdir(index)).filter((n) => VERSION_NAME.test(n));
  log(`  ${versions.length} version folders remain after the next ingest (the current one and the one it replaced)`);
}

async function concurrentRuns(index: string, docs: string, baseDocs: number): Promise<void> {
  const runs = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => cli(['ingest', ...(i % 2 ? ['--full'] : []), '--index', index, '--docs', docs])));
  const ok = runs.filter((r) => r.code === 0).length;
  const locked = runs.filter((r) => r.code === 1 && /Another ingest/.test(r.stderr)).length;
  const other = runs.length - ok - locked;
  log(`concurrent: ${CONCURRENT} ingests at once: ${ok} built, ${locked} refused (another ingest holds the lock), ${other} failed otherwise`);
  for (const r of runs.filter((x) => x.code !== 0 && !/Another ingest/.test(x.stderr))) notes.push(`concurrent ingest failed: ${r.stderr.split('\n').slice(-3).join(' ')}`);
  check(index, 'after the concurrent ingests', baseDocs);
}

async function queriesDuringReindex(index: string, docs: string, baseDocs: number): Promise<void> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'serve', '--index', index], stderr: 'pipe' });
  let serverLog = '';
  transport.stderr?.on('data', (d: Buffer) => (serverLog += d.toString()));
  const client = new Client({ name: 'stress', version: '1.0.0' });
  await client.connect(transport);
  let queries = 0;
  let stop = false;
  const queriesLoop = (async () => {
    const asks = ['how do I test SSO', 'directory sync webhooks', 'getAuthorizationUrl', 'audit logs export'];
    while (!stop) {
      try {
        const result = await client.callTool({ name: 'search_docs', arguments: { query: asks[queries % asks.length], limit: 3 } });
        const results = (result.structuredContent as { results?: unknown[] } | undefined)?.results ?? [];
        if (result.isError || results.length === 0) {
          counts.failedQueries++;
          notes.push(`query failed during reindex: ${JSON.stringify(result.content).slice(0, 200)}`);
        }
      } catch (error) {
        counts.failedQueries++;
        notes.push(`query threw during reindex: ${(error as Error).message}`);
      }
      queries++;
    }
  })();
  let cliSearches = 0;
  for (let i = 0; i < REINDEXES; i++) {
    const edited = path.join(docs, `stress-page-${i}.mdx`);
    await writeFile(edited, `---\ntitle: Stress page ${i}\n---\n\n## Part ${i}\n\nStress text number ${i} about kites.\n`);
    const searches = Array.from({ length: 3 }, () => cli(['search', 'how do I test SSO', '--index', index, '--json']));
    const ingest = await cli(['ingest', ...(i % 2 ? ['--full'] : []), '--index', index, '--docs', docs]);
    for (const s of await Promise.all(searches)) {
      cliSearches++;
      if (s.code !== 0 || !(JSON.parse(s.stdout || '{}') as { results?: unknown[] }).results?.length) {
        counts.failedQueries++;
        notes.push(`CLI search failed during reindex: ${s.stderr.split('\n')[0]}`);
      }
    }
    if (ingest.code !== 0) notes.push(`reindex ${i} failed: ${ingest.stderr.split('\n').slice(-3).join(' ')}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 2500));
  stop = true;
  await queriesLoop;
  await client.close();
  const reloads = (serverLog.match(/index reloaded/g) ?? []).length;
  log(`reindex: ${REINDEXES} reindexes while a server answered ${queries} MCP searches and ${cliSearches} CLI searches ran; the server reloaded ${reloads} times`);
  check(index, 'after the reindexes', baseDocs);
}

async function diskFull(work: string, docs: string): Promise<void> {
  if (process.getuid?.() !== 0) {
    log('disk full: skipped (mounting a tmpfs needs root)');
    return;
  }
  for (const [label, leaveFree] of [
    ['during the HNSW write', 256 * 1024],
    ['during the other writes', 6 * 1024 * 1024],
  ] as const) {
    const disk = path.join(work, `disk-${leaveFree}`);
    await mkdir(disk);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', disk]);
    try {
      const index = path.join(disk, 'index-data');
      const first = await cli(['ingest', '--index', index, '--docs', docs]);
      if (first.code !== 0) throw new Error(`building on the tmpfs failed: ${first.stderr}`);
      const before = resolveIndexFolder(index).version;
      const baseDocs = check(index, `disk full ${label}: before`, 1);
      const { bavail, bsize } = await statfs(disk);
      await writeFile(path.join(disk, 'filler'), Buffer.alloc(Math.max(0, bavail * bsize - leaveFree)));
      const full = await cli(['ingest', '--full', '--index', index, '--docs', docs]);
      const message = full.stderr.split('\n').find((l) => l.startsWith('Error:')) ?? '(no error line)';
      log(`disk full ${label}: ingest exit ${full.code}; ${message.slice(0, 220)}`);
      if (full.code === 0) notes.push(`disk full ${label}: ingest exited 0`);
      if (!/disk is (probably )?full/.test(message) || !message.includes(index)) notes.push(`disk full ${label}: the error does not say the disk is full or does not name the path`);
      check(index, `disk full ${label}: after the failed ingest`, baseDocs);
      if (resolveIndexFolder(index).version !== before) notes.push(`disk full ${label}: the current version changed`);
      await rm(path.join(disk, 'filler'));
      const again = await cli(['ingest', '--full', '--index', index, '--docs', docs]);
      log(`disk full ${label}: with room again, ingest exit ${again.code}`);
      if (again.code !== 0) notes.push(`disk full ${label}: ingest with room again failed: ${again.stderr.split('\n').slice(-3).join(' ')}`);
      check(index, `disk full ${label}: after room was made`, baseDocs);
    } finally {
      execFileSync('umount', ['-l', disk]);
    }
  }
  const ro = path.join(work, 'ro');
  await mkdir(ro);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,ro', 'tmpfs', ro]);
  try {
    const r = await cli(['ingest', '--index', path.join(ro, 'index-data'), '--docs', docs]);
    log(`read-only disk: ingest exit ${r.code}; ${(r.stderr.split('\n').find((l) => l.startsWith('Error:')) ?? '').slice(0, 200)}`);
  } finally {
    execFileSync('umount', ['-l', ro]);
  }
}

async function destructiveCases(work: string, docs: string): Promise<void> {
  const project = path.join(work, 'project');
  await mkdir(path.join(project, 'src'), { recursive: true });
  await writeFile(path.join(project, 'package.json'), '{"name": "app"}');
  await writeFile(path.join(project, 'src', 'app.ts'), 'export {};\n');
  const file = path.join(work, 'a-file.txt');
  await writeFile(file, 'mine\n');
  const before = [...(await listFiles(project)), ...(await listFiles(docs)), file];
  const runs = [await cli(['ingest', '--index', '.', '--docs', docs], project), await cli(['ingest', '--index', docs, '--docs', docs]), await cli(['ingest', '--index', file, '--docs', docs])];
  log(`destructive: --index . / --index DOCS / --index FILE exit ${runs.map((r) => r.code).join(' / ')}`);
  await countMissing(before, 'destructive cases');
}

async function worseIndexCases(index: string, docs: string, work: string, baseDocs: number): Promise<void> {
  const empty = path.join(work, 'empty-docs');
  await mkdir(empty);
  const e = await cli(['ingest', '--index', index, '--docs', empty]);
  const emptyAllowed = await cli(['ingest', '--index', index, '--docs', empty, '--allow-empty']);
  check(index, 'after an empty docs folder', baseDocs);
  const shrunk = path.join(work, 'shrunk-docs');
  await cp(docs, shrunk, { recursive: true });
  const files = (await listFiles(shrunk)).filter((f) => f.endsWith('.mdx')).sort();
  for (const f of files.filter((_, i) => i % 3 === 0)) await rm(f);
  const s = await cli(['ingest', '--index', index, '--docs', shrunk]);
  check(index, 'after a docs folder that lost a third of its files', baseDocs);
  log(`worse index: empty docs exit ${e.code}, with --allow-empty only exit ${emptyAllowed.code}, a third of the docs gone exit ${s.code}`);
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'wdm-stress-'));
  try {
    const docs = path.join(work, 'docs');
    await cp(values.docs ?? defaultCorpus().docs, docs, { recursive: true });
    const index = path.join(work, 'index-data');
    const users = await sentinels(work, index);
    const first = await cli(['ingest', '--index', index, '--docs', docs]);
    if (first.code !== 0 && first.code !== 1) throw new Error(`the first build failed: ${first.stderr}`);
    await writeFile(path.join(index, 'my-notes.txt'), 'a user file inside the index folder\n');
    users.push(path.join(index, 'my-notes.txt'));
    const baseDocs = check(index, 'the first build', 1);
    log(`corpus: ${baseDocs} docs in ${docs}`);
    await killRuns(index, docs, baseDocs);
    await concurrentRuns(index, docs, baseDocs);
    await queriesDuringReindex(index, docs, baseDocs);
    await worseIndexCases(index, docs, work, baseDocs);
    await destructiveCases(work, docs);
    await diskFull(work, docs);
    await countMissing(users, 'user files beside and inside the index');
    log('');
    log(`corruptions:                                        ${counts.corruptions}`);
    log(`user files deleted:                                 ${counts.userFilesDeleted}`);
    log(`good index replaced by a worse one (no --allow-shrink): ${counts.worseIndexSwappedIn}`);
    log(`failed queries during reindex:                      ${counts.failedQueries}`);
    if (notes.length) log(`\nnotes:\n  ${notes.join('\n  ')}`);
    process.exitCode = Object.values(counts).some((n) => n > 0) ? 1 : 0;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
