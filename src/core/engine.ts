import { LocalEmbedder } from '../embed/local.js';
import { underPrefix } from '../ids.js';
import type { SourceRecord } from '../store/format/manifest.js';
import { createTransformersEmbedder } from '../embed/transformers.js';
import { EmbedderError, type Embedder } from '../embed/types.js';
import { loadIndex, loadIndexForServing, loadIndexInBackground, type LoadedIndex } from '../store/load.js';
import { Changelog } from './changelog.js';
import { DocStore } from './docs.js';
import { ExampleFinder } from './examples.js';
import { Retriever } from './retriever.js';

/** Everything a front end (MCP server or CLI) needs, built once from an index folder. */
export interface DocsEngine {
  index: LoadedIndex;
  embedder: Embedder;
  retriever: Retriever;
  docs: DocStore;
  examples: ExampleFinder;
  changelog: Changelog;
}

export interface EngineOptions {
  modelsDir: string;
  allowRemote?: boolean;
}

export async function openEngine(indexDir: string, options: EngineOptions): Promise<DocsEngine> {
  return engineOf(loadIndex(indexDir), options);
}

/**
 * The engine a server starts with: the index opened with only what search needs checked and read
 * (loadIndexForServing); the caller verifies its checksums once serving.
 */
export async function openEngineForServing(indexDir: string, options: EngineOptions): Promise<DocsEngine> {
  return engineOf(loadIndexForServing(indexDir), options);
}

/** The same, loading in steps that let the event loop answer requests meanwhile (for reloads). */
export async function openEngineInBackground(indexDir: string, options: EngineOptions): Promise<DocsEngine> {
  return engineOf(await loadIndexInBackground(indexDir), options);
}

/** The doc store, the example finder and the changelog are built on first use: search needs none of them. */
async function engineOf(index: LoadedIndex, options: EngineOptions): Promise<DocsEngine> {
  const embedder = await queryEmbedder(index, options);
  const retriever = Retriever.fromIndex(index, embedder);
  let docs: DocStore | undefined;
  let examples: ExampleFinder | undefined;
  let changelog: Changelog | undefined;
  const engine: DocsEngine = {
    index,
    embedder,
    retriever,
    get docs() {
      return (docs ??= new DocStore(index.docs, index.navigation, index.manifest.sources[0]?.baseUrl));
    },
    get examples() {
      return (examples ??= new ExampleFinder(retriever, engine.docs, sourceOfDoc(index.manifest.sources)));
    },
    get changelog() {
      return (changelog ??= new Changelog(index.changelog));
    },
  };
  return engine;
}

/** The embedder the index was built with, and no other: queries must land in the same vector space. */
async function queryEmbedder(index: LoadedIndex, options: EngineOptions): Promise<Embedder> {
  const recorded = index.manifest.embedder;
  let embedder: Embedder;
  if (recorded.kind === 'local') {
    embedder = index.localEmbedder as LocalEmbedder;
  } else {
    embedder = await createTransformersEmbedder({ model: recorded.model, modelsDir: options.modelsDir, allowRemote: options.allowRemote });
  }
  if (embedder.info.dimension !== recorded.dimension || embedder.info.model !== recorded.model) {
    throw new EmbedderError(
      `The index was built with ${recorded.kind}/${recorded.model} (dimension ${recorded.dimension}), but the query embedder is ${embedder.info.kind}/${embedder.info.model} (dimension ${embedder.info.dimension}).`,
      `rebuild the index with the embedder you have (\`workos-docs-mcp ingest --full --embedder ${embedder.info.kind}${embedder.info.kind === 'transformers' ? ` --model ${embedder.info.model}` : ''}\`), or restore the model files the index was built with.`,
    );
  }
  return embedder;
}

/** For examples: a doc of a package source comes from `package@version`; any other doc from its own id. */
function sourceOfDoc(sources: SourceRecord[]): (docId: string) => string {
  const packages = sources.filter((s) => s.prefix && s.package && s.version);
  return (docId) => {
    const source = packages.find((s) => underPrefix(docId, s.prefix));
    return source ? `${source.package}@${source.version}` : docId;
  };
}
