import { parentPort, workerData } from 'node:worker_threads';
import { indexFile, type FileJob, type IndexFileOptions } from './index-file.js';
import { ParseError } from './parse.js';
import { emptyRegistry, type ReferenceRegistry } from './reference.js';

/**
 * A parse thread: indexes the files it is sent, one at a time, with the options it started with
 * and the reference registry it is sent first (it can start before the registry is known).
 */
let options: IndexFileOptions = { ...(workerData as Omit<IndexFileOptions, 'registry'>), registry: emptyRegistry() };
parentPort?.on('message', (message: FileJob | { registry: ReferenceRegistry }) => {
  if ('registry' in message) {
    options = { ...options, registry: message.registry };
    return;
  }
  const job = message;
  try {
    parentPort?.postMessage({ ok: true, file: indexFile(job, options) });
  } catch (error) {
    const e = error as Partial<ParseError> & Error;
    parentPort?.postMessage({ ok: false, error: { path: e.path ?? job.path, line: e.line, column: e.column, reason: e.reason ?? e.message ?? String(error) } });
  }
});
parentPort?.postMessage({ ready: true });
