import { describe, expect, it } from 'vitest';
import { pack, unpack } from '../src/store/binpack.js';
import { PackedStrings, StringTable } from '../src/store/string-table.js';

const WORDS = ['sso', 'saml', 'organization', 'organization id', 'zürich', 'émoji', '日本', '😀smile', '\uffefbom', 'a', ''];

describe('StringTable: a sorted vocabulary kept as UTF-8 bytes', () => {
  it('finds every string it holds, ASCII or not, and only those', () => {
    const table = StringTable.from([...WORDS, 'sso', 'saml']);
    expect(table.size).toBe(WORDS.length);
    for (const word of WORDS) expect(table.at(table.indexOf(word)), word).toBe(word);
    for (const absent of ['ss', 'ssoo', 'Sso', 'zurich', '日', '😀', 'organization  id', 'organizations']) expect(table.indexOf(absent), absent).toBe(-1);
  });

  it('orders by code point, so a character above the surrogates sorts before one made of a surrogate pair', () => {
    const table = StringTable.from(['😀', '\uffef', 'b', 'a']);
    expect(Array.from({ length: table.size }, (_, i) => table.at(i))).toEqual(['a', 'b', '\uffef', '😀']);
    expect(table.indexOf('😀')).toBe(3);
  });

  it('reads back from its packed arrays, and refuses offsets that do not fit its bytes', () => {
    const table = StringTable.from(WORDS);
    const { arrays } = unpack(pack({}, { bytes: table.bytes, offsets: table.offsets }));
    const again = StringTable.checked(arrays.bytes, arrays.offsets, 'term');
    for (const word of WORDS) expect(again.indexOf(word)).toBe(table.indexOf(word));
    expect(() => StringTable.checked(table.bytes, table.offsets.subarray(0, 3), 'term')).toThrow('its term offsets do not cover their bytes');
    const backwards = Uint32Array.from(table.offsets);
    backwards[2] = (backwards[3] as number) + 1;
    expect(() => StringTable.checked(table.bytes, backwards, 'term')).toThrow('its term offsets go backwards');
    expect(() => StringTable.checked(undefined, table.offsets, 'term')).toThrow('its terms are missing');
  });
});

describe('PackedStrings: texts in their own order, decoded on use', () => {
  it('gives each text back as it was given', () => {
    const texts = ['first ```ts\ncode\n```', '', 'ünïcödé 😀', 'last'];
    const packed = PackedStrings.of(texts);
    expect(Array.from({ length: packed.size }, (_, i) => packed.at(i))).toEqual(texts);
  });

  it('names the texts that contain a phrase, never a match that runs from one text into the next', () => {
    const packed = PackedStrings.of(['SDK page: `sdk/a`', 'nothing here SDK', ' page: `x`', 'twice SDK page: `b` and SDK page: `c`', 'SDK page: `😀`']);
    expect(packed.containing('SDK page: `')).toEqual([0, 3, 4]);
    expect(packed.containing('absent')).toEqual([]);
    expect(packed.containing('😀')).toEqual([4]);
  });
});
