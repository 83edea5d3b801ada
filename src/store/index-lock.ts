import { readFileSync } from 'node:fs';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import os from 'node:os';
import { writeFailure } from './errors.js';

/**
 * An exclusive lock for building one index folder: a lock file created with O_EXCL that records
 * the owner's pid, process start time and host. A lock whose owner is gone (killed, crashed) or
 * whose pid now belongs to another process (the start time differs) is stale and is taken over;
 * the take-over itself is serialised by a second O_EXCL file, so two processes that both find the
 * same stale lock cannot both win.
 */
export interface LockOwner {
  pid: number;
  /** Process start time in clock ticks since boot (Linux), to tell a reused pid from the owner. */
  start: string | null;
  host: string;
  since: string;
}

export class IndexLockedError extends Error {
  constructor(
    readonly lockFile: string,
    readonly owner: LockOwner | null,
  ) {
    const who = owner ? `pid ${owner.pid}${owner.host !== os.hostname() ? ` on ${owner.host}` : ''}, since ${owner.since}` : 'a process that is creating the lock';
    super(
      `Another ingest (${who}) is building this index; only one may write it at a time.\n` +
        `Fix: wait for it to finish and run ingest again. If no ingest is running, delete ${lockFile}.`,
    );
    this.name = 'IndexLockedError';
  }
}

export interface IndexLock {
  file: string;
  release(): Promise<void>;
}

/** A lock file this young with unreadable content is being written by its owner, not stale. */
const UNREADABLE_GRACE_MS = 10_000;

export async function acquireLock(lockFile: string): Promise<IndexLock> {
  const me: LockOwner = { pid: process.pid, start: processStart(process.pid), host: os.hostname(), since: new Date().toISOString() };
  const text = JSON.stringify(me);
  for (let attempt = 0; attempt < 20; attempt++) {
    if (await createExclusive(lockFile, text)) return { file: lockFile, release: () => releaseIfOurs(lockFile, text) };
    const seen = await readText(lockFile);
    if (seen === null) continue;
    const owner = parseOwner(seen);
    if (owner ? isAlive(owner) : await isYoung(lockFile)) throw new IndexLockedError(lockFile, owner);
    await breakStale(lockFile, seen, text);
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(Math.random() * 20)));
  }
  throw new IndexLockedError(lockFile, parseOwner((await readText(lockFile)) ?? ''));
}

/** Removes a stale lock, but only while holding the breaker file and only if it is still `stale`. */
async function breakStale(lockFile: string, stale: string, mine: string): Promise<void> {
  const breaker = `${lockFile}.break`;
  if (!(await createExclusive(breaker, mine))) {
    const seen = await readText(breaker);
    const owner = seen === null ? null : parseOwner(seen);
    // A breaker left by a process that died while breaking: remove it so the next attempt can go.
    if (seen !== null && (owner ? !isAlive(owner) : !(await isYoung(breaker)))) await unlink(breaker).catch(() => {});
    return;
  }
  try {
    if ((await readText(lockFile)) === stale) await unlink(lockFile).catch(() => {});
  } finally {
    await unlink(breaker).catch(() => {});
  }
}

async function createExclusive(file: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw writeFailure(error, file, 'creating the ingest lock');
  }
  try {
    await handle.writeFile(text);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(file).catch(() => {});
    throw writeFailure(error, file, 'writing the ingest lock');
  }
  await handle.close();
  return true;
}

async function releaseIfOurs(lockFile: string, text: string): Promise<void> {
  if ((await readText(lockFile)) === text) await unlink(lockFile).catch(() => {});
}

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}

async function isYoung(file: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(file)).mtimeMs < UNREADABLE_GRACE_MS;
  } catch {
    return false;
  }
}

function parseOwner(text: string): LockOwner | null {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string') return null;
    return { pid: value.pid, start: typeof value.start === 'string' ? value.start : null, host: value.host, since: String(value.since ?? '') };
  } catch {
    return null;
  }
}

/** Is the lock's owner still running? On another host we cannot tell, so we assume it is. */
export function isAlive(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = processStart(owner.pid);
  return !(owner.start && start && start !== owner.start);
}

/** Field 22 of /proc/PID/stat (start time since boot); null where /proc is not available. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}
