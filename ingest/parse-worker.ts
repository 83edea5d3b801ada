import { indexFile, type FileJob, type IndexFileOptions } from './index-file.js';
import { DEFAULT_INGEST_LIMITS } from './limits.js';
import { DEFAULT_CHUNK_OPTIONS } from './chunk.js';
import { ParseError } from './parse.js';
import { emptyRegistry, type ReferenceRegistry } from './reference.js';

// A parse process (the entry file of one, forked by parse-pool.ts): indexes the files it is sent,
// one at a time. It is sent its options, then the reference registry (it can start before the
// registry is known), then jobs. A separate process rather than a worker thread because V8 can
// end the whole process, not just the thread, when a thread reaches its heap limit.
let options: IndexFileOptions = { limits: DEFAULT_INGEST_LIMITS, chunk: DEFAULT_CHUNK_OPTIONS, strict: false, registry: emptyRegistry() };
type Message = FileJob | { options: Omit<IndexFileOptions, 'registry'> } | { registry: ReferenceRegistry };

process.on('message', (message: Message) => {
  if ('options' in message) {
    options = { ...message.options, registry: options.registry };
    return;
  }
  if ('registry' in message) {
    options = { ...options, registry: message.registry };
    return;
  }
  const job = message;
  try {
    process.send?.({ ok: true, file: indexFile(job, options) });
  } catch (error) {
    const e = error as Partial<ParseError> & Error;
    process.send?.({ ok: false, error: { path: e.path ?? job.path, line: e.line, column: e.column, reason: e.reason ?? e.message ?? String(error) } });
  }
});
process.send?.({ ready: true });
