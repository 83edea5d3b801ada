import { describe, expect, it } from 'vitest';
import { chunkSections, splitText } from '../ingest/chunk.js';
import type { Section } from '../src/types.js';

const base = 'https://workos.com/docs';
const section = (anchor: string, text: string, heading = [anchor]): Section => ({ docId: 'doc', title: 'Doc', heading, anchor, level: 2, text });
const options = { target: 300, max: 800, min: 80 };

describe('chunking', () => {
  it('splits a long section at blank lines and never inside a code fence', () => {
    const code = '```js\n' + Array.from({ length: 12 }, (_, i) => `const line${i} = ${i};`).join('\n') + '\n```';
    const text = ['Intro paragraph. '.repeat(10), code, 'After the code. '.repeat(10)].join('\n\n');
    const parts = splitText(text, options);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect((part.match(/```/g) ?? []).length % 2).toBe(0);
    expect(parts.join('\n\n')).toBe(text);
  });

  it('keeps a heading or a label line with the block it introduces, never at the end of a part', () => {
    const prose = 'Some words about the endpoint. '.repeat(9);
    const list = '- `limit` (number): how many.\n- `after` (string): the cursor.\n- `order` (string): asc or desc.';
    const text = [prose, '**Parameters:**', list, '### Returns', 'The call returns:', '- `data` (array): the objects.'].join('\n\n');
    const parts = splitText(text, options);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join('\n\n')).toBe(text);
    for (const part of parts.slice(0, -1)) expect(part.split('\n').at(-1), part).not.toMatch(/^#|:(\*\*)?$/);
    expect(parts.find((p) => p.includes('`limit`'))?.startsWith('**Parameters:**')).toBe(true);
    expect(parts.find((p) => p.includes('`data`'))).toContain('### Returns\n\nThe call returns:\n\n- `data`');
  });

  it('splits an oversized table between rows and repeats its header', () => {
    const rows = Array.from({ length: 60 }, (_, i) => `| row ${i} | value ${i} |`);
    const table = ['| name | value |', '| --- | --- |', ...rows].join('\n');
    const parts = splitText(table, options);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.startsWith('| name | value |\n| --- | --- |')).toBe(true);
      expect(part.length).toBeLessThanOrEqual(options.max);
    }
    expect(parts.flatMap((p) => p.split('\n').slice(2))).toEqual(rows);
  });

  it('folds a lone heading and a one-line section into the next section', () => {
    const chunks = chunkSections(
      [section('empty', ''), section('short', 'Tiny.'), section('long', 'A real paragraph with content. '.repeat(5))],
      base,
      options,
    );
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.id).toBe('doc#empty');
    expect(chunks[0]?.text).toBe(`## short\n\nTiny.\n\n## long\n\n${'A real paragraph with content. '.repeat(5).trim()}`);
  });

  it('gives every chunk a stable id, an anchored URL and a content hash', () => {
    const sections = [section('one', 'First section text. '.repeat(8)), section('two', Array.from({ length: 6 }, (_, i) => `Paragraph ${i} of the second section. `.repeat(3).trim()).join('\n\n'))];
    const a = chunkSections(sections, base, options);
    const b = chunkSections(sections, base, options);
    expect(a).toEqual(b);
    expect(a.map((c) => c.id)).toEqual(['doc#one', 'doc#two', 'doc#two~1', 'doc#two~2']);
    expect(a[1]?.url).toBe('https://workos.com/docs/doc#two');
    expect(a[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(a.map((c) => c.hash)).size).toBe(a.length);
  });
});
