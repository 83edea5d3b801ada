import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { commands } from '../cli/commands.js';
import { openEngine } from '../src/core/engine.js';
import { cliInProcess } from './helpers/cli.js';
import { defaultIndex } from './helpers/default-index.js';
import { FIXTURE_DOCS, tempDir } from './helpers/fixtures.js';
import { connectClient } from './helpers/fixture-index.js';

// The CLI in-process (runCli is what the bin runs), on the run's shared fixture index.
let work: Awaited<ReturnType<typeof tempDir>>;
let indexDir: string;
let client: Client;
let close: () => Promise<void>;
beforeAll(async () => {
  work = await tempDir();
  indexDir = inject('fixtureIndexDir');
  ({ client, close } = await connectClient(await openEngine(indexDir, { modelsDir: '' })));
});
afterAll(async () => {
  await close?.();
  await work?.cleanup();
});

const cli = (...argv: string[]) => cliInProcess(argv);

describe('CLI help', () => {
  it.each(Object.keys(commands).filter((n) => n !== 'reindex'))('%s --help describes each of its options', async (name) => {
    const { code, stdout } = await cli(name, '--help');
    expect(code).toBe(0);
    const optionLines = stdout.split('\n').filter((l) => /^ {2}-/.test(l));
    const command = commands[name];
    expect(optionLines).toHaveLength(Object.keys(command?.options ?? {}).length + 1);
    for (const line of optionLines) expect(line).toMatch(/^ {2}(--[\w-]+(?: \S+)?|-h, --help) {2,}\S.{8,}$/);
  });

  it('lists list and changelog among the commands', async () => {
    const { stdout } = await cli('--help');
    expect(stdout).toMatch(/^ {2}list {9}list doc ids and titles/m);
    expect(stdout).toMatch(/^ {2}changelog {4}platform changelog entries/m);
  });
});

describe('CLI usage errors', () => {
  it('search with no query exits 2 and says what to pass', async () => {
    const { code, stdout, stderr } = await cli('search', '--index', indexDir);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/Expected a query, e\.g\. `workos-docs-mcp search "/);
  });

  it('eval --k above the deepest ranking is refused with exit 2, not silently capped', async () => {
    const { code, stderr } = await cli('eval', '--set', 'x.jsonl', '--k', '101', '--index', indexDir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--k must be a whole number from 1 to 100, got "101"/);
  });
});

describe('CLI errors point at CLI commands', () => {
  it('an unknown doc id suggests `workos-docs-mcp list`, not the list_docs tool', async () => {
    const { code, stderr } = await cli('get', 'guide/testin', '--index', indexDir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/No doc "guide\/testin" in the index\. Closest ids: guide\/testing/);
    expect(stderr).toMatch(/`workos-docs-mcp list \[PREFIX\]`/);
    expect(stderr).not.toMatch(/list_docs/);
  });

  it('a search without results suggests `workos-docs-mcp list`', async () => {
    const { stdout } = await cli('search', 'zzqx', '--index', indexDir);
    expect(stdout).toMatch(/run `workos-docs-mcp list` to browse doc ids\.$/m);
    expect(stdout).not.toMatch(/list_docs/);
  });

  it('a missing custom index suggests building that folder, not the default one', async () => {
    const missing = path.join(work.dir, 'my index');
    const { code, stderr } = await cli('stats', '--index', missing);
    expect(code).toBe(1);
    expect(stderr).toContain(`workos-docs-mcp ingest --index '${missing}' --docs DOCS_DIR`);
  });

  it('ingest --docs pointing at a file says it needs the folder, instead of a raw ENOTDIR', async () => {
    const file = path.join(FIXTURE_DOCS, 'guide', 'testing.mdx');
    const { code, stderr } = await cli('ingest', '--docs', file, '--index', path.join(work.dir, 'from-file'));
    expect(code).toBe(1);
    expect(stderr).toContain(`--docs must be a folder of .mdx/.md files, but ${file} is a file. Pass the folder that holds the docs, e.g. --docs ${path.dirname(file)}.`);
    expect(stderr).not.toMatch(/ENOTDIR/);
  });
});

describe('list and changelog commands', () => {
  it('list prints the docs tree in navigation order, as the list_docs tool does', async () => {
    const { code, stdout } = await cli('list', '--index', indexDir);
    expect(code).toBe(0);
    expect(stdout).toBe(
      ['Source: WorkOS', '', '- Broken page (broken)', '- Guide (guide)', '  - Getting Started', '    - Overview (guide)', '    - Testing (guide/testing)', '  - Reference', '    - Create a widget (reference/widgets/create)', '- Hangar API reference (reference)', '- Changelog', '  - Gliders (2026-01-10) (changelog/2026-01-10-gliders)', '  - Paint colours (2025-06-01) (changelog/2025-06-01-paint-colours)', ''].join('\n'),
    );
    const tool = await client.callTool({ name: 'list_docs', arguments: {} });
    expect((tool.content as Array<{ text: string }>)[0]?.text).toBe(stdout.trimEnd());
  });

  it('list --prefix narrows the tree and --json gives the tool\'s entries', async () => {
    const { stdout } = await cli('list', '--prefix', 'reference', '--json', '--index', indexDir);
    const tool = await client.callTool({ name: 'list_docs', arguments: { prefix: 'reference' } });
    const json = JSON.parse(stdout) as { prefix: string; entries: unknown[] };
    expect(json).toEqual({ prefix: 'reference', entries: (tool.structuredContent as { entries: unknown[] }).entries });
    expect(json.entries).toEqual([
      { path: 'reference/widgets/create', title: 'Create a widget', depth: 0 },
      { path: 'reference', title: 'Hangar API reference', depth: 0 },
    ]);
  });

  it('changelog prints entries newest first, narrowed by --since and --query, like get_changelog', async () => {
    const all = await cli('changelog', '--index', indexDir);
    expect(all.code).toBe(0);
    expect(all.stdout.match(/^## .*$/gm)).toEqual(['## 2026-01-10: Gliders', '## 2025-06-01: Paint colours']);
    expect((await cli('changelog', '--since', '2026-01-01', '--index', indexDir)).stdout.match(/^## .*$/gm)).toEqual(['## 2026-01-10: Gliders']);
    const json = JSON.parse((await cli('changelog', '--query', 'paint colours', '--limit', '1', '--json', '--index', indexDir)).stdout) as { entries: unknown[] };
    const tool = await client.callTool({ name: 'get_changelog', arguments: { query: 'paint colours', limit: 1 } });
    expect(json.entries).toEqual((tool.structuredContent as { entries: unknown[] }).entries);
    expect(json.entries).toMatchObject([{ date: '2025-06-01', title: 'Paint colours', source: 'WorkOS' }]);
  });

  it('changelog refuses a date that is not YYYY-MM-DD with exit 2', async () => {
    const { code, stderr } = await cli('changelog', '--since', 'last week', '--index', indexDir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--since must be a date as YYYY-MM-DD, e\.g\. 2025-01-31, got "last week"/);
  });
});

describe('eval --k', () => {
  it('ranks k distinct docs per query for k above 16 and names MRR and recall after k', async () => {
    const index = await defaultIndex();
    const set = path.join(work.dir, 'set.jsonl');
    await writeFile(
      set,
      [
        { id: 'q1', query: 'How do I test SSO without a real identity provider?', relevant: ['sso/test-sso'], kind: 'howto' },
        { id: 'q2', query: 'organization_selection_required', relevant: ['reference/authkit/authentication-errors/organization-selection-error'], kind: 'exact' },
        { id: 'q3', query: 'rotate an API key', relevant: ['no/such/doc'], kind: 'howto' },
      ]
        .map((q) => JSON.stringify(q))
        .join('\n'),
    );
    const { code, stdout } = await cli('eval', '--set', set, '--k', '40', '--json', '--index', index.dir);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { k: number; overall: Record<string, number>; queries: Array<{ ranked: string[] }> };
    expect(report.k).toBe(40);
    expect(report.queries.map((q) => new Set(q.ranked).size)).toEqual([40, 40, 40]);
    expect(Object.keys(report.overall)).toEqual(['n', 'hit@1', 'hit@3', 'hit@5', 'mrr@40', 'recall@40']);
    expect(report.overall['recall@40']).toBeCloseTo(2 / 3, 5);
    const table = await cli('eval', '--set', set, '--k', '3', '--index', index.dir);
    expect(table.stdout).toMatch(/^\| set \| n \| hit@1 \| hit@3 \| hit@5 \| MRR@3 \| recall@3 \|$/m);
  });
});
