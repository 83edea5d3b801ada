import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildIndex, type BuildSummary } from '../ingest/build.js';
import { parseEntries } from '../ingest/online/feed.js';
import { mergeChangelogs } from '../ingest/changelogs.js';
import { openEngine } from '../src/core/engine.js';
import { ReloadingEngine } from '../src/core/reloading-engine.js';
import { readManifest } from '../src/store/load.js';
import { cliInProcess } from './helpers/cli.js';
import { tempDir } from './helpers/fixtures.js';
import { SiteServer, type Route } from '../scripts/loopback-site.js';

/**
 * "Quill", a notes API, as a live docs site: an llms.txt, Markdown variants of its pages, one
 * page with HTML only, and the failures a real site has. Written for these tests.
 */
const QUICK_START = '# Quick start\n\nCreate a notebook with `quill notebooks create`, then add a note to it.\n';
const WEBHOOKS = '# Webhooks\n\nQuill signs every webhook with the `Quill-Signature` header.\n\n## Retries\n\nA delivery that fails is retried for three days.\n';
const SHARING = '# Sharing\n\nShare a notebook with a teammate by email; they get read access until you grant edit.\n';
const ARCHIVE_HTML =
  '<!doctype html><html><head><title>Archiving | Quill</title><script>track()</script></head><body>' +
  '<nav><a href="/">Home</a><a href="/docs">Docs</a></nav>' +
  '<main><h1>Archiving notebooks</h1><p>An archived notebook is read-only and hidden from search; restore it within <b>90 days</b>.</p>' +
  '<pre><code class="language-sh">quill notebooks archive nb_123</code></pre></main><footer>© Quill</footer></body></html>';

function llmsTxt(links: string[]): string {
  return `# Quill\n\n> Quill is an API for shared notebooks.\n\n## Docs\n\n${links.map((l) => `- ${l}`).join('\n')}\n`;
}

const LIMITS = { timeoutMs: 400, retries: 1, backoffMs: 5, maxBytes: 64 * 1024 };

let work: { dir: string; cleanup: () => Promise<void> };
let other: SiteServer;
beforeAll(async () => {
  work = await tempDir('wdm-online-');
  // Another origin: nothing may ever be asked of it.
  other = await new SiteServer({ '/docs/partner.md': { body: '# Partner\n\nNot ours.\n' }, '/moved.md': { body: '# Moved\n' } }).start();
});
afterAll(async () => {
  await other.stop();
  await work.cleanup();
});

function build(indexDir: string, extra: Partial<Parameters<typeof buildIndex>[0]> = {}): Promise<BuildSummary> {
  return buildIndex({ indexDir, embedder: 'local', modelsDir: '', cacheDir: path.join(work.dir, 'cache'), fetchLimits: LIMITS, ...extra });
}

describe('a site with pages that fail in every way a real one does', () => {
  let site: SiteServer;
  let summary: BuildSummary;
  let indexDir: string;
  beforeAll(async () => {
    site = await new SiteServer({}).start();
    site.routes = {
      '/llms.txt': {
        body: llmsTxt([
          '[Quick start](/docs/quick-start): first steps',
          '[Webhooks](/docs/webhooks)',
          '[Archiving](/docs/archive)',
          '[Missing](/docs/missing)',
          '[Slow](/docs/slow)',
          '[Huge](/docs/huge)',
          '[Moved](/docs/moved)',
          `[Partner docs](${other.url('/docs/partner')})`,
          '[Everything in one file](/llms-full.txt)',
        ]),
      },
      '/docs/quick-start.md': { body: QUICK_START },
      '/docs/webhooks.md': { body: WEBHOOKS },
      '/docs/archive': { body: ARCHIVE_HTML, type: 'text/html; charset=utf-8' },
      '/docs/slow.md': { slowMs: 3000, body: '# Slow\n' },
      '/docs/huge.md': { stream: 1024 * 1024 },
      '/docs/moved.md': { redirect: other.url('/moved.md') },
    };
    indexDir = path.join(work.dir, 'broken-index');
    summary = await build(indexDir, { llmsTxt: site.url('/llms.txt'), name: 'Quill' });
  });
  afterAll(() => site.stop());

  it('indexes the pages that could be fetched, each searchable under its published URL', async () => {
    expect(summary.docs).toBe(3);
    const engine = await openEngine(indexDir, { modelsDir: '' });
    const [top] = await engine.retriever.search('how are webhooks signed', { limit: 3 });
    expect(top?.url).toBe(site.url('/docs/webhooks#webhooks'));
    expect(top?.path).toBe('docs/webhooks');
    expect(top?.text).toContain('Quill-Signature');
    expect(engine.docs.has('docs/quick-start')).toBe(true);
  });

  it('turns a page that has no Markdown variant into Markdown from its HTML, without the page chrome', async () => {
    const engine = await openEngine(indexDir, { modelsDir: '' });
    const page = engine.docs.read('docs/archive');
    expect(page.markdown).toContain('# Archiving notebooks');
    expect(page.markdown).toContain('**90 days**');
    expect(page.markdown).toContain('```sh\nquill notebooks archive nb_123\n```');
    expect(page.markdown).not.toMatch(/track\(\)|© Quill|\[Home\]/);
    const [top] = await engine.retriever.search('restore an archived notebook', { limit: 1 });
    expect(top?.url).toBe(site.url('/docs/archive#archiving-notebooks'));
  });

  it('never contacts another origin, neither for a link to it nor for a redirect to it', () => {
    expect(other.seen).toEqual([]);
    const text = summary.warnings.map((w) => w.message).join('\n');
    expect(text).toContain(`${site.url('/llms.txt')}: 1 link to other origins not fetched (${other.origin})`);
    expect(text).toContain(`${site.url('/docs/moved')}: redirects to another origin (${other.origin}); not followed; not indexed`);
  });

  it('reports the page that is missing, the one too slow and the one too large, and takes no more of it than the cap', () => {
    const text = summary.warnings.map((w) => w.message).join('\n');
    expect(text).toContain(`${site.url('/docs/missing')}: HTTP 404, the page is gone`);
    expect(text).toContain(`${site.url('/docs/slow')}: no answer within 400 ms; not indexed`);
    expect(text).toContain(`${site.url('/docs/huge')}: is over the 65536-byte limit per page; not read further; not indexed`);
    const fetched = summary.online[0]?.fetched;
    expect(fetched).toMatchObject({ listed: 7, pages: 3, fetched: 3, failed: 4 });
    // Three pages and the llms.txt: the huge page's bytes are not counted, nor kept.
    expect(fetched?.bytes).toBe(Buffer.byteLength(site.routes['/llms.txt'] && 'body' in site.routes['/llms.txt'] ? site.routes['/llms.txt'].body : '') + Buffer.byteLength(QUICK_START) + Buffer.byteLength(WEBHOOKS) + Buffer.byteLength(ARCHIVE_HTML));
    // The slow page was tried twice (one retry), the missing one as .md and as itself.
    expect(site.seen.filter((s) => s.path === '/docs/slow.md')).toHaveLength(2);
    // llms-full.txt holds the same pages again: it is not a page of its own.
    expect(site.seen.filter((s) => s.path.includes('llms-full'))).toEqual([]);
    expect(site.seen.filter((s) => s.path.startsWith('/docs/missing')).map((s) => s.path)).toEqual(['/docs/missing.md', '/docs/missing']);
  });
});

describe('a site refreshed', () => {
  let site: SiteServer;
  let indexDir: string;
  const routes = (): Record<string, Route> => ({
    '/llms.txt': { body: llmsTxt(['[Quick start](/docs/quick-start)', '[Webhooks](/docs/webhooks)', '[Sharing](/docs/sharing.md)']) },
    '/docs/quick-start.md': { body: QUICK_START },
    '/docs/webhooks.md': { body: WEBHOOKS },
    '/docs/sharing.md': { body: SHARING },
  });
  beforeAll(async () => {
    site = await new SiteServer(routes()).start();
    indexDir = path.join(work.dir, 'refresh-index');
    await build(indexDir, { llmsTxt: site.url('/llms.txt'), name: 'Quill', full: true });
  });
  afterAll(() => site.stop());

  it('sends only conditional requests and downloads no body when nothing changed', async () => {
    const mark = site.seen.length;
    const summary = await build(indexDir);
    const requests = site.since(mark);
    expect(requests.map((r) => r.path).sort()).toEqual(['/docs/quick-start.md', '/docs/sharing.md', '/docs/webhooks.md', '/llms.txt']);
    expect(requests.every((r) => r.conditional && r.status === 304 && r.bytes === 0)).toBe(true);
    expect(summary.online[0]?.fetched).toMatchObject({ requests: 4, conditional: 4, notModified: 4, bytes: 0, fetched: 0, unchanged: 3 });
    expect(summary.files).toMatchObject({ total: 3, changed: 0, parsed: 0 });
  });

  it('refreshes with `refresh`, and `stats` shows when each online source was fetched and what it cost', async () => {
    const env = { WORKOS_DOCS_MCP_CACHE: path.join(work.dir, 'cache') };
    const run = await cliInProcess(['refresh', '--index', indexDir], env);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`Quill (${site.url('/llms.txt')}): 3 pages; 0 downloaded, 3 unchanged; 4 requests (4 conditional, 4 not modified), 0 B downloaded in`);
    const stats = await cliInProcess(['stats', '--index', indexDir], env);
    expect(stats.stdout).toMatch(/sources: {4}Quill \(http:\/\/127\.0\.0\.1:\d+\/llms\.txt\): 3 pages; 0 downloaded, 3 unchanged; 4 requests .* in \d+\.\d s, \d{4}-\d{2}-\d{2}T/);
  });

  it('rebuilds from the pages fetched last time with --offline, without a request', async () => {
    const mark = site.seen.length;
    const summary = await build(indexDir, { offline: true, full: true });
    expect(site.since(mark)).toEqual([]);
    expect(summary.docs).toBe(3);
    expect(summary.online[0]?.fetched).toMatchObject({ offline: true, requests: 0, pages: 3 });
  });


  it('leaves the cache as the last good index knew it when a build is refused, so --offline still rebuilds that index', async () => {
    site.routes = { ...routes(), '/llms.txt': { body: llmsTxt(['[Quick start](/docs/quick-start)']) } };
    await expect(build(indexDir)).rejects.toThrow(/Refusing to replace the index .* would lose 2 of its 3 docs/);
    const maintenance = '<!doctype html><html><body><h1>Down for maintenance</h1></body></html>';
    site.routes = { ...routes(), '/llms.txt': { body: maintenance, type: 'text/html' } };
    await expect(build(indexDir)).rejects.toThrow(
      `${site.url('/llms.txt')} lists no pages on ${site.origin}: expected a Markdown list of links such as "- [Quick start](/docs/quick-start)", got ${maintenance.length} characters of HTML. The index and the pages fetched earlier were not changed.`,
    );
    site.routes = routes();
    const mark = site.seen.length;
    const offline = await build(indexDir, { offline: true });
    expect(site.since(mark)).toEqual([]);
    expect(offline.docs).toBe(3);
    site.routes = routes();
  });

  it('fetches a page whole again when its copy has gone from the cache, rather than trusting a 304 it cannot use', async () => {
    const bodies = path.join(work.dir, 'cache', 'online');
    for (const folder of await readdir(bodies)) {
      for (const file of await readdir(path.join(bodies, folder, 'bodies'))) if (file.endsWith('.md')) await rm(path.join(bodies, folder, 'bodies', file));
    }
    const summary = await build(indexDir);
    expect(summary.online[0]?.fetched).toMatchObject({ fetched: 3, unchanged: 0, failed: 0, pages: 3 });
    expect(summary.docs).toBe(3);
  });

  it('takes a changed page, drops one that is gone, and keeps the last copy of one that fails', async () => {
    site.routes = {
      ...routes(),
      '/docs/quick-start.md': { body: `${QUICK_START}\n## Templates\n\nStart a notebook from a template with \`--template standup\`.\n` },
      '/docs/sharing.md': { status: 404 },
      '/docs/webhooks.md': { status: 503 },
    };
    const summary = await build(indexDir);
    const text = summary.warnings.map((w) => w.message).join('\n');
    expect(text).toContain(`${site.url('/docs/sharing.md')}: HTTP 404, the page is gone; removed from the index`);
    expect(text).toMatch(new RegExp(`${site.url('/docs/webhooks')}: HTTP 503; its previous version \\(\\d{4}-\\d{2}-\\d{2}\\) stays in the index`));
    expect(summary.online[0]?.fetched).toMatchObject({ fetched: 1, kept: 1, removed: 1 });
    const engine = await openEngine(indexDir, { modelsDir: '' });
    expect(engine.docs.has('docs/sharing')).toBe(false);
    expect(engine.docs.read('docs/webhooks').markdown).toContain('Quill-Signature');
    const [top] = await engine.retriever.search('start a notebook from a template', { limit: 1 });
    expect(top?.path).toBe('docs/quick-start');
    expect(top?.text).toContain('--template standup');
    site.routes = routes();
  });

  it('removes a page the llms.txt no longer lists, and says so', async () => {
    site.routes = { ...routes(), '/llms.txt': { body: llmsTxt(['[Quick start](/docs/quick-start)', '[Sharing](/docs/sharing.md)']) } };
    const summary = await build(indexDir, { allowShrink: true });
    expect(summary.warnings.map((w) => w.message)).toContain(`${site.url('/docs/webhooks')}: no longer listed in ${site.url('/llms.txt')}; removed from the index`);
    expect(summary.lost).toEqual(['docs/webhooks']);
    site.routes = routes();
  });

  it('is picked up by a running server once `refresh` has updated the index', async () => {
    const live = await ReloadingEngine.open(indexDir, { modelsDir: '', checkMs: 0 });
    expect(live.current().docs.read('docs/sharing').markdown).not.toContain('share link');
    site.routes = { ...routes(), '/docs/sharing.md': { body: `${SHARING}\n## Share links\n\nAnyone with a share link can comment.\n` } };
    const run = await cliInProcess(['refresh', '--index', indexDir], { WORKOS_DOCS_MCP_CACHE: path.join(work.dir, 'cache') });
    expect(run.code).toBe(0);
    live.current();
    await live.settled();
    expect(live.current().docs.read('docs/sharing').markdown).toContain('Anyone with a share link can comment.');
  });

  it('fails in one clear line when the site cannot be reached, and the previous index keeps serving', async () => {
    const before = readManifest(indexDir).contentHash;
    await site.stop();
    const run = await cliInProcess(['refresh', '--index', indexDir, '--fetch-timeout-ms', '400'], { WORKOS_DOCS_MCP_CACHE: path.join(work.dir, 'cache') });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      `Error: Could not fetch ${site.url('/llms.txt')}: ECONNREFUSED. The index was not changed (the previous one keeps serving); run ingest again when it can be reached, or add --offline to rebuild from the copies fetched last time.`,
    ]);
    expect(readManifest(indexDir).contentHash).toBe(before);
    const engine = await openEngine(indexDir, { modelsDir: '' });
    expect(engine.docs.has('docs/quick-start')).toBe(true);
  });


});

describe('pages as a site publishes them', () => {
  let site: SiteServer;
  let indexDir: string;
  let summary: BuildSummary;
  beforeAll(async () => {
    site = await new SiteServer({}).start();
    site.routes = {
      '/llms.txt': { body: llmsTxt(['[Start](/guide/start)', '[Bucket page](/guide/bucket)', '[Docusaurus page](/guide/docusaurus)', '[Odd](/guide/evil%2F..%2F..%2Fetc)', '[Mail us](mailto:docs@quill.dev)']) },
      '/guide/start.md': { body: '# Start\n\nRead [the next step](next.md), the [overview](../overview) and the [API](/api).\n' },
      // An object store answers 403 for an object it does not have: the page's HTML is taken.
      '/guide/bucket.md': { status: 403 },
      '/guide/bucket': { body: '<html><head><title>Bucket</title></head><body><main><h1>Bucket page</h1><p>See <a href="next">next</a>.</p></main></body></html>', type: 'text/html' },
      '/guide/docusaurus': { body: '<html><head><title>Docs – Quill</title></head><body><nav>menu</nav><article><header><h1>Real title</h1></header><p>Body text of the page.</p></article></body></html>', type: 'text/html' },
      '/guide/evil%2F..%2F..%2Fetc.md': { body: '# Odd\n\nA page with an odd name.\n' },
    };
    indexDir = path.join(work.dir, 'pages-index');
    summary = await build(indexDir, { llmsTxt: site.url('/llms.txt'), name: 'Quill' });
  });
  afterAll(() => site.stop());

  it('resolves relative links against the page\'s own URL, as a browser would', async () => {
    const engine = await openEngine(indexDir, { modelsDir: '' });
    const start = engine.docs.read('guide/start').markdown;
    expect(start).toContain(`[the next step](${site.url('/guide/next.md')})`);
    expect(start).toContain(`[overview](${site.url('/overview')})`);
    expect(start).toContain(`[API](${site.url('/api')})`);
    expect(engine.docs.read('guide/bucket').markdown).toContain(`[next](${site.url('/guide/next')})`);
  });

  it('takes the HTML page when its Markdown variant is refused with a 403', async () => {
    const engine = await openEngine(indexDir, { modelsDir: '' });
    expect(engine.docs.read('guide/bucket').markdown).toContain('# Bucket page');
  });

  it('keeps a page\'s own title from the <header> of its <article>', async () => {
    const engine = await openEngine(indexDir, { modelsDir: '' });
    const page = engine.docs.read('guide/docusaurus').markdown;
    expect(page).toContain('# Real title');
    expect(page).not.toContain('menu');
  });

  it('makes ids that never climb out of their folder, whatever the URL encodes, and skips mailto: links quietly', async () => {
    const engine = await openEngine(indexDir, { modelsDir: '' });
    expect(engine.docs.has('guide/evil%2F..%2F..%2Fetc')).toBe(true);
    expect(summary.warnings.map((w) => w.message).join('\n')).not.toMatch(/mailto|other origins/);
  });

  it('stops, leaving the index and the cache as they were, when the site stops answering after its llms.txt', async () => {
    const links = Array.from({ length: 12 }, (_, i) => `[Page ${i}](/slow/${i})`);
    const stalled = await new SiteServer({ '/llms.txt': { body: llmsTxt(links) } }).start();
    for (let i = 0; i < 12; i++) stalled.routes[`/slow/${i}.md`] = { slowMs: 5000, body: '# Slow\n' };
    try {
      await expect(build(path.join(work.dir, 'stalled-index'), { llmsTxt: stalled.url('/llms.txt'), fetchLimits: { ...LIMITS, timeoutMs: 150, retries: 0 } })).rejects.toThrow(
        `${stalled.origin} stopped answering after its llms.txt: 8 pages in a row got no answer`,
      );
    } finally {
      await stalled.stop();
    }
  });
});

/** An RSS feed of `count` entries, newest first, one a day back from 2026-11-20. */
function rss(count: number, origin: string, extra = ''): string {
  const items = Array.from({ length: count }, (_, i) => {
    const day = new Date(Date.UTC(2026, 10, 20 - i));
    return `<item><title>Release ${count - i}</title><link>${origin}/changelog/release-${count - i}</link><guid>release-${count - i}</guid><pubDate>${day.toUTCString()}</pubDate><description><![CDATA[<p>Notebooks got <b>faster</b> in release ${count - i}.</p>]]></description></item>`;
  });
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Quill changelog</title><link>${origin}/changelog</link>${extra}${items.join('')}</channel></rss>`;
}

describe('a changelog feed', () => {
  let site: SiteServer;
  let indexDir: string;
  let docs: string;
  beforeAll(async () => {
    site = await new SiteServer({}).start();
    const pinnedLink = site.url('/changelog/release-30');
    site.routes = { '/changelog/rss.xml': { body: rss(30, site.origin), type: 'application/rss+xml' } };
    docs = path.join(work.dir, 'quill-docs');
    await mkdir(path.join(docs, 'guides'), { recursive: true });
    await writeFile(path.join(docs, 'guides', 'notebooks.md'), '# Notebooks\n\nA notebook holds notes.\n');
    const changelogs = path.join(work.dir, 'quill-changelog');
    await mkdir(changelogs, { recursive: true });
    await writeFile(
      path.join(changelogs, 'pinned.json'),
      JSON.stringify([
        { title: 'Release 30', date: '2026-11-20', url: `${pinnedLink}/`, changes: ['The pinned copy, older wording.'] },
        { title: 'Quill 1.0', date: '2024-01-15', url: site.url('/changelog/one-point-oh'), changes: ['Quill is generally available.'] },
      ]),
    );
    indexDir = path.join(work.dir, 'feed-index');
    await build(indexDir, { docsDir: docs, name: 'Quill', baseUrl: 'https://quill.dev/docs', changelogsDir: changelogs, changelogFeed: site.url('/changelog/rss.xml') });
  });
  afterAll(() => site.stop());

  it('keeps every entry of the feed and the pinned ones, each once (the fetched copy wins), newest first', async () => {
    const engine = await openEngine(indexDir, { modelsDir: '' });
    const all = engine.changelog.find({ limit: 100 });
    expect(all).toHaveLength(31);
    expect(all.filter((e) => e.title === 'Release 30')).toEqual([{ date: '2026-11-20', title: 'Release 30', url: site.url('/changelog/release-30'), text: 'Notebooks got **faster** in release 30.', source: '127.0.0.1 changelog' }]);
    expect(all.at(-1)?.title).toBe('Quill 1.0');
    expect(all.map((e) => e.date)).toEqual([...all.map((e) => e.date)].sort().reverse());
  });

  it('makes every fetched entry a page search_docs finds, with its date and the URL it was published at', async () => {
    const engine = await openEngine(indexDir, { modelsDir: '' });
    const [top] = await engine.retriever.search('what changed in release 27', { limit: 3, section: 'changelog' });
    expect(top?.title).toBe('Release 27');
    expect(top?.text).toContain('2026-11-17');
    expect(top?.url).toBe(site.url('/changelog/release-27'));
  });

  it('asks for the feed with its ETag on the next run and takes no body when it has not changed', async () => {
    const mark = site.seen.length;
    const summary = await build(indexDir);
    expect(site.since(mark)).toEqual([{ path: '/changelog/rss.xml', conditional: true, status: 304, bytes: 0 }]);
    expect(summary.changelog).toBe(31);
  });

  it('reads Atom feeds too, dates from `published` or else `updated`', () => {
    const atom =
      '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Quill</title><id>urn:quill</id><updated>2026-11-02T00:00:00Z</updated>' +
      '<entry><title>Templates</title><id>urn:quill:templates</id><link href="https://quill.dev/changelog/templates"/><updated>2026-11-02T10:00:00Z</updated><summary>Notebook templates.</summary></entry>' +
      '<entry><title>Offline mode</title><id>urn:quill:offline</id><link href="https://quill.dev/changelog/offline"/><published>2026-10-01T00:00:00Z</published><updated>2026-11-01T00:00:00Z</updated><content type="html">&lt;p&gt;Edit notes &lt;em&gt;offline&lt;/em&gt;.&lt;/p&gt;</content></entry>' +
      '</feed>';
    expect(parseEntries(atom, 'https://quill.dev/changelog/atom.xml').entries).toEqual([
      { date: '2026-11-02', title: 'Templates', url: 'https://quill.dev/changelog/templates', text: 'Notebook templates.' },
      { date: '2026-10-01', title: 'Offline mode', url: 'https://quill.dev/changelog/offline', text: 'Edit notes *offline*.' },
    ]);
  });

  it('takes a site and a feed from the config file beside a docs folder, with the site\'s page cap', async () => {
    site.routes = {
      ...site.routes,
      '/llms.txt': { body: llmsTxt(['[Quick start](/docs/quick-start)', '[Webhooks](/docs/webhooks)', '[Sharing](/docs/sharing)']) },
      '/docs/quick-start.md': { body: QUICK_START },
      '/docs/webhooks.md': { body: WEBHOOKS },
      '/docs/sharing.md': { body: SHARING },
    };
    const config = path.join(work.dir, 'quill.config.json');
    await writeFile(
      config,
      JSON.stringify({
        index: './config-index',
        sources: [
          { docs: './quill-docs', name: 'Quill', baseUrl: 'https://quill.dev/docs' },
          { llmsTxt: site.url('/llms.txt'), name: 'Quill site', prefix: 'site', maxPages: 2 },
          { changelogFeed: site.url('/changelog/rss.xml'), name: 'Quill changelog' },
        ],
      }),
    );
    const run = await cliInProcess(['ingest', '--config', config], { WORKOS_DOCS_MCP_CACHE: path.join(work.dir, 'cache') });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`${site.url('/llms.txt')}: lists 3 pages; only the first 2 are taken (raise --max-pages)`);
    const engine = await openEngine(path.join(work.dir, 'config-index'), { modelsDir: '' });
    expect(['guides/notebooks', 'site/docs/quick-start', 'site/docs/webhooks', 'site/docs/sharing'].map((id) => engine.docs.has(id))).toEqual([true, true, true, false]);
    expect(engine.changelog.find({ limit: 100 })).toHaveLength(30);
    expect(engine.index.manifest.sources.map((s) => `${s.kind}:${s.name}:${s.prefix}`)).toEqual(['folder:Quill:', 'site:Quill site:site', 'feed:Quill changelog:quill-changelog']);
  });

  it('keeps entries that share one link, or have none, as the separate changes they are', () => {
    const rss2 =
      '<?xml version="1.0"?><rss version="2.0"><channel><title>Quill</title><link>https://quill.dev/changelog</link>' +
      '<item><title>Templates</title><link>https://quill.dev/changelog</link><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate><description>Templates.</description></item>' +
      '<item><title>Offline mode</title><link>https://quill.dev/changelog</link><pubDate>Sun, 01 Nov 2026 10:00:00 GMT</pubDate><description>Offline.</description></item>' +
      '<item><title>Weekly update</title><pubDate>Sat, 31 Oct 2026 10:00:00 GMT</pubDate><description>One.</description></item>' +
      '<item><title>Weekly update</title><pubDate>Sat, 24 Oct 2026 10:00:00 GMT</pubDate><description>Two.</description></item>' +
      '</channel></rss>';
    const { entries } = parseEntries(rss2, 'https://quill.dev/changelog/rss.xml');
    expect(entries.map((e) => `${e.date} ${e.title} ${e.url}`)).toEqual([
      '2026-11-02 Templates https://quill.dev/changelog',
      '2026-11-01 Offline mode https://quill.dev/changelog',
      '2026-10-31 Weekly update https://quill.dev/changelog',
      '2026-10-24 Weekly update https://quill.dev/changelog',
    ]);
    expect(mergeChangelogs([entries, [{ date: '2026-11-02', title: 'Templates', url: 'https://quill.dev/changelog', text: 'pinned copy' }]])).toHaveLength(4);
  });

  it('refuses a body that is not a feed, naming the URL, and keeps the index', async () => {
    const before = readManifest(indexDir).contentHash;
    site.routes = { '/changelog/rss.xml': { body: '<html><body>Not a feed</body></html>', type: 'text/html' } };
    await expect(build(indexDir)).rejects.toThrow(`${site.url('/changelog/rss.xml')} is not an RSS or Atom feed`);
    expect(readManifest(indexDir).contentHash).toBe(before);
  });
});
