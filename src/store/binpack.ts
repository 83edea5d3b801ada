/**
 * A small binary container for typed arrays plus a JSON header, so that large numeric data
 * (vectors, postings, projection matrices) loads without JSON parsing:
 *   magic "WDMB" | u32 header length | header JSON | padding to 8 | array bytes...
 * The header records each array's name, type, offset and length; every read is bounds-checked.
 */
export type PackedArray = Float32Array | Uint32Array | Int32Array | Float64Array | Uint8Array;

const MAGIC = 'WDMB';
const TYPES = { Float32Array, Uint32Array, Int32Array, Float64Array, Uint8Array } as const;
type TypeName = keyof typeof TYPES;

interface Header {
  meta: unknown;
  arrays: Array<{ name: string; type: TypeName; offset: number; length: number }>;
}

export class PackFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackFormatError';
  }
}

export function pack(meta: unknown, arrays: Record<string, PackedArray>): Buffer {
  const entries = Object.entries(arrays);
  const layout: Header['arrays'] = [];
  let offset = 0;
  for (const [name, array] of entries) {
    layout.push({ name, type: array.constructor.name as TypeName, offset, length: array.length });
    offset += align8(array.byteLength);
  }
  const header = Buffer.from(JSON.stringify({ meta, arrays: layout } satisfies Header), 'utf8');
  const start = align8(8 + header.length);
  const out = Buffer.alloc(start + offset);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(header.length, 4);
  header.copy(out, 8);
  for (const [i, [, array]] of entries.entries()) {
    const at = start + (layout[i]?.offset ?? 0);
    Buffer.from(array.buffer, array.byteOffset, array.byteLength).copy(out, at);
  }
  return out;
}

export interface Unpacked {
  meta: unknown;
  arrays: Record<string, PackedArray>;
}

export function unpack(buffer: Buffer): Unpacked {
  if (buffer.length < 8 || buffer.toString('latin1', 0, 4) !== MAGIC) throw new PackFormatError('not a packed index file (bad magic bytes)');
  const headerLength = buffer.readUInt32LE(4);
  if (8 + headerLength > buffer.length) throw new PackFormatError('header runs past the end of the file (truncated?)');
  let header: Header;
  try {
    header = JSON.parse(buffer.toString('utf8', 8, 8 + headerLength)) as Header;
  } catch {
    throw new PackFormatError('header is not valid JSON');
  }
  const start = align8(8 + headerLength);
  // Typed arrays need their byte offset to be a multiple of the element size. Arrays sit at
  // 8-aligned offsets in the file, so a view on the read buffer works when the buffer itself
  // starts 8-aligned (large reads do); otherwise the body is copied into a fresh buffer once.
  let body: ArrayBuffer | SharedArrayBuffer = buffer.buffer;
  let base = buffer.byteOffset + start;
  if (base % 8 !== 0) {
    const copy = new ArrayBuffer(buffer.length - start);
    new Uint8Array(copy).set(buffer.subarray(start));
    body = copy;
    base = 0;
  }
  const bodyLength = buffer.length - start;
  const arrays: Record<string, PackedArray> = {};
  for (const entry of header.arrays ?? []) {
    const Ctor = TYPES[entry.type];
    if (!Ctor) throw new PackFormatError(`unknown array type ${String(entry.type)}`);
    const end = entry.offset + entry.length * Ctor.BYTES_PER_ELEMENT;
    if (entry.offset < 0 || entry.offset % 8 !== 0) throw new PackFormatError(`array "${entry.name}" has a bad offset ${entry.offset}`);
    if (end > bodyLength) throw new PackFormatError(`array "${entry.name}" runs past the end of the file (truncated?)`);
    arrays[entry.name] = new Ctor(body as ArrayBuffer, base + entry.offset, entry.length);
  }
  return { meta: header.meta, arrays };
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
