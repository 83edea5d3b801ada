import type { ChangelogEntry } from '../types.js';
import { LexicalIndex } from '../store/lexical.js';

export interface ChangelogQuery {
  query?: string;
  /** YYYY-MM-DD: only entries on or after this date. */
  since?: string;
  limit?: number;
}

/** The platform changelog: newest first, optionally narrowed by date and ranked by relevance to a query. */
export class Changelog {
  private readonly lexical: LexicalIndex;

  constructor(readonly entries: ChangelogEntry[]) {
    this.lexical = LexicalIndex.build(entries.map((e) => ({ title: e.title, heading: '', body: e.text })));
  }

  find(options: ChangelogQuery = {}): ChangelogEntry[] {
    const limit = Math.max(1, Math.min(options.limit ?? 10, 100));
    const since = options.since;
    const allowed = (i: number) => !since || (this.entries[i]?.date ?? '') >= since;
    const query = options.query?.trim();
    if (query) {
      return this.lexical
        .search(query, limit, allowed)
        .map((s) => this.entries[s.index] as ChangelogEntry)
        .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
    }
    return this.entries.filter((_, i) => allowed(i)).slice(0, limit);
  }
}
