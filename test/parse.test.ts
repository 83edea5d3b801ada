import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDoc, ParseError, readFrontmatterOnly } from '../ingest/parse.js';
import { mergeRegistries, registryFromFrontmatter } from '../ingest/reference.js';
import { discoverDocs } from '../ingest/discover.js';
import { indexFile } from '../ingest/index-file.js';
import { DEFAULT_INGEST_LIMITS } from '../ingest/limits.js';
import { DEFAULT_CHUNK_OPTIONS } from '../ingest/chunk.js';
import { DEFAULT_BASE_URL } from '../src/ids.js';
import { FIXTURE_DOCS, ROOT, withoutCode } from './helpers/fixtures.js';

// Expected sections live beside the fixtures; regenerate with UPDATE_FIXTURES=1 npx vitest run test/parse.test.ts
const EXPECTED = path.join(ROOT, 'test', 'fixtures', 'parse');

async function parseFixture(relPath: string) {
  const { files } = await discoverDocs(FIXTURE_DOCS);
  const sources = await Promise.all(files.map(async (f) => ({ f, source: await readFile(f.absPath, 'utf8') })));
  const registry = mergeRegistries(sources.filter((s) => s.f.kind === 'doc' && s.f.path !== 'broken.mdx').map((s) => registryFromFrontmatter(readFrontmatterOnly(s.source, s.f.path))));
  const file = files.find((f) => f.path === relPath);
  if (!file) throw new Error(`no fixture ${relPath}`);
  return parseDoc({ path: file.path, docId: file.docId, source: await readFile(file.absPath, 'utf8'), baseUrl: DEFAULT_BASE_URL, registry });
}

describe('parsing MDX fixtures', () => {
  for (const fixture of ['guide/index.mdx', 'guide/testing.mdx', 'reference/widgets/create.mdx', 'reference/index.mdx']) {
    it(`turns ${fixture} into the expected sections`, async () => {
      const { sections } = await parseFixture(fixture);
      const expectedFile = path.join(EXPECTED, fixture.replace(/\.mdx$/, '.json'));
      if (process.env.UPDATE_FIXTURES || !existsSync(expectedFile)) {
        await mkdir(path.dirname(expectedFile), { recursive: true });
        await writeFile(expectedFile, JSON.stringify(sections, null, 2) + '\n');
      }
      expect(sections).toEqual(JSON.parse(await readFile(expectedFile, 'utf8')));
    });
  }

  it('keeps headings nested inside JSX and gives duplicate headings distinct anchors', async () => {
    const { sections } = await parseFixture('guide/index.mdx');
    expect(sections.map((s) => s.anchor)).toEqual(['', 'folding', 'folding-in-humid-weather', 'launching', 'launching-1']);
    expect(sections.find((s) => s.anchor === 'folding-in-humid-weather')?.heading).toEqual(['Folding', 'Folding in humid weather']);
  });

  it('drops imports, exports and expressions but keeps code, tables, definition lists and readable props', async () => {
    const { doc, sections } = await parseFixture('guide/index.mdx');
    expect(withoutCode(doc.markdown)).not.toMatch(/^import |^export /m);
    expect(doc.markdown).not.toContain('props.extra');
    expect(sections[1]?.text).toContain("```js\nimport { Hangar } from 'hangar';");
    expect(sections[1]?.text).toContain('| glider | 30 cm |');
    expect(sections[1]?.text).toContain('**Heads up**');
    expect(sections[3]?.text).toBe('Throw gently.\n\nLaunch angle\n: Between 10 and 20 degrees.');
  });

  it('turns images into their alt text and relative links into absolute docs URLs', async () => {
    const { sections } = await parseFixture('guide/index.mdx');
    expect(sections[0]?.text).toBe('The Hangar API helps you fold paper planes. See [testing](https://workos.com/docs/guide/testing) and Hangar logo.');
  });

  it('renders reference YAML as parameters with resolved descriptions and SDK methods', async () => {
    const { sections } = await parseFixture('reference/widgets/create.mdx');
    const generated = sections.find((s) => s.generated);
    expect(generated?.heading).toEqual(['Parameters and SDK methods']);
    expect(generated?.text).toContain('**Endpoint:** `POST /widgets`');
    expect(generated?.text).toContain('- Node: `hangar.createWidget()` — parameters: `name`, `wingSpan`');
    expect(generated?.text).toContain('- `client_id` (`string`): Identifies the hangar that makes the request.');
    expect(generated?.text).toContain('- `wing_span` (`number`, optional): Wingspan in centimetres, between `10` and `50`.');
    expect(generated?.text).not.toMatch(/\([a-z_]+\.[a-z_]+\)/);
  });

  it('lists an endpoint\'s path parameters before its body properties', async () => {
    const { sections } = await parseFixture('reference/widgets/create.mdx');
    const params = sections.find((s) => s.anchor === 'parameters-and-sdk-methods')?.text ?? '';
    const keys = [...params.matchAll(/^- `(\w+)` \(/gm)].map((m) => m[1]);
    expect(keys).toEqual(['hangar_id', 'client_id', 'name', 'wing_span', 'widget']);
    expect(params).toContain('- `hangar_id` (`string`): The hangar that will store the widget.');
  });

  it('summarizes a doc without a frontmatter description by its first prose paragraph', async () => {
    expect((await parseFixture('reference/widgets/create.mdx')).doc.description).toBe('Creates a paper widget for a plane.');
    expect((await parseFixture('guide/testing.mdx')).doc.description).toBe('Test flights with the wind tunnel sandbox before real launches.');
  });

  it('drops a logo image from a title and a section heading, but keeps the alt text of a heading that is only an image', () => {
    const parse = (path: string, source: string) => parseDoc({ path, docId: 'acme', source, baseUrl: DEFAULT_BASE_URL, registry: mergeRegistries([]) });
    const md = parse('acme.md', '# ![Acme logo](./acme.svg)Acme\n\n## [![icon](./i.svg)](https://x.test) Setup <img alt="gear" src="g.svg"/>\n\nText.\n');
    expect(md.doc.title).toBe('Acme');
    expect(md.sections.map((s) => s.heading)).toEqual([[], ['Setup']]);
    expect(md.doc.markdown).not.toMatch(/logo|icon|gear/);
    expect(parse('acme.mdx', '# <img alt="Acme logo" src="./acme.svg" />Acme\n\nText.\n').doc.title).toBe('Acme');
    expect(parse('acme.md', '# ![Acme](./acme.svg)\n\nText.\n').doc.title).toBe('Acme');
  });

  it('titles a page indexed as plain text by its first heading without the logo', () => {
    const source = `# ![Acme logo](./acme.svg)[Acme](https://acme.test)\n\nA divider: ${'*'.repeat(20)}\n`;
    const options = { registry: mergeRegistries([]), limits: { ...DEFAULT_INGEST_LIMITS, maxDelimiterRun: 10 }, chunk: DEFAULT_CHUNK_OPTIONS, strict: false };
    const indexed = indexFile({ path: 'acme.md', docId: 'acme', source, baseUrl: DEFAULT_BASE_URL }, options);
    expect(indexed.fallback).toBe('plain');
    expect(indexed.doc.title).toBe('Acme');
  });

  it('drops HTML comments in Markdown, keeping the text beside them and comments inside code', () => {
    const source = '# T\n\n<!-- draft --> Kept after.\n\nKept <!-- a > b --> too.\n\n```html\n<!-- code -->\n```\n';
    const { doc } = parseDoc({ path: 't.md', docId: 't', source, baseUrl: DEFAULT_BASE_URL, registry: mergeRegistries([]) });
    expect(doc.markdown).toBe('# T\n\nKept after.\n\nKept  too.\n\n```html\n<!-- code -->\n```\n');
  });

  it('reports an MDX syntax error with its path, line and the parser message', async () => {
    await expect(parseFixture('broken.mdx')).rejects.toThrow(ParseError);
    await expect(parseFixture('broken.mdx')).rejects.toThrow(/^broken\.mdx:7:\d+: Unexpected end of file/);
  });
});
