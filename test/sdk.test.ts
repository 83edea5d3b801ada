import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { create } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchSdkCall } from '../ingest/sdk/link.js';
import { kebabCase, methodPageId, renderMethodPage, snakeCase } from '../ingest/sdk/method-page.js';
import { extractSdkSignatures, type SdkSignatures } from '../ingest/sdk/signatures.js';
import { fetchPinnedPackage, integrityOf, PackageSourceError } from '../ingest/sources/npm-package.js';
import { ROOT, tempDir } from './helpers/fixtures.js';

const FAKE_SDK = path.join(ROOT, 'test', 'fixtures', 'sdk', 'acme-node');
/** The fake SDK's signatures, extracted once for the file: each extraction compiles its declarations with the TypeScript compiler. */
let extracted: SdkSignatures | undefined;
const fakeSdk = () => (extracted ??= extractSdkSignatures(FAKE_SDK, { clientClass: 'Acme', clientVar: 'acme' }));

describe('SDK signatures from type declarations', () => {
  let sdk: SdkSignatures;
  beforeAll(() => {
    sdk = fakeSdk();
  });

  it('lists every public method of every service namespace, and nothing from plumbing or private members', () => {
    expect(sdk.packageName).toBe('@acme/node');
    expect(sdk.version).toBe('2.1.0');
    expect(sdk.entry).toBe('lib/index.d.ts');
    expect(sdk.methods.map((m) => `${m.namespace}.${m.name}`)).toEqual(['login.exchangeCode', 'login.getSession', 'widgets.check', 'widgets.deleteWidget', 'widgets.listWidgets']);
    expect(sdk.warnings).toEqual([]);
  });

  it('names a destructured parameter as the options object callers pass, with its fields, types and docs', () => {
    const exchange = sdk.methods.find((m) => m.name === 'exchangeCode');
    expect(exchange?.call).toBe('acme.login.exchangeCode(options)');
    expect(exchange?.params[0]?.type).toBe('ExchangeCodeOptions');
    expect(exchange?.params[0]?.doc).toBe('What the callback received.');
    expect(exchange?.params[0]?.fields).toEqual([
      { name: 'code', type: 'string', optional: false, doc: 'The code your callback received in its query string.' },
      { name: 'clientId', type: 'string', optional: false, doc: '' },
      { name: 'codeVerifier', type: 'string', optional: true, doc: 'The verifier made with the challenge, for public clients.' },
    ]);
    expect(exchange?.returns).toBe('Promise<Session>');
    expect(exchange?.returnFields.map((f) => f.name)).toEqual(['accessToken', 'refreshToken', 'user']);
    expect(exchange?.summary).toBe('Exchange an authorization code for a session.\n\nCall it from the route your redirect URI points at.');
    expect(exchange?.examples).toEqual(['const { accessToken, user } = await acme.login.exchangeCode({ code, clientId });']);
  });

  it('includes inherited option fields, marks union-only fields optional, and records deprecation', () => {
    const list = sdk.methods.find((m) => m.name === 'listWidgets');
    expect(list?.params[0]?.fields.map((f) => f.name)).toEqual(['colour', 'limit', 'after']);
    expect(list?.returnFields.map((f) => f.name)).toEqual(['data', 'listMetadata', 'autoPagination()']);
    const check = sdk.methods.find((m) => m.name === 'check');
    expect(check?.params[0]?.fields.map((f) => [f.name, f.optional])).toEqual([
      ['resourceId', true],
      ['permission', false],
      ['resourceExternalId', true],
    ]);
    expect(sdk.methods.find((m) => m.name === 'getSession')?.deprecated).toBe('Use exchangeCode instead.');
  });

  it('skips a declaration file the compiler cannot read, with a warning naming the file', async () => {
    const work = await tempDir();
    try {
      const dir = path.join(work.dir, 'broken');
      await cp(FAKE_SDK, dir, { recursive: true });
      await writeFile(path.join(dir, 'lib', 'index.d.ts'), 'export declare class Acme {\n  readonly login: Login\n  method(: string;\n');
      const broken = extractSdkSignatures(dir, { clientClass: 'Acme' });
      expect(broken.methods).toEqual([]);
      expect(broken.warnings).toHaveLength(1);
      expect(broken.warnings[0]).toMatch(/^lib\/index\.d\.ts:3:\d+: the TypeScript compiler cannot read this declaration file/);
    } finally {
      await work.cleanup();
    }
  });
});

describe('SDK method pages', () => {
  it('spells method names the ways docs and other SDKs do', () => {
    expect(kebabCase('getProfileAndToken')).toBe('get-profile-and-token');
    expect(kebabCase('getAuthorizationUrlWithPKCE')).toBe('get-authorization-url-with-pkce');
    expect(snakeCase('getProfileAndToken')).toBe('get_profile_and_token');
    expect(methodPageId({ namespace: 'directorySync', name: 'listUsers' })).toBe('directory-sync/list-users');
  });

  it('renders a call built from the required fields only, the signature, fields, returns and examples', () => {
    const sdk = fakeSdk();
    const exchange = sdk.methods.find((m) => m.name === 'exchangeCode');
    if (!exchange) throw new Error('exchangeCode not extracted');
    const page = renderMethodPage(exchange, { packageName: '@acme/node', version: '2.1.0', referencePages: [{ id: 'reference/login/exchange', title: 'Exchange a code', url: 'https://acme.test/docs/reference/login/exchange' }] });
    expect(page).toContain('title: "acme.login.exchangeCode()"');
    expect(page).toContain('also written `login.exchange_code`');
    expect(page).toContain('const result = await acme.login.exchangeCode({ code, clientId });');
    expect(page).toContain('exchangeCode({ code, clientId, codeVerifier }: ExchangeCodeOptions): Promise<Session>');
    expect(page).toContain('  - `codeVerifier` (`string`, optional): The verifier made with the challenge, for public clients.');
    expect(page).toContain('- `accessToken` (`string`)');
    expect(page).toContain('```ts\nconst { accessToken, user } = await acme.login.exchangeCode({ code, clientId });\n```');
    expect(page).toContain('- [Exchange a code](https://acme.test/docs/reference/login/exchange) (`reference/login/exchange`)');
  });
});

describe('pinned package tarballs', () => {
  let work: { dir: string; cleanup: () => Promise<void> };
  let tarball: string;
  let integrity: string;
  beforeAll(async () => {
    work = await tempDir();
    const src = path.join(work.dir, 'src');
    await mkdir(src);
    await cp(FAKE_SDK, path.join(src, 'package'), { recursive: true });
    tarball = path.join(work.dir, 'acme-node-2.1.0.tgz');
    await create({ gzip: true, file: tarball, cwd: src, portable: true }, ['package']);
    integrity = integrityOf(await readFile(tarball));
  });
  afterAll(async () => work.cleanup());

  const packFrom = (file: string, calls: string[]) => async (spec: string, dest: string) => {
    calls.push(spec);
    const out = path.join(dest, 'pack.tgz');
    await cp(file, out);
    return out;
  };

  it('unpacks a verified tarball once and then serves it from the cache without downloading', async () => {
    const cache = path.join(work.dir, 'cache-a');
    const calls: string[] = [];
    const first = await fetchPinnedPackage({ name: '@acme/node', version: '2.1.0', integrity }, cache, packFrom(tarball, calls));
    expect(first.cached).toBe(false);
    expect(await readFile(path.join(first.dir, 'README.md'), 'utf8')).toContain('# Acme Node SDK');
    const second = await fetchPinnedPackage({ name: '@acme/node', version: '2.1.0', integrity }, cache, packFrom(tarball, calls));
    expect(second).toEqual({ ...first, cached: true });
    expect(calls).toEqual(['@acme/node@2.1.0']);
  });

  it('refuses a tarball whose integrity does not match the pin, naming the package and the fix, and caches nothing', async () => {
    const cache = path.join(work.dir, 'cache-b');
    const pinned = { name: '@acme/node', version: '2.1.0', integrity: 'sha512-bm90IHRoZSByZWFsIGhhc2g=' };
    const error = await fetchPinnedPackage(pinned, cache, packFrom(tarball, [])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PackageSourceError);
    expect((error as Error).message).toMatch(/^@acme\/node@2\.1\.0 does not match its pinned integrity \(expected sha512-bm90.*, got sha512-.*npm view @acme\/node@2\.1\.0 dist\.integrity/);
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(cache)).toEqual([]);
  });

  it('reports a failed download with the package name and what to check', async () => {
    const failing = async () => {
      throw new Error('getaddrinfo ENOTFOUND registry.example');
    };
    await expect(fetchPinnedPackage({ name: '@acme/node', version: '2.1.0', integrity }, path.join(work.dir, 'cache-c'), failing)).rejects.toThrow(
      /^Could not download @acme\/node@2\.1\.0: getaddrinfo ENOTFOUND registry\.example\. Check the network/,
    );
  });
});

describe('matching calls in the docs to the pinned SDK', () => {
  const sdk = fakeSdk();
  const name = (m: ReturnType<typeof matchSdkCall>) => (m && m.kind !== 'missing' ? `${m.kind} ${m.method.namespace}.${m.method.name}` : m ? `missing ${m.candidates.map((c) => c.name).join(',')}` : 'none');

  it('finds a call by namespace and name, in any spelling the docs use', () => {
    expect(name(matchSdkCall('login.exchangeCode()', sdk.methods))).toBe('same login.exchangeCode');
    expect(name(matchSdkCall('acme.widgets.listWidgets', sdk.methods))).toBe('same widgets.listWidgets');
  });

  it('names the current method when the docs use a renamed namespace or a renamed method', () => {
    expect(name(matchSdkCall('auth.exchangeCode()', sdk.methods))).toBe('renamed login.exchangeCode');
    expect(name(matchSdkCall('w.checkAccess()', sdk.methods))).toBe('renamed widgets.check');
    expect(name(matchSdkCall('w.listWidgets()', sdk.methods))).toBe('renamed widgets.listWidgets');
    expect(name(matchSdkCall('widgets.removeWidget()', sdk.methods))).toBe('renamed widgets.deleteWidget');
  });

  it('reports a call the SDK no longer has, with the nearest methods, and leaves calls on other objects alone', () => {
    expect(name(matchSdkCall('widgets.paintAll()', sdk.methods))).toBe('missing ');
    expect(name(matchSdkCall('widgets.listWidgetColours()', sdk.methods))).toBe('missing deleteWidget,listWidgets');
    expect(matchSdkCall('session.refresh()', sdk.methods)).toBeUndefined();
  });
});
