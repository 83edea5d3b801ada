import { existsSync } from 'node:fs';
import path from 'node:path';
import { EmbedderError, type Embedder, type EmbedderInfo } from './types.js';

/**
 * `@xenova/transformers` feature extraction (mean pooling, L2-normalised) with a model read from
 * `models/<id>/`. Remote loading is off unless explicitly allowed, so nothing touches the network
 * at query time. The only module that imports transformers.js (loaded lazily: it is heavy).
 */
export interface TransformersOptions {
  model: string;
  modelsDir: string;
  allowRemote?: boolean;
  /** Passages embedded per call to the model. */
  batchSize?: number;
}

/** Model-specific instructions: some models expect queries and passages to be marked. */
const PREFIXES: Array<{ match: RegExp; query: string; passage: string }> = [
  { match: /bge-.*-en/i, query: 'Represent this sentence for searching relevant passages: ', passage: '' },
  { match: /e5-/i, query: 'query: ', passage: 'passage: ' },
  { match: /nomic-embed/i, query: 'search_query: ', passage: 'search_document: ' },
];

type Extractor = (texts: string[], options: { pooling: 'mean'; normalize: boolean }) => Promise<{ data: Float32Array; dims: number[] }>;

export async function createTransformersEmbedder(options: TransformersOptions): Promise<Embedder> {
  const modelDir = path.join(options.modelsDir, ...options.model.split('/'));
  if (!options.allowRemote && !existsSync(path.join(modelDir, 'config.json'))) {
    throw new EmbedderError(
      `No transformers model "${options.model}" at ${modelDir} (expected config.json, tokenizer.json and onnx/model*.onnx there).`,
      `on a machine with internet run \`workos-docs-mcp fetch-model ${options.model}\`, or copy the model's files into ${modelDir}; or use the default local embedder (--embedder local).`,
    );
  }
  const transformers = await import('@xenova/transformers');
  const { env, pipeline } = transformers;
  env.localModelPath = options.modelsDir;
  env.cacheDir = options.modelsDir;
  env.allowLocalModels = true;
  env.allowRemoteModels = Boolean(options.allowRemote);
  const quantized = existsSync(path.join(modelDir, 'onnx', 'model_quantized.onnx')) || (Boolean(options.allowRemote) && !existsSync(path.join(modelDir, 'onnx', 'model.onnx')));
  let extractor: Extractor;
  try {
    extractor = (await pipeline('feature-extraction', options.model, { quantized })) as unknown as Extractor;
  } catch (error) {
    throw new EmbedderError(
      `Could not load transformers model "${options.model}" from ${modelDir}: ${(error as Error).message}`,
      `check that the folder holds config.json, tokenizer.json, tokenizer_config.json and onnx/model${quantized ? '_quantized' : ''}.onnx, or run \`workos-docs-mcp fetch-model ${options.model}\` on a machine with internet.`,
    );
  }
  const prefix = PREFIXES.find((p) => p.match.test(options.model)) ?? { query: '', passage: '' };
  const run = async (texts: string[]): Promise<Float32Array[]> => {
    const out = await extractor(texts, { pooling: 'mean', normalize: true });
    const dim = out.dims[out.dims.length - 1] ?? 0;
    return texts.map((_, i) => out.data.slice(i * dim, (i + 1) * dim));
  };
  const probe = await run(['dimension probe']);
  const info: EmbedderInfo = {
    kind: 'transformers',
    model: options.model,
    dimension: probe[0]?.length ?? 0,
    params: { pooling: 'mean', normalize: true, quantized, queryPrefix: prefix.query, passagePrefix: prefix.passage },
  };
  const batchSize = options.batchSize ?? 16;
  return {
    info,
    async embedPassages(texts) {
      const vectors: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        vectors.push(...(await run(texts.slice(i, i + batchSize).map((t) => prefix.passage + t))));
      }
      return vectors;
    },
    async embedQuery(text) {
      const [vector] = await run([prefix.query + text]);
      return vector ?? new Float32Array(info.dimension);
    },
  };
}

/** Downloads a model into `models/<id>/` (needs internet): the files the embedder later reads offline. */
export async function fetchTransformersModel(model: string, modelsDir: string): Promise<string> {
  const embedder = await createTransformersEmbedder({ model, modelsDir, allowRemote: true });
  await embedder.embedQuery('warm-up');
  return path.join(modelsDir, ...model.split('/'));
}
