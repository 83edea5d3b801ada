import MiniSearch from 'minisearch';
import type { DocRecord } from '../src/types.js';

/**
 * The keyword-search baseline the figures compare against: MiniSearch (BM25 with prefix and fuzzy
 * matching) over every section of the docs (a doc's markdown cut at its section offsets), title
 * and heading boosted. Shared by the retrieval baseline (minisearch-baseline.ts) and the MCP
 * server that `npm run bench` times (minisearch-server.ts).
 */
export interface SectionDoc {
  id: number;
  path: string;
  url: string;
  title: string;
  heading: string;
  text: string;
}

export function sectionsOf(docs: DocRecord[]): SectionDoc[] {
  const sections: SectionDoc[] = [];
  for (const doc of docs) {
    doc.sections.forEach((section, i) => {
      const end = doc.sections[i + 1]?.offset ?? doc.markdown.length;
      sections.push({
        id: sections.length,
        path: doc.id,
        url: doc.url + (section.anchor ? `#${section.anchor}` : ''),
        title: doc.title,
        heading: section.heading.join(' > '),
        text: doc.markdown.slice(section.offset, end),
      });
    });
  }
  return sections;
}

export function miniSearchOver(sections: SectionDoc[]): MiniSearch<SectionDoc> {
  const mini = new MiniSearch<SectionDoc>({
    fields: ['title', 'heading', 'text'],
    storeFields: ['path', 'url', 'title', 'heading'],
    searchOptions: { boost: { title: 3, heading: 2 }, prefix: true, fuzzy: 0.2 },
  });
  mini.addAll(sections);
  return mini;
}
