import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkSections } from '../ingest/chunk.js';
import { discoverDocs } from '../ingest/discover.js';
import { parseDoc, repairSource } from '../ingest/parse.js';
import { emptyRegistry, registryFromFrontmatter } from '../ingest/reference.js';
import { readFrontmatterOnly } from '../ingest/parse.js';
import { embeddingText, searchableText } from '../src/text/embedding-text.js';
import { tempDir } from './helpers/fixtures.js';

const BASE = 'https://hangar.test/docs';

function render(source: string, docId = 'guide/setup') {
  const registry = registryFromFrontmatter(readFrontmatterOnly(source, `${docId}.mdx`));
  return parseDoc({ path: `${docId}.mdx`, docId, source, baseUrl: BASE, registry: { ...emptyRegistry(), ...registry } });
}

describe('code samples the docs reference but do not ship', () => {
  const source = [
    '---',
    'title: Set up',
    '---',
    '',
    '## Install',
    '',
    'Add the provider to your layout.',
    '',
    '<CodeBlock file="hangar-provider" title="/app/layout.tsx" />',
    '',
    '<CodeBlock title="Create a hangar">',
    '  <CodeBlockTab language="js" file="create-hangar-next" title="Next.js" />',
    '  <CodeBlockTab language="ruby" file="create-hangar-rails" title="Rails" />',
    '</CodeBlock>',
    '',
    '<CodeBlock title="Inline sample">',
    '',
    '```js',
    'hangar.fold();',
    '```',
    '',
    '</CodeBlock>',
    '',
  ].join('\n');

  it('renders each one as one explicit line naming the file, its variants and the section URL', () => {
    const { sections } = render(source);
    expect(sections[0]?.text).toBe(
      [
        'Add the provider to your layout.',
        '',
        '_Code sample `/app/layout.tsx` is not included in the offline docs: see <https://hangar.test/docs/guide/setup#install>_',
        '',
        '_Code sample "Create a hangar" (Next.js, Rails) is not included in the offline docs: see <https://hangar.test/docs/guide/setup#install>_',
        '',
        '**Inline sample**',
        '',
        '```js',
        'hangar.fold();',
        '```',
      ].join('\n'),
    );
  });

  it('names the framework of the variant a sample sits under, and shows tab and variant labels as labels', () => {
    const { sections } = render(
      ['## Proxy', '', '- $ frontend="nextjs, remix"', '', '  Protect routes.', '', '  <CodeBlock file="proxy" title="proxy.ts" />', '', '- | Composable', '', '  Compose it.', ''].join('\n'),
    );
    expect(sections[0]?.text).toBe(
      [
        '- **Frontend: Next.js, Remix**',
        '',
        '  Protect routes.',
        '',
        '  _Code sample `proxy.ts` (Next.js, Remix) is not included in the offline docs: see <https://hangar.test/docs/guide/setup#proxy>_',
        '',
        '- **Composable**',
        '',
        '  Compose it.',
      ].join('\n'),
    );
  });

  it('keeps placeholders out of what search indexes and out of chunk sizes', () => {
    const { sections } = render(source);
    const [chunk] = chunkSections(sections, BASE);
    expect(chunk?.text).toContain('_Code sample `/app/layout.tsx`');
    expect(searchableText(chunk?.text ?? '')).not.toContain('Code sample');
    expect(embeddingText(chunk ?? { title: '', heading: [], text: '' })).not.toContain('not included in the offline docs');
    // Twenty placeholders in one short section still make one chunk: only searchable text counts.
    const many = render(['## Events', '', ...Array.from({ length: 20 }, (_, i) => `Event ${i}.\n\n<CodeBlock file="event-${i}" title="Sample event object" />\n`)].join('\n'));
    expect(chunkSections(many.sections, BASE)).toHaveLength(1);
  });
});

describe('markup debris from published docs', () => {
  it('repairs an image missing its opening bracket and drops image attributes that follow an image', () => {
    const { sections } = render('Intro.\n\n!A screenshot of the dashboard.](https://img.test/a.png)\n\n![Sessions Diagram](https://img.test/b.png)[border=false]\n');
    expect(sections[0]?.text).toBe('Intro.\n\nA screenshot of the dashboard.\n\nSessions Diagram');
  });

  it('writes placeholder hosts of the docs\' own domain with dots, and leaves other hosts alone', () => {
    expect(repairSource('curl https://api_hangar_test/widgets and `https://api_hangar_test`', BASE)).toBe('curl https://api.hangar.test/widgets and `https://api.hangar.test`');
    expect(repairSource('see https://my_host_example/x', BASE)).toBe('see https://my_host_example/x');
  });

  it('drops one-letter index markers such as a glossary\'s A, B, C', () => {
    const { sections } = render('<GlossaryMarker>A</GlossaryMarker>\n\n## Access token\n\nA token.\n');
    expect(sections.map((s) => s.text)).toEqual(['A token.']);
  });

  it('does not list partials and internal pages (a leading underscore) as docs', async () => {
    const work = await tempDir();
    try {
      await mkdir(path.join(work.dir, 'sso', '_diagrams'), { recursive: true });
      await writeFile(path.join(work.dir, 'sso', 'index.mdx'), '# SSO\n');
      await writeFile(path.join(work.dir, 'sso', '_diagrams', 'flow.mdx'), '# Flow\n');
      await writeFile(path.join(work.dir, 'sso', '_partial.mdx'), '# Partial\n');
      await writeFile(path.join(work.dir, 'sso', '_navigation.mdx'), '---\nnavigation: []\n---\n');
      const { files } = await discoverDocs(work.dir);
      expect(files.map((f) => `${f.kind}:${f.path}`)).toEqual(['navigation:sso/_navigation.mdx', 'doc:sso/index.mdx']);
    } finally {
      await work.cleanup();
    }
  });
});

describe('reference pages with per-language return values', () => {
  const source = [
    '---',
    'reference:',
    '  curl:',
    '    - key: login',
    '      id: login',
    '      url: /reference/login',
    '      title: /login',
    '      type: POST',
    '      returns:',
    '        - key: user',
    '          type: User',
    '          description: The user.',
    '  js:',
    '    - key: login',
    '      id: login',
    '      url: /reference/login',
    '      title: hangar.login()',
    '      returns:',
    '        - key: user',
    '          type: User',
    '        - key: accessToken',
    '          type: string',
    '          description: A JWT.',
    '  python:',
    '    - key: login',
    '      id: login',
    '      url: /reference/login',
    '      title: hangar.login()',
    '      returns:',
    '        - key: user',
    '          type: User',
    '        - key: access_token',
    '          type: str',
    '---',
    '',
    '# Log in',
  ].join('\n');

  it('lists every field any language returns, labelled with the languages that have it, and each language\'s own returns beside its method', () => {
    const { sections } = render(source, 'reference/login');
    const text = sections.find((s) => s.generated)?.text ?? '';
    expect(text).toContain('- Node: `hangar.login()` — returns: `user`, `accessToken`');
    expect(text).toContain('- Python: `hangar.login()` — returns: `user`, `access_token`');
    expect(text).toContain('**Returns:**\n\n- `user` (`User`): The user.\n- `accessToken` / `access_token` (`string`): (Node, Python only) A JWT.');
  });
});

describe('tables', () => {
  it('renders table rows without the padding that aligns columns, so cells cost only their content', () => {
    const { sections } = render('| Code | Meaning |\n| ---- | ------- |\n| `invalid_grant` | The code expired or was already used. |\n| `x` | Short. |\n');
    expect(sections[0]?.text).toBe('| Code | Meaning |\n| - | - |\n| `invalid_grant` | The code expired or was already used. |\n| `x` | Short. |');
  });
});
