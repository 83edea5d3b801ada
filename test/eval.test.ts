import { describe, expect, it } from 'vitest';
import { evaluate, formatReport, parseQuerySet } from '../src/core/eval.js';
import { useFixtureServer } from './helpers/fixture-index.js';

describe('eval on a query set', () => {
  const ctx = useFixtureServer();

  it('passes a code question only when every identifier group is in the top three results', async () => {
    const set = parseQuerySet(
      [
        '{"id": "q1", "query": "fold a dart plane in code", "relevant": [], "kind": "code", "must_contain": [["foldPlane"], ["style: \'dart\'", "dart"]]}',
        '{"id": "q2", "query": "fold a dart plane in code", "relevant": [], "kind": "code", "must_contain": [["foldPlane"], ["launchRocket"]]}',
      ].join('\n'),
    );
    const report = await evaluate(ctx.engine.retriever, set);
    expect(report.queries.map((q) => q.codeMissing)).toEqual([[], [['launchRocket']]]);
    expect(report.overall.code3).toBe(0.5);
    expect(formatReport(report)).toContain('| code | 2 | - | - | - | - | - | 0.500 (1/2) |');
  });

  it('refuses a question with neither relevant docs nor identifiers, naming the line', () => {
    expect(() => parseQuerySet('{"id": "a", "query": "q", "relevant": ["x"]}\n{"id": "b", "query": "q", "relevant": []}', 'set.jsonl')).toThrow(
      /^set\.jsonl:2: relevant: needs "relevant" doc ids or "must_contain" identifier groups/,
    );
  });
});
