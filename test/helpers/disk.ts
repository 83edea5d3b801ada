import { execFileSync, spawn } from 'node:child_process';
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** Every path under `dir` with its size and modification time: equal snapshots mean nothing changed. */
export async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    for (const entry of entries) {
      const relPath = path.join(rel, entry.name);
      const info = await stat(path.join(dir, relPath));
      out.push(`${relPath} ${entry.isDirectory() ? 'dir' : info.size} ${info.mtimeMs}`);
      if (entry.isDirectory()) await walk(relPath);
    }
  };
  await walk('');
  return out.sort();
}

/** The pid of a process that has exited (and whose pid is, for a while, not reused). */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('close', resolve));
  return child.pid ?? 999_999;
}

/**
 * Mounts a small tmpfs at `dir` (root only, as on CI containers and this project's dev machines),
 * so that a full or read-only disk is a real one. Returns undefined where mounting is not allowed.
 */
export async function mountTmpfs(dir: string, options: string): Promise<(() => void) | undefined> {
  await mkdir(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return () => execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
}

export function canMount(): boolean {
  return process.getuid?.() === 0;
}
