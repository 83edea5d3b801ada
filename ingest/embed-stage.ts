import { DEFAULT_LOCAL_PARAMS, LocalEmbedder, type LocalParams, type TrainingPair } from '../src/embed/local.js';
import { createTransformersEmbedder } from '../src/embed/transformers.js';
import type { Embedder } from '../src/embed/types.js';
import type { Vectors } from '../src/store/format/codecs.js';
import type { PreviousBuild } from '../src/store/load.js';
import type { Chunk } from '../src/types.js';
import { needsRefit, sameEmbedding, type BuildPlan } from './plan.js';
import { searchableText } from '../src/text/embedding-text.js';

export interface EmbedInput {
  embedder: 'local' | 'transformers';
  model?: string;
  modelsDir: string;
  allowRemote?: boolean;
  progress?: (stage: string, done: number, total: number) => void;
  /** Chunks with their navigation breadcrumbs, and the text each one embeds. */
  chunks: Chunk[];
  texts: string[];
  /** What a local model is fitted with (default DEFAULT_LOCAL_PARAMS). */
  localParams?: LocalParams;
  /** Recorded as what a freshly fitted local model was fitted on. */
  contentHash: string;
  /** Which chunks the local model is fitted on (default: all); the others are projected into its space. */
  fitOn?: (chunk: Chunk) => boolean;
}

export interface Embedded {
  embedder: Embedder;
  /** Set when the local embedder built this index: it is stored with it. */
  local?: LocalEmbedder;
  refitted: boolean;
  /** What the manifest records about the local model's fit (absent for transformers). */
  fit?: { fittedOn?: string; fittedChunks?: number };
  vectors: Vectors;
  /** How many chunks were embedded in this run (the rest reused their vectors). */
  embeddedCount: number;
}

/**
 * The embed stage of a build: chooses the embedder (the previous local model, a refitted one, or
 * the transformers model), then embeds the chunks that have no reusable vector.
 */
export async function embedChunks(input: EmbedInput, previous: PreviousBuild | undefined, plan: BuildPlan): Promise<Embedded> {
  const { chunks, texts } = input;
  const oldVectors = new Map<string, Float32Array>();
  if (plan.reuseVectors) {
    previous?.chunks.forEach((c, i) => {
      const v = previous.vectors[i];
      if (v) oldVectors.set(c.hash, v);
    });
  }
  const newCount = chunks.filter((c) => !oldVectors.has(c.hash)).length;
  let embedder: Embedder;
  let local: LocalEmbedder | undefined;
  let refitted = false;
  let fit: Embedded['fit'];
  if (input.embedder === 'local') {
    const kept = plan.reuseModel ? previous?.localEmbedder : undefined;
    if (kept && previous && !needsRefit(newCount, chunks.length)) {
      local = kept;
      fit = { fittedOn: previous.manifest.embedder.fittedOn, fittedChunks: previous.manifest.embedder.fittedChunks };
    } else {
      input.progress?.('fit', 0, 1);
      const fitted = input.fitOn ? chunks.map((_, i) => i).filter((i) => input.fitOn?.(chunks[i] as Chunk)) : [];
      const on = fitted.length > 0 ? fitted : chunks.map((_, i) => i);
      local = LocalEmbedder.fit(
        on.map((i) => texts[i] as string),
        input.localParams ?? DEFAULT_LOCAL_PARAMS,
        on.map((i) => trainingPair(chunks[i] as Chunk)),
      );
      refitted = true;
      fit = { fittedOn: input.contentHash, fittedChunks: chunks.length };
      oldVectors.clear();
    }
    embedder = local;
  } else {
    embedder = await createTransformersEmbedder({
      model: input.model ?? 'Xenova/all-MiniLM-L6-v2',
      modelsDir: input.modelsDir,
      allowRemote: input.allowRemote,
    });
    if (previous && !sameEmbedding(previous.manifest.embedder, embedder.info)) oldVectors.clear();
  }

  const dimension = embedder.info.dimension;
  const vectors: Float32Array[] = new Array(chunks.length);
  const todo: number[] = [];
  chunks.forEach((c, i) => {
    const old = oldVectors.get(c.hash);
    if (old && old.length === dimension) vectors[i] = old;
    else todo.push(i);
  });
  const batch = 64;
  for (let i = 0; i < todo.length; i += batch) {
    const ids = todo.slice(i, i + batch);
    const embedded = await embedder.embedPassages(ids.map((j) => texts[j] ?? ''));
    ids.forEach((j, k) => (vectors[j] = embedded[k] ?? new Float32Array(dimension)));
    input.progress?.('embed', Math.min(i + batch, todo.length), todo.length);
  }
  const flat = new Float32Array(chunks.length * dimension);
  vectors.forEach((v, i) => flat.set(v, i * dimension));
  return { embedder, local, refitted, fit, vectors: { flat, dimension }, embeddedCount: todo.length };
}

/** A section's title and heading path, as a question would name it, and its body, which answers it. */
function trainingPair(chunk: Chunk): TrainingPair {
  return [[chunk.title, ...chunk.heading].join(' '), searchableText(chunk.text)];
}
