/**
 * Per-file limits that keep ingest bounded in time and memory on any input (a hostile or
 * generated docs folder as much as a hand-written one). The one place their defaults live;
 * `ingest --max-file-bytes` and `--parse-timeout-ms` override the two a user may need to.
 */
export interface IngestLimits {
  /** Larger doc or changelog files are skipped with a warning. */
  maxFileBytes: number;
  /** A file whose parse (MDX, then Markdown) takes longer is indexed as plain text. */
  parseTimeoutMs: number;
  /** Heap of a parse process; a parse that needs more is stopped and the file indexed as plain text. */
  parseHeapMb: number;
  /**
   * Parse processes (at most the number of CPUs). One: each warms up its own copy of the parser,
   * and a second one cost about 2 s more CPU than it saved on the default corpus.
   */
  parseProcesses: number;
  /** Files read from disk at once (the default descriptor limit is often 1,024). */
  readConcurrency: number;
  /** Blockquote or JSX nesting beyond which a file goes straight to plain text (its tree would overflow the stack). */
  maxNesting: number;
  /** Longest run of `*`/`_` parsed as markup: longer runs make emphasis matching quadratic. */
  maxDelimiterRun: number;
  /** Characters one `(group.key)` description may expand to, placeholders included. */
  maxExpansionChars: number;
  /** Characters all of a file's generated reference text may add up to. */
  maxGeneratedChars: number;
}

export const DEFAULT_INGEST_LIMITS: IngestLimits = {
  maxFileBytes: 4 * 1024 * 1024,
  parseTimeoutMs: 10_000,
  parseHeapMb: 512,
  parseProcesses: 1,
  readConcurrency: 32,
  maxNesting: 256,
  maxDelimiterRun: 200,
  maxExpansionChars: 20_000,
  maxGeneratedChars: 2_000_000,
};
