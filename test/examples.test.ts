import { describe, expect, it } from 'vitest';
import { codeBlocks, normalizeLanguage } from '../src/core/examples.js';
import { fitExamples } from '../src/format.js';
import { textOf, useFixtureServer } from './helpers/fixture-index.js';

describe('get_examples over MCP', () => {
  const ctx = useFixtureServer();

  it('returns a whole code block with the sentence that introduces it, its language, source and URL', async () => {
    const result = await ctx.call('get_examples', { query: 'fold a dart plane', limit: 3 });
    const examples = (result.structuredContent as { examples: Array<Record<string, string>> }).examples;
    expect(examples[0]).toEqual({
      code: "import { Hangar } from 'hangar';\nconst plane = await hangar.foldPlane({ style: 'dart' });",
      language: 'javascript',
      intro: 'Fold along the crease. Use `foldPlane()` for a classic dart.',
      source: 'guide',
      path: 'guide',
      url: 'https://workos.com/docs/guide#folding',
    });
    expect(textOf(result)).toContain("```javascript\nimport { Hangar } from 'hangar';\nconst plane = await hangar.foldPlane({ style: 'dart' });\n```");
  });

  it('filters by language, treating TypeScript and JavaScript as one family, and says when nothing matches', async () => {
    const ts = await ctx.call('get_examples', { query: 'fold a dart plane', language: 'ts' });
    expect((ts.structuredContent as { examples: Array<{ path: string }> }).examples[0]?.path).toBe('guide');
    const python = await ctx.call('get_examples', { query: 'fold a dart plane', language: 'python' });
    expect((python.structuredContent as { examples: unknown[] }).examples).toEqual([]);
    expect(textOf(python)).toMatch(/^No code examples match "fold a dart plane" \(language python\)\.\nDrop a filter, or try other words/);
  });

  it('filters by framework named in the page, section, intro or code', async () => {
    const found = await ctx.call('get_examples', { query: 'fold a dart plane', framework: 'hangar' });
    expect((found.structuredContent as { examples: unknown[] }).examples).toHaveLength(1);
    const none = await ctx.call('get_examples', { query: 'fold a dart plane', framework: 'sveltekit' });
    expect((none.structuredContent as { examples: unknown[] }).examples).toEqual([]);
  });
});

describe('code blocks in markdown', () => {
  it('finds fenced blocks whole, at any indent, with the last prose paragraph before each', () => {
    const markdown = ['## Setup', '', 'Install it:', '', '```sh', 'npm i hangar', '```', '', '- Then call it:', '', '  ```ts', '  fold();', '', '  land();', '  ```', '', '~~~', 'no language', '~~~'].join('\n');
    expect(codeBlocks(markdown)).toEqual([
      { code: 'npm i hangar', language: 'shell', intro: 'Install it:', offset: 23 },
      { code: 'fold();\n\nland();', language: 'typescript', intro: 'Then call it:', offset: 64 },
      { code: 'no language', language: 'text', intro: 'Then call it:', offset: 100 },
    ]);
    expect(normalizeLanguage('TSX')).toBe('typescript');
  });

  it('keeps whole examples within the answer budget and cuts only a lone oversized one, closing it', () => {
    const example = (code: string) => ({ code, language: 'typescript', intro: 'Intro.', source: 'a', path: 'a', url: 'u', title: 't', heading: [] });
    const { examples, omitted } = fitExamples([example('a'.repeat(600)), example('b'.repeat(600)), example('c'.repeat(100))], 1000);
    expect(examples.map((e) => e.code[0])).toEqual(['a', 'c']);
    expect(omitted).toBe(1);
    const cut = fitExamples([example(Array.from({ length: 200 }, (_, i) => `line ${i}`).join('\n'))], 500).examples[0]?.code ?? '';
    expect(cut.length).toBeLessThan(600);
    expect(cut.endsWith('// … cut here: the whole block is in get_doc path="a"')).toBe(true);
  });
});
