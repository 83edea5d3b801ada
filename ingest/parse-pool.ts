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

/** A parse process and the files sent to it, oldest first. */
interface Lane {
  child: ChildProcess;
  ready: boolean;
  sentRegistry: boolean;
  inflight: Task[];
  timer?: NodeJS.Timeout;
  /** The end of its stderr: V8 reports running out of heap there. */
  stderr: string;
}

const WORKER = new URL('./parse-worker.js', import.meta.url);
/** Files sent to a process ahead of its answers, so that it never waits for the next one. */
const IN_FLIGHT = 2;

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
  const lanes = new Set<Lane>();
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
    const child = fork(fileURLToPath(WORKER), [], {
      // The parent's flags (e.g. --input-type, --eval) are not for this process, and some stop it starting.
      execArgv: [`--max-old-space-size=${limits.parseHeapMb}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const lane: Lane = { child, ready: false, sentRegistry: false, inflight: [], stderr: '' };
    lanes.add(lane);
    child.stderr?.on('data', (d: Buffer) => (lane.stderr = (lane.stderr + d.toString()).slice(-4000)));
    child.on('message', (reply: Reply) => {
      if ('ready' in reply) {
        lane.ready = true;
        child.send({ options: base });
        return dispatch();
      }
      const task = lane.inflight.shift();
      clearTimeout(lane.timer);
      if (task) {
        if (reply.ok) task.resolve(reply.file);
        else task.reject(new ParseError(reply.error.path, reply.error.line, reply.error.column, reply.error.reason));
      }
      startClock(lane);
      dispatch();
    });
    child.on('error', (error) => stop(lane, `the parse failed (${error.message})`));
    child.on('exit', (code, signal) =>
      stop(
        lane,
        /heap out of memory|Reached heap limit/i.test(lane.stderr)
          ? `parsing needed more than ${limits.parseHeapMb} MB of memory (limit parseHeapMb)`
          : `the parse process ${signal ? `was killed by ${signal}` : `exited with code ${code}`}`,
      ),
    );
  };

  /** The file at the head of a lane has parseTimeoutMs from when the process starts on it. */
  const startClock = (lane: Lane) => {
    if (lane.inflight.length === 0) return;
    lane.timer = setTimeout(() => stop(lane, `parsing took longer than ${limits.parseTimeoutMs} ms (limit parseTimeoutMs)`), limits.parseTimeoutMs);
  };

  /** Ends a lane: its head file is indexed as plain text, the files queued behind it go to another process. */
  const stop = (lane: Lane, why: string) => {
    if (!lanes.delete(lane)) return;
    clearTimeout(lane.timer);
    lane.child.kill('SIGKILL');
    const [head, ...rest] = lane.inflight;
    lane.inflight = [];
    queue.unshift(...rest);
    if (!lane.ready && lanes.size === 0) {
      // Better unguarded than not at all: parse inline from now on, and say so once.
      broken = `parsed without the time and memory limits: a parse process could not start (${lane.stderr.trim().split('\n')[0] || why})`;
      for (const task of queue.splice(0)) runInline(task);
    }
    if (head) {
      try {
        head.resolve(plainFallback(head.job, options, { path: head.job.path, message: why }));
      } catch (error) {
        head.reject(error as Error);
      }
    }
    dispatch();
  };

  const dispatch = () => {
    if (!registered || broken !== undefined) return;
    for (const lane of lanes) {
      if (!lane.ready) continue;
      if (!lane.sentRegistry) {
        lane.child.send({ registry: options.registry });
        lane.sentRegistry = true;
      }
      // Two files in flight per process: the next is already there when one finishes.
      while (lane.inflight.length < IN_FLIGHT && queue.length > 0) {
        const task = queue.shift() as Task;
        lane.inflight.push(task);
        lane.child.send(task.job);
        if (lane.inflight.length === 1) startClock(lane);
      }
    }
    // Processes are started only while there is work for them (an incremental run may parse nothing).
    if (queue.length > 0 && lanes.size < processes && [...lanes].every((l) => l.ready)) spawn();
  };

  return {
    guarded: true,
    warm: () => {
      while (lanes.size < processes) spawn();
    },
    setRegistry: (registry) => {
      options = { ...base, registry };
      registered = true;
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
      const children = [...lanes].map((lane) => lane.child);
      lanes.clear();
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
