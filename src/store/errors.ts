/** Errors of the index store: each says which file, what went wrong and how to fix it. */

/** An index file that is missing, damaged or from another build: says which file and how to fix it. */
export class IndexLoadError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly fix = 'rebuild the index with `workos-docs-mcp ingest --full`',
  ) {
    super(`Cannot load index file ${file}: ${problem}.\nFix: ${fix}`);
    this.name = 'IndexLoadError';
  }
}

/** A write of the index failed (full or read-only disk, permissions); the previous index is untouched. */
export class IndexWriteError extends Error {
  constructor(
    readonly file: string,
    readonly code: string | undefined,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`Cannot write the index: ${problem} (${file}${code ? `, ${code}` : ''}).\nFix: ${fix}`);
    this.name = 'IndexWriteError';
  }
}

const UNCHANGED = 'the previous index is unchanged and still serves';

/**
 * Turns a file system error into an IndexWriteError that names the path. Node's own messages say
 * "ENOSPC: no space left on device, write" without the file, and a recursive mkdir on a read-only
 * disk reports ENOENT; the callers avoid the latter, this names the former.
 */
export function writeFailure(error: unknown, file: string, action: string): Error {
  if (error instanceof IndexWriteError) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOSPC':
      return new IndexWriteError(file, code, `the disk is full (${action})`, `free some disk space, or pass --index with a folder on another disk, and run ingest again; ${UNCHANGED}`);
    case 'EDQUOT':
      return new IndexWriteError(file, code, `the disk quota is used up (${action})`, `free some space in your quota, or pass --index with a folder on another disk; ${UNCHANGED}`);
    case 'EROFS':
      return new IndexWriteError(file, code, `the file system is read-only (${action})`, `pass --index with a folder on a writable disk; ${UNCHANGED}`);
    case 'EACCES':
    case 'EPERM':
      return new IndexWriteError(file, code, `permission denied (${action})`, `make the folder writable for this user, or pass --index with a folder you can write; ${UNCHANGED}`);
    case 'ENOTDIR':
      return new IndexWriteError(file, code, `a part of the path is a file, not a folder (${action})`, 'pass --index with a folder path');
    default:
      return new IndexWriteError(file, code, `${action} failed: ${(error as Error)?.message ?? String(error)}`, `check the disk and the folder, then run ingest again; ${UNCHANGED}`);
  }
}

/** Runs one file system step of a build; a failure becomes an IndexWriteError naming `file`. */
export async function writeStep<T>(file: string, action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw writeFailure(error, file, action);
  }
}
