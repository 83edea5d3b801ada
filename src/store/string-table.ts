/**
 * Strings kept as their UTF-8 bytes end to end, with offsets: an index file holds them as two typed
 * arrays, so a server reads them without building a string per entry, and decodes one when it is
 * asked for. Chunk texts are kept so (a server decodes the few it shows), and a lexical index's
 * vocabulary (StringTable).
 */
export class PackedStrings {
  protected readonly text: Buffer;

  constructor(
    readonly bytes: Uint8Array,
    /** size + 1 entries: string i is bytes[offsets[i], offsets[i + 1]). */
    readonly offsets: Uint32Array,
  ) {
    this.text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The strings in the order given (for a StringTable: distinct and in code point order, see codePointSort). */
  static of<T extends PackedStrings>(this: new (bytes: Uint8Array, offsets: Uint32Array) => T, strings: string[]): T {
    const encoded = strings.map((s) => Buffer.from(s, 'utf8'));
    const offsets = new Uint32Array(encoded.length + 1);
    encoded.forEach((b, i) => (offsets[i + 1] = (offsets[i] as number) + b.length));
    const bytes = new Uint8Array(offsets[encoded.length] as number);
    encoded.forEach((b, i) => bytes.set(b, offsets[i] as number));
    return new this(bytes, offsets);
  }

  /**
   * Checks what a file gave: offsets that start at 0, never go back and end at the bytes' end.
   * `what`: `term`, `text`. A StringTable's order is trusted: the checksums prove the build wrote it.
   */
  static checked<T extends PackedStrings>(this: new (bytes: Uint8Array, offsets: Uint32Array) => T, bytes: unknown, offsets: unknown, what: string): T {
    if (!(bytes instanceof Uint8Array) || !(offsets instanceof Uint32Array) || offsets.length === 0) throw new Error(`its ${what}s are missing`);
    if (offsets[0] !== 0 || offsets[offsets.length - 1] !== bytes.length) throw new Error(`its ${what} offsets do not cover their bytes`);
    for (let i = 1; i < offsets.length; i++) if ((offsets[i] as number) < (offsets[i - 1] as number)) throw new Error(`its ${what} offsets go backwards`);
    return new this(bytes, offsets);
  }

  get size(): number {
    return this.offsets.length - 1;
  }

  at(i: number): string {
    return this.text.toString('utf8', this.offsets[i], this.offsets[i + 1]);
  }

  /** The positions of the strings that contain `needle`, in order (one pass over the bytes, nothing decoded). */
  containing(needle: string): number[] {
    const key = Buffer.from(needle, 'utf8');
    const out: number[] = [];
    if (key.length === 0) return Array.from({ length: this.size }, (_, i) => i);
    let entry = 0;
    for (let at = this.text.indexOf(key); at >= 0; ) {
      // The entry whose bytes hold position `at`; a match across two entries is no match.
      while ((this.offsets[entry + 1] as number) <= at) entry++;
      const end = this.offsets[entry + 1] as number;
      if (at + key.length <= end) {
        out.push(entry);
        at = this.text.indexOf(key, end);
      } else {
        at = this.text.indexOf(key, at + 1);
      }
    }
    return out;
  }
}

/**
 * A sorted list of distinct strings (PackedStrings): the vocabulary of a lexical index. The default
 * index's 74,000 chunk terms took about 10 ms of JSON parsing at every start and 3 MB of heap as a
 * string array. A term is found by binary search over the bytes (UTF-8 byte order is code point order).
 */
export class StringTable extends PackedStrings {
  /** The distinct strings of `strings`, sorted by code point. */
  static from(strings: Iterable<string>): StringTable {
    return StringTable.of(codePointSort([...new Set(strings)]));
  }

  /** The position of `s`, or -1. `s` is encoded into a buffer kept for the purpose (no allocation). */
  indexOf(s: string): number {
    if (this.key.length < s.length * 3) this.key = new Uint8Array(s.length * 3);
    const key = this.key;
    const keyLength = ENCODER.encodeInto(s, key).written;
    const { bytes, offsets } = this;
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const start = offsets[mid] as number;
      const length = (offsets[mid + 1] as number) - start;
      let order = length - keyLength;
      for (let j = 0, n = Math.min(length, keyLength); j < n; j++) {
        const d = (bytes[start + j] as number) - (key[j] as number);
        if (d !== 0) {
          order = d;
          break;
        }
      }
      if (order === 0) return mid;
      if (order < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private key = new Uint8Array(64);
}

const ENCODER = new TextEncoder();

/**
 * Sorts strings by code point, which is UTF-8 byte order: JavaScript's default sort (by UTF-16
 * unit) agrees unless a string holds a character beyond U+FFFF, which is rare enough to sort
 * those lists again by their bytes. (Sorting every list by bytes took 120 ms of a default build.)
 */
export function codePointSort(strings: string[]): string[] {
  strings.sort();
  if (strings.some((s) => /[\ud800-\udfff]/.test(s))) strings.sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  return strings;
}
