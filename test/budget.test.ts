import { describe, expect, it } from 'vitest';
import { cutAtBlock, fitItems, resultSize, RESULT_BUDGET, shareByNeed, STRUCTURED_NOTE, type ToolResultShape } from '../src/server/budget.js';

type Item = { title: string; text: string };
const render = (forText: Item[], forStructured: Item[], omitted: number): ToolResultShape => ({
  content: [{ type: 'text', text: forText.map((i) => `## ${i.title}\n\n${i.text}`).join('\n\n') + (omitted ? `\n\n[${omitted} more left out]` : '') }],
  structuredContent: { items: forStructured },
});
const fitted = (items: Item[]) => fitItems(items, { render, textNote: (i) => `[truncated: read ${i.title}]` });

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

  it('keeps the prose before a code block rather than cut inside it, however short the prose', () => {
    const code = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n');
    expect(cutAtBlock(`Short intro.\n\n\`\`\`txt\n${code}\n\`\`\``, 200)).toBe('Short intro.');
  });

  it('keeps the prose before a code block that follows it without a blank line', () => {
    const code = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n');
    expect(cutAtBlock(`Short intro:\n\`\`\`txt\n${code}\n\`\`\``, 200)).toBe('Short intro:');
  });

  it('closes the fence when a text opens with a code block longer than the room', () => {
    const code = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n');
    const cut = cutAtBlock(`\`\`\`txt\n${code}\n\`\`\``, 100);
    expect(cut.length).toBeLessThanOrEqual(100);
    expect(cut.startsWith('```txt\nline 0\n')).toBe(true);
    expect(cut.endsWith('\n```')).toBe(true);
  });

  it('cuts a list between its items, keeping every item it shows whole', () => {
    // A reference page's parameters: one block of list items, each with its text on two lines.
    const items = Array.from({ length: 12 }, (_, i) => `- \`param_${i}\` (\`string\`): what parameter ${i} does,\n  and when to leave it out.`);
    const text = ['**Parameters:**', '', ...items, '', 'Returns the list.'].join('\n');
    // The room ends after the first line of the eighth item: the item is left out whole, not cut in two.
    const room = text.indexOf('\n', text.indexOf('- `param_7`')) + 5;
    expect(cutAtBlock(text, room)).toBe(['**Parameters:**', '', ...items.slice(0, 7)].join('\n'));
  });

  it('fills the room with the items of a list that follows a long paragraph, rather than stop after the paragraph', () => {
    const intro = 'A paragraph that takes more than half of the room, so that a cut between blocks would end after it. '.repeat(3).trim();
    const items = Array.from({ length: 12 }, (_, i) => `- \`field_${i}\`: what field ${i} holds`);
    const text = [intro, '', ...items].join('\n');
    expect(cutAtBlock(text, text.indexOf('field_5') + 3)).toBe([intro, '', ...items.slice(0, 5)].join('\n'));
  });

  it('cuts a table between its rows, keeping its header, its separator and at least one row', () => {
    const intro = 'A paragraph before the table, long enough to take more than half of the room that is given below. '.repeat(2).trim();
    const rows = Array.from({ length: 10 }, (_, i) => `| code_${i} | what error ${i} means |`);
    const table = ['| Code | Meaning |', '| --- | --- |', ...rows];
    const text = [intro, '', ...table].join('\n');
    expect(cutAtBlock(text, text.indexOf('code_3') + 3)).toBe([intro, '', ...table.slice(0, 5)].join('\n'));
    // A room that ends in the first row keeps the paragraph, not a table of headers alone.
    expect(cutAtBlock(text, text.indexOf('code_0') + 3)).toBe(intro);
  });

  it('cuts one huge line at a space', () => {
    const cut = cutAtBlock('word '.repeat(100), 52);
    expect(cut).toBe('word '.repeat(10).trim());
  });
});

describe('fitting a tool result into the budget', () => {
  it('returns a result that fits unchanged, with the texts in both copies', () => {
    const items = [{ title: 'a', text: 'short text' }];
    expect(fitted(items)).toEqual(render(items, items, 0));
  });

  it('gives the text block one long text first and the structured copy what is left, both marked', () => {
    const paragraphs = Array.from({ length: 400 }, (_, i) => `Paragraph ${i} says "something" worth reading.\n\n\`\`\`js\nconst x${i} = ${i};\n\`\`\``);
    const text = paragraphs.join('\n\n');
    const result = fitted([{ title: 'long', text }]);
    expect(resultSize(result)).toBeLessThanOrEqual(RESULT_BUDGET);
    const shown = result.content[0]?.text ?? '';
    expect(shown).toMatch(/\n\n\[truncated: read long\]$/);
    const kept = shown.slice('## long\n\n'.length, shown.indexOf('\n\n[truncated'));
    expect(text.startsWith(kept)).toBe(true);
    expect(kept.split('\n').filter((l) => l.startsWith('```')).length % 2).toBe(0);
    expect(kept.length).toBeGreaterThan(RESULT_BUDGET / 2);
    const structured = (result.structuredContent.items as Item[])[0]?.text ?? '';
    expect(structured.length).toBeLessThan(kept.length);
    // The text block took all the room: the structured copy keeps its shape with an empty text.
    expect(structured).toBe('');
  });

  it('repeats a text in the structured copy as far as the room left by the text block allows', () => {
    const text = Array.from({ length: 400 }, (_, i) => `Paragraph ${i} has a little to say.`).join('\n\n');
    expect(text.length).toBeGreaterThan(RESULT_BUDGET / 2);
    const result = fitted([{ title: 'mid', text }]);
    expect(resultSize(result)).toBeLessThanOrEqual(RESULT_BUDGET);
    expect(result.content[0]?.text).toBe(`## mid\n\n${text}`);
    const structured = (result.structuredContent.items as Item[])[0]?.text ?? '';
    expect(structured.endsWith(`\n\n${STRUCTURED_NOTE}`)).toBe(true);
    expect(text.startsWith(structured.slice(0, -STRUCTURED_NOTE.length - 2))).toBe(true);
    expect(resultSize(result)).toBeGreaterThan(RESULT_BUDGET - 200);
  });

  it('leaves out trailing items, and says so, when their metadata alone would crowd out the texts', () => {
    const items = Array.from({ length: 200 }, (_, i) => ({ title: `item ${i} ${'x'.repeat(200)}`, text: 'some text '.repeat(20) }));
    const result = fitted(items);
    expect(resultSize(result)).toBeLessThanOrEqual(RESULT_BUDGET);
    const kept = result.structuredContent.items as Item[];
    expect(kept.length).toBeLessThan(200);
    expect(kept.map((i) => i.title)).toEqual(items.slice(0, kept.length).map((i) => i.title));
    expect(result.content[0]?.text).toMatch(new RegExp(`\\[${200 - kept.length} more left out\\]$`));
  });
});
