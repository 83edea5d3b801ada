import { describe, expect, it } from 'vitest';
import { cutAtBlock, shareByNeed } from '../src/server/budget.js';

describe('sharing the result budget', () => {
  it('gives short texts all they need and splits the rest equally among the long ones', () => {
    expect(shareByNeed([100, 200, 5000, 50], 1000)).toEqual([100, 200, 650, 50]);
    expect(shareByNeed([3000, 100, 3000], 1000)).toEqual([450, 100, 450]);
    expect(shareByNeed([10, 20], 1000)).toEqual([10, 20]);
    expect(shareByNeed([10, 20], -5)).toEqual([0, 0]);
  });

  it('cuts markdown between blocks, before a code block that would not fit whole', () => {
    const intro = 'An intro paragraph that is longer than the code block that follows it.';
    const text = [intro, '', '```js', 'const a = 1;', 'const b = 2;', '```', '', 'After the code.'].join('\n');
    expect(cutAtBlock(text, text.indexOf('const b'))).toBe(intro);
  });

  it('keeps a whole code block when the cut falls after it', () => {
    const text = ['Intro.', '', '```js', 'const a = 1;', '```', 'Tail paragraph that is long enough to be cut away.'].join('\n');
    expect(cutAtBlock(text, text.length - 10)).toBe(['Intro.', '', '```js', 'const a = 1;', '```'].join('\n'));
  });

  it('closes the fence when one code block is longer than the room', () => {
    const code = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n');
    const cut = cutAtBlock(`\`\`\`txt\n${code}\n\`\`\``, 100);
    expect(cut.length).toBeLessThanOrEqual(100);
    expect(cut.startsWith('```txt\nline 0\n')).toBe(true);
    expect(cut.endsWith('\n```')).toBe(true);
  });

  it('cuts one huge line at a space', () => {
    const cut = cutAtBlock('word '.repeat(100), 52);
    expect(cut).toBe('word '.repeat(10).trim());
  });
});
