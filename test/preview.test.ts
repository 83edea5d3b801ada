import { describe, expect, it } from 'vitest';
import { markdownBlocks, previewOf } from '../src/text/preview.js';
import { thousands } from '../src/format.js';

describe('a preview of a section', () => {
  it('keeps whole prose blocks that fit and stops at the first code block after them, naming its language', () => {
    const text = 'Install the SDK first.\n\nThen run:\n\n```bash\nnpm install x\n```\n\nAfter that, call it.\n\n```ts\nx();\n```';
    const preview = previewOf(text, 300);
    expect(preview.text).toBe('Install the SDK first.\n\nThen run:');
    expect(preview.code).toEqual(['bash', 'ts']);
    // 22 + 2 + 9 characters shown of 98.
    expect(text.length).toBe(98);
    expect(preview.left).toBe(65);
  });

  it('previews a section that opens with code from the prose after it, never from inside the fence', () => {
    const preview = previewOf('```js\nconst a = 1;\n\nconst b = 2;\n```\n\nThe constants above are examples.', 300);
    expect(preview.text).toBe('The constants above are examples.');
    expect(preview.code).toEqual(['js']);
  });

  it('cuts a long paragraph at a sentence end, and a long list at a line end', () => {
    const sentence = 'This sentence is about forty characters. ';
    const paragraph = previewOf(sentence.repeat(20), 100);
    expect(paragraph.text).toBe(sentence.repeat(2).trimEnd());
    const list = previewOf(Array.from({ length: 20 }, (_, i) => `- item number ${i} of the list`).join('\n'), 100);
    expect(list.text.split('\n')).toEqual(Array.from({ length: 3 }, (_, i) => `- item number ${i} of the list`));
  });

  it('cuts a paragraph without a sentence end at a word, marked with an ellipsis that is not counted as shown', () => {
    const preview = previewOf('word '.repeat(100), 52);
    expect(preview.text).toBe(`${'word '.repeat(10).trimEnd()} …`);
    // 500 characters, of which the first 49 ("word word … word") are shown.
    expect(preview.left).toBe(451);
  });

  it('leaves nothing out of a short section', () => {
    expect(previewOf('Short.', 300)).toEqual({ text: 'Short.', left: 0, code: [] });
  });

  it('splits markdown into blocks with a fence whole, blank lines inside it included, and an unclosed fence as code', () => {
    const blocks = markdownBlocks('a\nb\n\n~~~python title="x"\n1\n\n2\n~~~\n\n```\nopen');
    expect(blocks).toEqual([
      { text: 'a\nb', code: false, language: '' },
      { text: '~~~python title="x"\n1\n\n2\n~~~', code: true, language: 'python' },
      { text: '```\nopen', code: true, language: '' },
    ]);
  });

  it('writes what is left with thousands separators', () => {
    expect([0, 999, 1000, 1836, 1234567].map(thousands)).toEqual(['0', '999', '1,000', '1,836', '1,234,567']);
  });
});
