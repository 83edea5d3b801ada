/** A section of a doc: the content under one heading (h1–h4), as clean markdown. */
export interface Section {
  docId: string;
  title: string;
  /** Breadcrumb of headings inside the doc; empty for the intro before the first heading. */
  heading: string[];
  /** Slug as the docs site makes it; empty for the intro. */
  anchor: string;
  /** Heading depth (1–4); 0 for the intro. */
  level: number;
  /** Markdown body without the heading line itself. */
  text: string;
  /** True for sections generated from reference YAML (endpoint, parameters, SDK methods). */
  generated?: boolean;
}

/** The records an index stores: their shapes are defined once, by the schemas that read them back. */
export type { ChangelogEntry, Chunk, DocRecord, DocSectionRef, NavNode } from './store/format/records.js';

export interface SearchResult {
  path: string;
  url: string;
  title: string;
  heading: string[];
  /** The section's anchor, which get_doc's `section` takes ('' for a page's introduction); not always the URL's fragment. */
  anchor: string;
  score: number;
  text: string;
  /** Other sections of the same doc that matched, best first: not shown, but named, to read with get_doc. */
  more?: Array<{ heading: string[]; url: string; anchor: string }>;
}
