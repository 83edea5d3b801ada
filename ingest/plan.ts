import type { EmbedderInfo } from '../src/embed/types.js';
import type { Manifest } from '../src/store/format/manifest.js';
import type { HnswParams } from '../src/store/vector-index.js';
import type { ChunkOptions } from './chunk.js';

/**
 * What an incremental build may reuse from the previous index, decided from the settings the
 * previous build recorded in its manifest against the settings of this build. Pure: no disk.
 *
 * | setting changed                  | parsed docs + chunks | vectors (by chunk hash) | local model |
 * | -------------------------------- | -------------------- | ----------------------- | ----------- |
 * | format version                   | rebuilt              | rebuilt                 | refitted    |
 * | embedder kind or model           | reused               | re-embedded             | refitted    |
 * | local embedder params            | reused               | re-embedded             | refitted    |
 * | tokenizer version (local)        | reused               | re-embedded             | refitted    |
 * | tokenizer version (transformers) | reused               | reused                  | -           |
 * | chunker version or options       | re-chunked           | reused                  | reused      |
 * | base URL                         | re-parsed            | reused                  | reused      |
 * | HNSW params                      | reused               | reused                  | reused      |
 *
 * Why vectors survive a re-parse: a chunk's hash is the sha256 of exactly the text that was
 * embedded, so an equal hash under the same embedder is an equal vector (URLs are not embedded).
 * The search structures (HNSW graph, lexical indexes) are rebuilt by every build. A reused local
 * model is still refitted when too much is new (needsRefit). The transformers embedder's own
 * params (pooling, prefixes, quantization) are known only once its model loads: see sameEmbedding.
 */
export interface BuildSettings {
  formatVersion: number;
  embedder: { kind: 'local' | 'transformers'; model: string; params: Record<string, unknown> };
  chunker: { version: number } & ChunkOptions;
  /** Each source's prefix and base URL (doc ids and URLs follow them). */
  urls: string;
  tokenizerVersion: number;
  hnsw: HnswParams;
}

export interface BuildPlan {
  /** Reuse the parsed docs and chunks (and reference registry parts) of unchanged source files. */
  reuseParsed: boolean;
  /** Reuse the vector of every chunk whose hash is unchanged. */
  reuseVectors: boolean;
  /** Keep the fitted local model (new chunks are folded in), unless needsRefit says otherwise. */
  reuseModel: boolean;
  /** Why something is rebuilt, one line each, for the build log; empty when all is reused. */
  reasons: string[];
}

const NOTHING: Omit<BuildPlan, 'reasons'> = { reuseParsed: false, reuseVectors: false, reuseModel: false };

/** The settings a manifest records. */
export function recordedSettings(manifest: Manifest): BuildSettings {
  const { kind, model, params } = manifest.embedder;
  const { version, target, max, min } = manifest.chunker;
  const { m, efConstruction, efSearch, seed } = manifest.hnsw;
  return {
    formatVersion: manifest.formatVersion,
    embedder: { kind, model, params },
    chunker: { version, target, max, min },
    urls: sourceUrls(manifest.sources),
    tokenizerVersion: manifest.tokenizerVersion,
    hnsw: { m, efConstruction, efSearch, seed },
  };
}

/** What of the sources decides doc ids and URLs, as one comparable line: `https://a/docs, sdk/node: https://b`. */
export function sourceUrls(sources: Array<{ prefix: string; baseUrl: string; kind?: string }>): string {
  // A feed has no pages: its URL makes no doc's.
  return sources.filter((s) => s.kind !== 'feed').map((s) => (s.prefix ? `${s.prefix}: ${s.baseUrl}` : s.baseUrl)).join(', ');
}

/**
 * `recorded` is undefined when there is no previous index or it cannot be read; `full` asks for a
 * build from scratch. `wanted.embedder.params` are compared only for the local embedder (the
 * params it is fitted with); keys the wanted params do not name (the fitted vocabulary) are ignored.
 */
export function planBuild(recorded: BuildSettings | undefined, wanted: BuildSettings, full = false): BuildPlan {
  if (full) return { ...NOTHING, reasons: ['full build requested'] };
  if (!recorded) return { ...NOTHING, reasons: ['no previous index to build on'] };
  if (recorded.formatVersion !== wanted.formatVersion) {
    return { ...NOTHING, reasons: [`index format changed (${recorded.formatVersion} → ${wanted.formatVersion})`] };
  }
  const reasons: string[] = [];
  let reuseParsed = true;
  let embedding = true;
  const was = recorded.embedder;
  const now = wanted.embedder;
  if (was.kind !== now.kind || was.model !== now.model) {
    embedding = false;
    reasons.push(`embedder changed (${was.kind}/${was.model} → ${now.kind}/${now.model}): re-embedding everything`);
  } else if (now.kind === 'local') {
    const changed = Object.keys(now.params).filter((key) => JSON.stringify(was.params[key]) !== JSON.stringify(now.params[key]));
    if (changed.length) {
      embedding = false;
      reasons.push(`local embedder params changed (${changed.join(', ')}): refitting and re-embedding`);
    }
  }
  if (recorded.tokenizerVersion !== wanted.tokenizerVersion && now.kind === 'local' && embedding) {
    embedding = false;
    reasons.push(`tokenizer changed (${recorded.tokenizerVersion} → ${wanted.tokenizerVersion}): refitting and re-embedding`);
  }
  const chunkerChanged = (['version', 'target', 'max', 'min'] as const).filter((key) => recorded.chunker[key] !== wanted.chunker[key]);
  if (chunkerChanged.length) {
    reuseParsed = false;
    reasons.push(`chunker changed (${chunkerChanged.join(', ')}): re-chunking every file`);
  }
  if (recorded.urls !== wanted.urls) {
    reuseParsed = false;
    reasons.push(`sources' prefixes or base URLs changed (were ${recorded.urls}; now ${wanted.urls}): re-parsing every file`);
  }
  return { reuseParsed, reuseVectors: embedding, reuseModel: embedding && now.kind === 'local', reasons };
}

/**
 * The local model is refitted when more than this share of chunks (and more than REFIT_MIN_CHUNKS)
 * is new; below that, new chunks are folded into the existing latent space, as LSA allows.
 */
export const REFIT_FRACTION = 0.2;
export const REFIT_MIN_CHUNKS = 50;

export function needsRefit(newChunks: number, totalChunks: number): boolean {
  return newChunks > Math.max(REFIT_MIN_CHUNKS, REFIT_FRACTION * totalChunks);
}

/**
 * Whether vectors recorded with `recorded` are vectors of the embedder `actual`: same kind, model,
 * dimension and, for transformers, the same params (prefixes, pooling, quantized weights).
 */
export function sameEmbedding(recorded: EmbedderInfo, actual: EmbedderInfo): boolean {
  if (recorded.kind !== actual.kind || recorded.model !== actual.model || recorded.dimension !== actual.dimension) return false;
  return actual.kind !== 'transformers' || JSON.stringify(recorded.params) === JSON.stringify(actual.params);
}
