import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/fixtures.js';
import { PROCESS_TESTS } from './suites.js';

// What marks a process test: it starts a process (directly, through the spawn helpers or an MCP
// stdio client) or parses the whole default corpus.
const STARTS_PROCESSES = /from '(node:child_process|\.\/helpers\/spawn\.js|@modelcontextprotocol\/sdk\/client\/stdio\.js)'|\bdefaultCorpus\(/;

describe('npm run test:fast', () => {
  it('leaves out every test file that starts processes or parses the default corpus, as test/suites.ts lists them', async () => {
    const files = (await readdir(path.join(ROOT, 'test'), { recursive: true }))
      .map((f) => `test/${f.split(path.sep).join('/')}`)
      .filter((f) => f.endsWith('.test.ts') && !f.startsWith('test/opt-in/'));
    const starting: string[] = [];
    for (const file of files) if (STARTS_PROCESSES.test(await readFile(path.join(ROOT, file), 'utf8'))) starting.push(file);
    expect(starting.length).toBeGreaterThan(5);
    expect(starting.filter((f) => !PROCESS_TESTS.includes(f)), 'add these to PROCESS_TESTS in test/suites.ts').toEqual([]);
    expect(PROCESS_TESTS.filter((f) => !files.includes(f)), 'remove these from PROCESS_TESTS in test/suites.ts: no such file').toEqual([]);
  });
});
