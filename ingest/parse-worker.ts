import { parentPort, workerData } from 'node:worker_threads';
import { indexFile, type FileJob, type IndexFileOptions } from './index-file.js';
import { ParseError } from './parse.js';

/** A parse thread: indexes the files it is sent, one at a time, with the options it started with. */
const options = workerData as IndexFileOptions;
parentPort?.on('message', (job: FileJob) => {
  try {
    parentPort?.postMessage({ ok: true, file: indexFile(job, options) });
  } catch (error) {
    const e = error as Partial<ParseError> & Error;
    parentPort?.postMessage({ ok: false, error: { path: e.path ?? job.path, line: e.line, column: e.column, reason: e.reason ?? e.message ?? String(error) } });
  }
});
parentPort?.postMessage({ ready: true });
