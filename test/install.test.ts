import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import vitestConfig from '../vitest.config.js';
import { defaultIndex } from './helpers/default-index.js';
import { ROOT, tempDir } from './helpers/fixtures.js';
import { requireBuilt } from './helpers/spawn.js';

// What installing and starting the package does to the checkout and to stdout.
let work: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  work = await tempDir();
});
afterAll(async () => work?.cleanup());

describe('the installed tree', () => {
  it('package-lock.json records the bin where package.json puts it, so npm install leaves the lock alone', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    const lock = JSON.parse(await readFile(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { bin?: Record<string, string> }> };
    expect(lock.packages['']?.bin).toEqual(pkg.bin);
  });

  it('vitest keeps its cache outside node_modules, in a git-ignored folder', async () => {
    const cacheDir = (vitestConfig as { cacheDir?: string }).cacheDir ?? 'node_modules/.vite';
    expect(path.relative(ROOT, path.resolve(ROOT, cacheDir)).split(path.sep)[0]).not.toBe('node_modules');
    expect((await readFile(path.join(ROOT, '.gitignore'), 'utf8')).split('\n')).toContain(`${cacheDir.replace(/\/$/, '')}/`);
  });
});

describe('postinstall', () => {
  /** A package folder with the postinstall script and placeholders for what it checks. */
  async function fakePackage(name: string, built: boolean, layout: 'versioned' | 'plain' = 'versioned'): Promise<string> {
    const root = path.join(work.dir, name);
    await mkdir(path.join(root, 'scripts'), { recursive: true });
    await mkdir(path.join(root, 'node_modules', 'typescript'), { recursive: true });
    await copyFile(path.join(ROOT, 'scripts', 'postinstall.mjs'), path.join(root, 'scripts', 'postinstall.mjs'));
    await writeFile(path.join(root, 'tsconfig.build.json'), '{}');
    if (built) {
      await mkdir(path.join(root, 'dist', 'cli'), { recursive: true });
      await mkdir(path.join(root, 'index-data'), { recursive: true });
      await writeFile(path.join(root, 'dist', 'cli', 'main.js'), '');
      // An index of today's versioned layout has CURRENT; one built by an older version, manifest.json.
      await writeFile(path.join(root, 'index-data', layout === 'versioned' ? 'CURRENT' : 'manifest.json'), layout === 'versioned' ? 'v-1\n' : '{}');
    }
    return root;
  }
  const postinstall = (root: string, npmCommand: string) =>
    spawnSync(process.execPath, [path.join(root, 'scripts', 'postinstall.mjs')], { env: { ...process.env, npm_command: npmCommand, WORKOS_DOCS_MCP_SKIP_POSTINSTALL: '' }, encoding: 'utf8' });

  it.each(['versioned', 'plain'] as const)('does not rebuild a built checkout (%s index layout) when npx links it into its cache (npm_command=exec)', async (layout) => {
    const run = postinstall(await fakePackage(`built-${layout}`, true, layout), 'exec');
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/already built/);
    expect(run.stderr).not.toMatch(/building TypeScript/);
  });

  it('still builds under npx when the checkout was never built, and always under npm install', async () => {
    const unbuilt = postinstall(await fakePackage('unbuilt', false), 'exec');
    expect(unbuilt.stderr).toMatch(/building TypeScript/);
    const install = postinstall(await fakePackage('install', true), 'install');
    expect(install.stderr).toMatch(/building TypeScript/);
  });
});

describe('npm start', () => {
  it('with --silent, as the README says to use it from an MCP client, writes only the protocol to stdout and exits 0 at the end of stdin', async () => {
    requireBuilt();
    const index = await defaultIndex();
    const child = spawn('npm', ['start', '--silent', '--', '--index', index.dir], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stdin.end(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' })}\n`);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    expect(code).toBe(0);
    expect(stdout).toBe('{"result":{},"jsonrpc":"2.0","id":1}\n');
    await index.cleanup();
  });
});
