import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { indexFile, plainFallback, type FileJob, type IndexedFile, type IndexFileOptions } from './index-file.js';
import { ParseError } from './parse.js';
import { emptyRegistry, type ReferenceRegistry } from './reference.js';

/**
 * Parses files on worker threads, each with a heap limit and a per-file time limit: a parse
 * that runs too long or needs too much memory (quadratic or pathological markup) is stopped,
 * its thread replaced, and the file indexed as plain text. The threads also parse in parallel.
 */
export interface ParsePool {
  /** Starts the threads now, so that they load while the caller reads files (when most files will be parsed). */
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
  const threads = Math.max(1, Math.min(limits.parseThreads, availableParallelism()));
  const queue: Task[] = [];
  const idle: Worker[] = [];
  const all = new Set<Worker>();
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

  const spawn = () => {
    const worker = new Worker(WORKER, {
      workerData: base,
      // The parent's flags (e.g. --input-type, --eval) are not for this thread, and some stop it starting.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: limits.parseHeapMb, maxYoungGenerationSizeMb: Math.min(64, limits.parseHeapMb / 4) },
    });
    all.add(worker);
    let ready = false;
    let startError: Error | undefined;
    worker.once('message', () => {
      ready = true;
      if (registered) worker.postMessage({ registry: options.registry });
      idle.push(worker);
      dispatch();
    });
    worker.once('exit', () => {
      all.delete(worker);
      const i = idle.indexOf(worker);
      if (i >= 0) idle.splice(i, 1);
      if (!ready && all.size === 0) {
        // Better unguarded than not at all: parse inline from now on, and say so once.
        broken = `parsed without the time and memory limits: a parse thread could not start (${startError?.message ?? 'it exited'})`;
        for (const task of queue.splice(0)) runInline(task);
      }
    });
    // A running task listens for its own thread's errors; an idle or starting thread has none to tell.
    worker.on('error', (error) => (startError ??= error));
  };

  const run = (worker: Worker, task: Task) => {
    let settled = false;
    const finish = (reply: Reply | undefined, stop?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      busy--;
      if (reply && !('ready' in reply)) {
        idle.push(worker);
        if (reply.ok) task.resolve(reply.file);
        else task.reject(new ParseError(reply.error.path, reply.error.line, reply.error.column, reply.error.reason));
      } else {
        all.delete(worker);
        void worker.terminate();
        try {
          task.resolve(plainFallback(task.job, options, { path: task.job.path, message: stop ?? 'the parse thread stopped' }));
        } catch (error) {
          task.reject(error as Error);
        }
      }
      dispatch();
    };
    const onMessage = (reply: Reply) => finish(reply);
    const onError = (error: Error & { code?: string }) =>
      finish(
        undefined,
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `parsing needed more than ${limits.parseHeapMb} MB of memory (limit parseHeapMb)`
          : `the parse failed (${error.message})`,
      );
    const onExit = (code: number) => finish(undefined, `the parse thread exited with code ${code}`);
    const timer = setTimeout(() => finish(undefined, `parsing took longer than ${limits.parseTimeoutMs} ms (limit parseTimeoutMs)`), limits.parseTimeoutMs);
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    busy++;
    worker.postMessage(task.job);
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
    // Threads are started only while there is work for them (an incremental run may parse nothing).
    const starting = all.size - busy - idle.length;
    for (let n = starting; n < queue.length && all.size < threads; n++) spawn();
  };

  return {
    guarded: true,
    warm: () => {
      while (all.size < threads) spawn();
    },
    setRegistry: (registry) => {
      options = { ...base, registry };
      registered = true;
      // Threads that started early are idle and have not seen a job yet: they get the registry first.
      for (const worker of idle) worker.postMessage({ registry });
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
      const workers = [...all];
      all.clear();
      idle.length = 0;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
