import { describe, expect, it } from 'vitest';
import { LexicalIndex, type LexicalDoc } from '../src/store/lexical.js';
import { CODECS } from '../src/store/format/codecs.js';

const doc = (title: string, body: string): LexicalDoc => ({ title, heading: '', body });
const docs = [doc('Webhooks', 'verify the webhook signature header'), doc('Sessions', 'refresh the session cookie')];
// A package page that repeats the docs' words: it must not change how the docs weigh them.
const sdkPage = doc('constructEvent', 'verify webhook signature webhook signature payload header');

describe('lexical term statistics over part of the documents', () => {
  it('scores the counted documents as an index of those documents alone would', () => {
    const alone = LexicalIndex.build(docs);
    const mixed = LexicalIndex.build([...docs, sdkPage], undefined, [true, true, false]);
    const plain = LexicalIndex.build([...docs, sdkPage]);
    for (const query of ['webhook signature', 'session cookie', 'verify header']) {
      const expected = alone.search(query, 5);
      const got = mixed.search(query, 5).filter((s) => s.index < docs.length);
      expect(got, query).toEqual(expected);
    }
    // Counted over every document, the package page changes the docs' scores.
    expect(plain.search('webhook signature', 5).find((s) => s.index === 0)?.score).not.toBe(alone.search('webhook signature', 5)[0]?.score);
  });

  it('keeps the statistics through the index file', () => {
    const mixed = LexicalIndex.build([...docs, sdkPage], undefined, [true, true, false]);
    const codec = CODECS.lexicalChunks;
    const bytes = codec.encode(mixed);
    const read = codec.decode(typeof bytes === 'string' ? Buffer.from(bytes) : bytes, { size: 3, what: 'chunks' });
    expect(read.stats?.size).toBe(2);
    expect(read.search('webhook signature', 5)).toEqual(mixed.search('webhook signature', 5));
  });
});
