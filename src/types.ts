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

/** What retrieval indexes: one section or a part of a long one. */
export interface Chunk {
  id: string;
  docId: string;
  url: string;
  title: string;
  heading: string[];
  anchor: string;
  /** Where the doc sits in the docs navigation, above its own title: `['Vault', 'Getting Started']`. */
  context?: string[];
  text: string;
  /** sha256 of the embedded text: equal hashes mean an equal vector. */
  hash: string;
}

export interface DocSectionRef {
  heading: string[];
  anchor: string;
  level: number;
  /** Where the section (its heading line included) starts in the doc's markdown. */
  offset: number;
}

export interface DocRecord {
  id: string;
  title: string;
  description: string;
  url: string;
  /** The whole doc as clean markdown, headings included. */
  markdown: string;
  sections: DocSectionRef[];
  /** sha256 of the source file. */
  sourceHash: string;
}

export interface NavNode {
  title: string;
  /** Doc id, when the node links to a doc. */
  id?: string;
  children: NavNode[];
}

export interface ChangelogEntry {
  date: string;
  title: string;
  url: string;
  text: string;
}

export interface SearchResult {
  path: string;
  url: string;
  title: string;
  heading: string[];
  score: number;
  text: string;
}
