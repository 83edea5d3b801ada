import { existsSync } from 'node:fs';
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { indexFile, plainFallback, type FileJob, type IndexedFile, type IndexFileOptions } from './index-file.js';
import { ParseError } from './parse.js';
import { emptyRegistry, type ReferenceRegistry } from './reference.js';

/**
 * Parses files in child processes, each with a heap limit and a per-file time limit: a parse
 * that runs too long or needs too much memory (quadratic or pathological markup) is stopped,
 * its process replaced, and the file indexed as plain text. (Processes, not worker threads: a
 * thread that reaches its heap limit can take the whole process down with it.)
 */
export interface ParsePool {
  /** Starts the processes now, so that they load while the caller reads files (when most files will be parsed). */
  warm(): void;
  /** The registry files resolve `(group.key)` placeholders against: set it before the first `index`. */
  setRegistry(registry: ReferenceRegistry): void;
  index(job: FileJob): Promise<IndexedFile>;
  close(): Promise<void>;
  /** False when running from TypeScript sources (tests): files are then parsed inline, without the time and memory guard. */
  readonly guarded: boolean;
}

type Reply = { ok: true; file: IndexedFile } | { ok: false; error: { path: string; line?: number; column?: number; reason: string } } | { ready: true };

interface Task {
  job: FileJob;
  resolve: (file: IndexedFile) => void;
  reject: (error: Error) => void;
}

const WORKER = new URL('./parse-worker.js', import.meta.url);

export function createParsePool(base: Omit<IndexFileOptions, 'registry'>): ParsePool {
  let options: IndexFileOptions = { ...base, registry: emptyRegistry() };
  let registered = false;
  const requireRegistry = () => {
    if (!registered) throw new Error('ParsePool.setRegistry must be called before index');
  };
  if (!existsSync(fileURLToPath(WORKER))) {
    return {
      guarded: false,
      warm: () => {},
      setRegistry: (registry) => {
        options = { ...base, registry };
        registered = true;
      },
      index: async (job) => {
        requireRegistry();
        return indexFile(job, options);
      },
      close: async () => {},
    };
  }
  const { limits } = options;
  const processes = Math.max(1, Math.min(limits.parseProcesses, availableParallelism()));
  const queue: Task[] = [];
  const idle: ChildProcess[] = [];
  const all = new Set<ChildProcess>();
  let busy = 0;
  let broken: string | undefined;
  const runInline = (task: Task) => {
    try {
      const file = indexFile(task.job, options);
      if (broken) file.warnings.unshift({ path: task.job.path, message: broken });
      broken &&= '';
      task.resolve(file);
    } catch (error) {
      task.reject(error as Error);
    }
  };
  /** The end of each process's stderr: V8 reports running out of heap there. */
  const stderrOf = new WeakMap<ChildProcess, string>();

  const spawn = () => {
    const child = fork(fileURLToPath(WORKER), [], {
      // The parent's flags (e.g. --input-type, --eval) are not for this process, and some stop it starting.
      execArgv: [`--max-old-space-size=${limits.parseHeapMb}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    all.add(child);
    stderrOf.set(child, '');
    child.stderr?.on('data', (d: Buffer) => stderrOf.set(child, ((stderrOf.get(child) ?? '') + d.toString()).slice(-4000)));
    let ready = false;
    let startError: Error | undefined;
    child.once('message', () => {
      ready = true;
      child.send({ options: base });
      if (registered) child.send({ registry: options.registry });
      idle.push(child);
      dispatch();
    });
    child.once('exit', () => {
      all.delete(child);
      const i = idle.indexOf(child);
      if (i >= 0) idle.splice(i, 1);
      if (!ready && all.size === 0) {
        // Better unguarded than not at all: parse inline from now on, and say so once.
        const why = startError?.message ?? (stderrOf.get(child)?.trim().split('\n')[0] || 'it exited');
        broken = `parsed without the time and memory limits: a parse process could not start (${why})`;
        for (const task of queue.splice(0)) runInline(task);
      }
    });
    // A running task listens for its own process's errors; an idle or starting one has none to tell.
    child.on('error', (error) => (startError ??= error));
  };

  const run = (child: ChildProcess, task: Task) => {
    let settled = false;
    const finish = (reply: Reply | undefined, stop?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('error', onError);
      child.off('exit', onExit);
      busy--;
      if (reply && !('ready' in reply)) {
        idle.push(child);
        if (reply.ok) task.resolve(reply.file);
        else task.reject(new ParseError(reply.error.path, reply.error.line, reply.error.column, reply.error.reason));
      } else {
        all.delete(child);
        child.kill('SIGKILL');
        try {
          task.resolve(plainFallback(task.job, options, { path: task.job.path, message: stop ?? 'the parse process stopped' }));
        } catch (error) {
          task.reject(error as Error);
        }
      }
      dispatch();
    };
    const onMessage = (reply: Reply) => finish(reply);
    const onError = (error: Error) => finish(undefined, `the parse failed (${error.message})`);
    const onExit = (code: number | null, signal: string | null) =>
      finish(
        undefined,
        /heap out of memory|Reached heap limit/i.test(stderrOf.get(child) ?? '')
          ? `parsing needed more than ${limits.parseHeapMb} MB of memory (limit parseHeapMb)`
          : `the parse process ${signal ? `was killed by ${signal}` : `exited with code ${code}`}`,
      );
    const timer = setTimeout(() => finish(undefined, `parsing took longer than ${limits.parseTimeoutMs} ms (limit parseTimeoutMs)`), limits.parseTimeoutMs);
    child.on('message', onMessage);
    child.once('error', onError);
    child.once('exit', onExit);
    busy++;
    child.send(task.job);
  };

  const dispatch = () => {
    if (!registered) return;
    for (let worker = idle.pop(); worker; worker = idle.pop()) {
      const task = queue.shift();
      if (!task) {
        idle.push(worker);
        break;
      }
      run(worker, task);
    }
    // Processes are started only while there is work for them (an incremental run may parse nothing).
    const starting = all.size - busy - idle.length;
    for (let n = starting; n < queue.length && all.size < processes; n++) spawn();
  };

  return {
    guarded: true,
    warm: () => {
      while (all.size < processes) spawn();
    },
    setRegistry: (registry) => {
      options = { ...base, registry };
      registered = true;
      // Processes that started early are idle and have not seen a job yet: they get the registry first.
      for (const child of idle) child.send({ registry });
      dispatch();
    },
    index: (job) =>
      new Promise<IndexedFile>((resolve, reject) => {
        requireRegistry();
        if (broken !== undefined) return runInline({ job, resolve, reject });
        queue.push({ job, resolve, reject });
        dispatch();
      }),
    close: async () => {
      const children = [...all];
      all.clear();
      idle.length = 0;
      await Promise.all(
        children.map((child) =>
          child.exitCode !== null || child.signalCode !== null
            ? undefined
            : new Promise<void>((resolve) => {
                child.once('exit', () => resolve());
                child.kill('SIGKILL');
              }),
        ),
      );
    },
  };
}
