import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { runCli } from '../cli/run.js';
import { evaluate, formatReport, parseQuerySet } from '../src/core/eval.js';
import { useFixtureServer } from './helpers/fixture-index.js';
import { tempDir } from './helpers/fixtures.js';

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

  it('judges a code question on the top three examples too when given the example finder', async () => {
    const set = parseQuerySet(
      [
        '{"id": "q1", "query": "fold a dart plane in code", "relevant": [], "kind": "code", "must_contain": [["foldPlane"], ["style: \'dart\'"]]}',
        '{"id": "q2", "query": "fold a dart plane in code", "relevant": [], "kind": "code", "must_contain": [["foldPlane"], ["sandbox"]]}',
      ].join('\n'),
    );
    const report = await evaluate(ctx.engine.retriever, set, 10, ctx.engine.examples);
    // The sections found name the wind tunnel sandbox; the one code example, `hangar.foldPlane({ style: 'dart' })`, does not.
    expect(report.queries.map((q) => q.codeMissing)).toEqual([[], []]);
    expect(report.queries.map((q) => q.examplesMissing)).toEqual([[], [['sandbox']]]);
    expect(formatReport(report)).toContain('| code | 2 | - | - | - | - | - | 1.000 (2/2) | 0.500 (1/2) |');
  });

  it('refuses a question with neither relevant docs nor identifiers, naming the line', () => {
    expect(() => parseQuerySet('{"id": "a", "query": "q", "relevant": ["x"]}\n{"id": "b", "query": "q", "relevant": []}', 'set.jsonl')).toThrow(
      /^set\.jsonl:2: relevant: needs "relevant" doc ids or "must_contain" identifier groups/,
    );
  });
});

describe('eval --explain through the CLI', () => {
  it('shows, for a query whose answer is not first, where it ranks in each ranking the fusion combines', async () => {
    const work = await tempDir();
    try {
      const set = path.join(work.dir, 'set.jsonl');
      // The wind tunnel lives in guide/testing; naming guide as the answer makes this a miss to explain.
      await writeFile(set, '{"id": "q1", "query": "wind tunnel sandbox gusts", "relevant": ["guide"], "kind": "howto"}\n');
      let stdout = '';
      const code = await runCli(['eval', '--set', set, '--explain', '--index', inject('fixtureIndexDir')], { env: {}, stdout: (t) => (stdout += t), stderr: () => {}, stderrIsTTY: false });
      expect(code).toBe(0);
      expect(stdout).toMatch(/q1 \[howto\] first hit: \d+\n {2}wind tunnel sandbox gusts\n {2}want: guide\n {2}got: {2}guide\/testing/);
      for (const ranking of ['chunk BM25F', 'chunk dense', 'identifiers', 'doc title/description/headings', 'doc whole text']) {
        expect(stdout).toMatch(new RegExp(`\\n {2}${ranking.replace('/', '\\/')} +weight \\d\\.\\d\\d {2}first relevant at (\\d+|-) {2}top: `));
      }
    } finally {
      await work.cleanup();
    }
  });
});
