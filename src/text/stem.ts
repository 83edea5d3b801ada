import { stemmer } from 'stemmer';
import { americanSpelling } from './spelling.js';

/**
 * A plain lower-case word's stem: Porter's, after British spellings become American ones
 * (spelling.ts), with corrections where Porter gives a word and its inflections different stems
 * or gives two words of different meaning one stem.
 */
export function stemWord(word: string): string {
  let s = cache.get(word);
  if (s === undefined) {
    s = /\d/.test(word) || word.length > 30 ? word : (EXACT.get(word) ?? ownStem(word) ?? stemmer(normalizeSuffix(americanSpelling(word))));
    if (cache.size < 200_000) cache.set(word, s);
  }
  return s;
}

const cache = new Map<string, string>();

const EXACT = new Map([
  // A customer (a client) is not custom (made to order, `customize`), yet Porter stems both to
  // `custom`: a question about a customer's setup matched every page titled "Custom …".
  ['customer', 'customer'],
  ['customers', 'customer'],
  // Porter undoubles the consonant left by -ed and -ing (planned → plan), which for `add` gives `ad`,
  // while `add` itself stays `add`.
  ['added', 'add'],
  ['adding', 'add'],
  // Porter takes the -ed of `embed` for a suffix (`emb`), not that of `embedded` (`embed`).
  ['embed', 'embed'],
  ['embeds', 'embed'],
  // Singular nouns in -s whose plural Porter stems to the whole singular (aliases → alias).
  ['alias', 'alias'],
  ['bias', 'bias'],
  ['canvas', 'canvas'],
  ['atlas', 'atlas'],
]);

/**
 * Words whose inflections Porter stems to the whole word, which Porter would cut further: singular
 * nouns in -us (status, focus, corpus: Porter drops the s, `statu`, and keeps it in `statuses`,
 * `focused`), and verbs in -ceed (exceed, succeed: `exce`, against `exceed` for `exceeded`).
 */
function ownStem(word: string): string | undefined {
  if (word.length >= 5 && /[^o]us$/.test(word)) return word;
  if (/ceeds?$/.test(word)) return word.endsWith('s') ? word.slice(0, -1) : word;
  return undefined;
}

/** Porter leaves derivations apart (verification → verif, verify → verifi); bring the common ones together. */
function normalizeSuffix(word: string): string {
  if (word.endsWith('ification')) return `${word.slice(0, -9)}ify`;
  if (word.endsWith('ifications')) return `${word.slice(0, -10)}ify`;
  if (word.endsWith('ications')) return `${word.slice(0, -8)}icate`;
  return word;
}
