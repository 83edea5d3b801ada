import type { SourceRecord } from '../../src/store/format/manifest.js';
import { discoverDocs, type SourceFile } from '../discover.js';
import { globalDocId, globalPath, pageUrlOf } from './sources.js';

/** A source's files, with ids, paths and URLs as the index holds them. */
export interface SourceListing {
  source: SourceRecord;
  files: SourceFile[];
  warnings: string[];
}

/**
 * Lists the files of one source. Paths and doc ids carry the source's prefix; each doc's URL
 * follows the source's base URL (a root `index.md` is the base URL itself).
 */
export async function listSourceFiles(source: SourceRecord): Promise<SourceListing> {
  if (!source.docsDir) throw new Error(`The source ${source.name} has no docs folder to read.`);
  const discovery = await discoverDocs(source.docsDir);
  const files = discovery.files.map((file) => {
    const localId = file.docId;
    return {
      ...file,
      path: globalPath(source, file.path),
      // A navigation file keeps the id of its folder within the source: its links are read there.
      docId: file.kind === 'navigation' ? localId : globalDocId(source, localId),
      url: pageUrlOf(source, localId, file.path),
      baseUrl: source.baseUrl,
    };
  });
  return { source, files, warnings: discovery.warnings.map((w) => (source.prefix ? `${source.prefix}/${w}` : w)) };
}
