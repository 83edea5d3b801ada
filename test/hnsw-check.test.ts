import { cp, readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { IndexLoadError, loadIndex } from '../src/store/load.js';
import { tempDir } from './helpers/fixtures.js';
import { indexFile } from './helpers/index-files.js';

// A crafted vectors.hnsw whose checksum is recomputed in the manifest passes the checksum check;
// before the header check, hnswlib read it and crashed the process (SIGSEGV/SIGABRT). On code
// without the check these tests crash this file's test process instead of failing politely.

let work: { dir: string; cleanup: () => Promise<void> };
let source: string;
let original: Buffer;
let count: number;
const M = 16;
const DIMENSION_OFFSET = 24;

beforeAll(async () => {
  work = await tempDir('wdm-hnsw-');
  // The run's shared fixture index, read only: each crafted index is a copy of it.
  source = inject('fixtureIndexDir');
  original = await readFile(indexFile(source, 'vectors.hnsw'));
  count = loadIndex(source).chunks.length;
});
afterAll(async () => work.cleanup());

let copies = 0;
/** A copy of the fixture index whose vectors.hnsw is `bytes`, with the manifest's checksum and size recomputed. */
async function craft(bytes: Buffer): Promise<string> {
  const dir = path.join(work.dir, `crafted-${copies++}`);
  await cp(source, dir, { recursive: true });
  await writeFile(indexFile(dir, 'vectors.hnsw'), bytes);
  const manifestFile = indexFile(dir, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { artifacts: Record<string, { bytes: number; sha256: string }> };
  manifest.artifacts['vectors.hnsw'] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  await writeFile(manifestFile, JSON.stringify(manifest));
  return dir;
}

function edit(change: (view: DataView, bytes: Buffer) => void): Buffer {
  const bytes = Buffer.from(original);
  change(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), bytes);
  return bytes;
}

const perElement = () => Number(new DataView(original.buffer, original.byteOffset).getBigUint64(DIMENSION_OFFSET, true));

describe('loading a crafted vectors.hnsw', () => {
  it('loads the untouched file (the check accepts what hnswlib writes)', async () => {
    const index = loadIndex(await craft(Buffer.from(original)));
    expect(index.vectorIndex.size).toBe(count);
  });

  it.each([
    ['an entry point beyond the elements', (v: DataView) => v.setUint32(52, 0x7fffffff, true), /entry point 2147483647 is not one of the/],
    ['a huge top level', (v: DataView) => v.setInt32(48, 100_000, true), /top level 100000 is outside 0\.\.64/],
    ['a wrong element count', (v: DataView) => v.setBigUint64(16, BigInt(count + 1000), true), /element count is \d+, expected \d+/],
    ['a huge capacity', (v: DataView) => v.setBigUint64(8, 1n << 60n, true), /capacity is out of range, expected \d+/],
    ['a different maxM0', (v: DataView) => v.setBigUint64(64, 4096n, true), /maxM0 is 4096, expected 32/],
    ['bytes per element for another dimension', (v: DataView) => v.setBigUint64(DIMENSION_OFFSET, BigInt(perElement() + 400), true), /bytes per element \(dimension\) is \d+/],
    ['a neighbour id beyond the elements', (v: DataView) => {
      v.setUint16(96, 1, true);
      v.setUint32(100, 0xfffffff0, true);
    }, /element 0 links to 4294967280 on level 0, which has no such node/],
    ['a link count beyond maxM0', (v: DataView) => v.setUint16(96, 60_000, true), /element 0 has 60000 links on level 0, at most 32 fit/],
    ['a label beyond the chunks', (v: DataView) => v.setBigUint64(96 + (2 * M * 4 + 4) + (perElement() - (2 * M * 4 + 4) - 8), 1n << 40n, true), /element 0 has label \d+, expected a chunk position below/],
  ])('refuses %s with a clear error instead of crashing', async (_label, change, problem) => {
    const dir = await craft(edit(change));
    const attempt = () => loadIndex(dir);
    expect(attempt).toThrow(IndexLoadError);
    expect(attempt).toThrow(/vectors\.hnsw: its HNSW data does not match the manifest/);
    expect(attempt).toThrow(problem);
    expect(attempt).toThrow(/ingest --full/);
  });

  it('refuses a file cut short or padded, with the checksum recomputed', async () => {
    for (const bytes of [original.subarray(0, original.length - 4), Buffer.concat([original, Buffer.alloc(64)]), original.subarray(0, 50)]) {
      const dir = await craft(Buffer.from(bytes));
      expect(() => loadIndex(dir)).toThrow(/vectors\.hnsw: its HNSW data does not match the manifest/);
    }
  });
});
