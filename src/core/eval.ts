import { z } from 'zod';
import type { ExampleFinder } from './examples.js';
import { MAX_SEARCH_LIMIT, type Retriever } from './retriever.js';

export const evalQuerySchema = z.object({
  id: z.string(),
  query: z.string().min(1),
  keywords: z.string().optional(),
  relevant: z.array(z.string()),
  kind: z.string().default('all'),
  /**
   * Code-seeking questions: groups of identifiers a useful answer must show. The question passes
   * when every group has one alternative in the text of the top three results (case-insensitive).
   */
  must_contain: z.array(z.array(z.string().min(1)).min(1)).optional(),
}).refine((q) => q.relevant.length > 0 || (q.must_contain?.length ?? 0) > 0, { message: 'needs "relevant" doc ids or "must_contain" identifier groups', path: ['relevant'] });
export type EvalQuery = z.infer<typeof evalQuerySchema>;

/** The deepest k an evaluation takes: the retriever returns at most MAX_SEARCH_LIMIT results. */
export const MAX_EVAL_K = MAX_SEARCH_LIMIT;

/** hit@1/3/5 and, at the report's k, MRR@k and recall@k. */
export interface Metrics {
  n: number;
  /** Questions that name relevant docs: the ones the doc-ranking metrics are averaged over. */
  docN: number;
  hit1: number;
  hit3: number;
  hit5: number;
  mrr: number;
  recall: number;
  /** Share of the code-seeking questions (with `must_contain`) answered in the top 3 results; absent when there are none. */
  code3?: number;
  codeN?: number;
  /** The same share for the top 3 examples get_examples returns; absent without an example finder. */
  examples3?: number;
}

export interface EvalReport {
  k: number;
  overall: Metrics;
  byKind: Record<string, Metrics>;
  queries: Array<{ id: string; kind: string; query: string; relevant: string[]; ranked: string[]; firstHit: number | null; codeMissing?: string[][]; examplesMissing?: string[][] }>;
}

/** Parses a JSON Lines query set, reporting the line of any bad entry. */
export function parseQuerySet(text: string, source = 'query set'): EvalQuery[] {
  const out: EvalQuery[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new Error(`${source}:${i + 1}: not valid JSON. Each line must be {"id", "query", "relevant": [doc ids], "kind"}.`);
    }
    const parsed = evalQuerySchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${source}:${i + 1}: ${issue?.path.join('.') || 'entry'}: ${issue?.message}. Expected {"id", "query", "relevant": [doc ids], "kind"}.`);
    }
    out.push(parsed.data);
  });
  return out;
}

/**
 * hit@1/3/5, MRR@k and recall@k over distinct doc ids in rank order, overall and per kind. Each
 * query's ranking holds up to max(k, 5) distinct docs (one result per doc), so k is honoured up to
 * MAX_EVAL_K and hit@5 means the same whatever k is. Code questions (`must_contain`) are judged on
 * the top three results as search_docs returns them and, given `examples`, on the top three code
 * examples get_examples returns.
 */
export async function evaluate(retriever: Pick<Retriever, 'search'>, queries: EvalQuery[], k = 10, examples?: Pick<ExampleFinder, 'find'>): Promise<EvalReport> {
  if (!Number.isInteger(k) || k < 1 || k > MAX_EVAL_K) throw new RangeError(`k must be a whole number from 1 to ${MAX_EVAL_K}, got ${k}.`);
  const depth = Math.max(k, 5);
  const rows: EvalReport['queries'] = [];
  for (const q of queries) {
    // Three results per doc asked for (as before k was honoured) sets the candidate pool, so
    // figures at a given k do not move; one result per doc makes each of them a distinct doc.
    const results = await retriever.search(q.query, { limit: Math.min(Math.max(depth * 3, 30), MAX_SEARCH_LIMIT), maxPerDoc: 1 });
    const ranked = [...new Set(results.map((r) => r.path))].slice(0, depth);
    const relevant = new Set(q.relevant);
    const first = ranked.findIndex((id) => relevant.has(id));
    const row: (typeof rows)[number] = { id: q.id, kind: q.kind, query: q.query, relevant: q.relevant, ranked, firstHit: first >= 0 ? first + 1 : null };
    if (q.must_contain) {
      const shown = await retriever.search(q.query, { limit: 3 });
      const top = shown.map((r) => `${r.title}\n${r.heading.join('\n')}\n${r.text}`).join('\n').toLowerCase();
      row.codeMissing = missingIn(top, q.must_contain);
      if (examples) {
        const found = await examples.find(q.query, { limit: 3 });
        row.examplesMissing = missingIn(found.map((e) => `${e.intro}\n${e.code}`).join('\n').toLowerCase(), q.must_contain);
      }
    }
    rows.push(row);
  }
  const metrics = (all: typeof rows): Metrics => {
    // Doc-ranking metrics count the questions that name relevant docs; code questions may not.
    const subset = all.filter((r) => r.relevant.length > 0);
    const code = all.filter((r) => r.codeMissing !== undefined);
    const n = subset.length || 1;
    const sum = (f: (r: (typeof rows)[number]) => number) => subset.reduce((a, r) => a + f(r), 0) / n;
    return {
      n: all.length,
      docN: subset.length,
      hit1: sum((r) => (r.firstHit !== null && r.firstHit <= 1 ? 1 : 0)),
      hit3: sum((r) => (r.firstHit !== null && r.firstHit <= 3 ? 1 : 0)),
      hit5: sum((r) => (r.firstHit !== null && r.firstHit <= 5 ? 1 : 0)),
      mrr: sum((r) => (r.firstHit !== null && r.firstHit <= k ? 1 / r.firstHit : 0)),
      recall: sum((r) => r.ranked.slice(0, k).filter((id) => r.relevant.includes(id)).length / r.relevant.length),
      ...(code.length > 0 ? { code3: code.filter((r) => r.codeMissing?.length === 0).length / code.length, codeN: code.length } : {}),
      ...(code.length > 0 && examples ? { examples3: code.filter((r) => r.examplesMissing?.length === 0).length / code.length } : {}),
    };
  };
  const kinds = [...new Set(rows.map((r) => r.kind))].sort();
  return {
    k,
    overall: metrics(rows),
    byKind: Object.fromEntries(kinds.map((kind) => [kind, metrics(rows.filter((r) => r.kind === kind))])),
    queries: rows,
  };
}

/** The report as printed by `eval --json`: metric names carry their depth (`mrr@20`, `recall@20`). */
export function reportJson(report: EvalReport): unknown {
  const named = (m: Metrics) => ({
    n: m.n,
    'hit@1': m.hit1,
    'hit@3': m.hit3,
    'hit@5': m.hit5,
    [`mrr@${report.k}`]: m.mrr,
    [`recall@${report.k}`]: m.recall,
    ...(m.code3 !== undefined ? { 'code pass@3': m.code3, 'code n': m.codeN } : {}),
    ...(m.examples3 !== undefined ? { 'examples pass@3': m.examples3 } : {}),
  });
  return {
    k: report.k,
    overall: named(report.overall),
    byKind: Object.fromEntries(Object.entries(report.byKind).map(([kind, m]) => [kind, named(m)])),
    queries: report.queries,
  };
}

export function formatReport(report: EvalReport): string {
  const withCode = report.overall.codeN !== undefined;
  const withExamples = report.overall.examples3 !== undefined;
  const header =
    `| set | n | hit@1 | hit@3 | hit@5 | MRR@${report.k} | recall@${report.k} |${withCode ? ' code pass@3 |' : ''}${withExamples ? ' examples pass@3 |' : ''}\n` +
    `| --- | --- | --- | --- | --- | --- | --- |${withCode ? ' --- |' : ''}${withExamples ? ' --- |' : ''}`;
  const share = (value: number | undefined, n: number | undefined) => (value === undefined ? '' : `${value.toFixed(3)} (${Math.round(value * (n ?? 0))}/${n})`);
  const row = (name: string, m: Metrics) =>
    `| ${name} | ${m.n} | ${[m.hit1, m.hit3, m.hit5, m.mrr, m.recall].map((v) => (m.docN > 0 ? v.toFixed(3) : '-')).join(' | ')} |` +
    (withCode ? ` ${share(m.code3, m.codeN)} |` : '') +
    (withExamples ? ` ${share(m.examples3, m.codeN)} |` : '');
  return [header, row('overall', report.overall), ...Object.entries(report.byKind).map(([kind, m]) => row(kind, m))].join('\n');
}

/** The identifier groups of which no alternative appears in `text` (already lower-case). */
function missingIn(text: string, groups: string[][]): string[][] {
  return groups.filter((group) => !group.some((alt) => text.includes(alt.toLowerCase())));
}
