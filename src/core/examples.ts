import type { DocRecord } from '../types.js';
import { tokenize } from '../text/tokenize.js';
import type { DocStore } from './docs.js';
import type { Retriever } from './retriever.js';

/** One whole code block from the docs, with the sentence that introduces it. */
export interface CodeExample {
  code: string;
  /** Normalized fence language (`typescript`, `javascript`, `shell`, …); `text` when the fence has none. */
  language: string;
  intro: string;
  /** Where it comes from: `package@version` for SDK sources, else the doc id. */
  source: string;
  path: string;
  url: string;
  title: string;
  heading: string[];
}

export interface ExampleQuery {
  limit?: number;
  /** A fence language or its usual name: `ts`, `typescript`, `js`, `python`, `bash`, … */
  language?: string;
  /** A framework or platform named in the example's page, section, intro or imports: `nextjs`, `remix`, `express`. */
  framework?: string;
}

/** How many sections the search reads to gather candidates: enough for filters to leave some. */
const CANDIDATE_SECTIONS = 40;

/**
 * Finds code examples for a question: runs the same hybrid search as `search_docs`, then takes the
 * fenced code blocks of the best sections (whole, never cut), each with the sentence before it.
 * Filters by language and framework; ranks by the section's rank and by how many of the question's
 * words the code and its intro contain.
 */
export class ExampleFinder {
  constructor(
    private readonly retriever: Retriever,
    private readonly docs: DocStore,
    private readonly sourceOf: (docId: string) => string = (docId) => docId,
  ) {}

  private readonly blocksByDoc = new Map<string, Block[]>();

  /**
   * The doc's code blocks that a result's text shows, taken whole from the doc (a chunk may hold
   * only part of a long block, or several merged sections), with their intros from the doc.
   */
  private blocksIn(doc: DocRecord, text: string): Block[] {
    let blocks = this.blocksByDoc.get(doc.id);
    if (!blocks) {
      blocks = codeBlocks(doc.markdown);
      this.blocksByDoc.set(doc.id, blocks);
    }
    if (!text.includes('```') && !text.includes('~~~')) return [];
    return blocks.filter((b) => {
      const first = b.code.split('\n').find((l) => l.trim())?.trim();
      return first !== undefined && text.includes(first);
    });
  }

  async find(query: string, options: ExampleQuery = {}): Promise<CodeExample[]> {
    const limit = options.limit ?? 5;
    const results = await this.retriever.search(query, { limit: CANDIDATE_SECTIONS });
    const terms = new Set(tokenize(query));
    const wantLanguage = options.language ? normalizeLanguage(options.language) : undefined;
    const frameworkWords = options.framework ? frameworkAliases(options.framework) : undefined;
    const seen = new Set<string>();
    const scored: Array<{ example: CodeExample; score: number }> = [];
    const sectionsSeen = new Set<string>();
    results.forEach((result, rank) => {
      const key = `${result.path}#${result.url}`;
      if (sectionsSeen.has(key)) return;
      sectionsSeen.add(key);
      const doc = this.docs.resolve(result.path).doc;
      for (const block of this.blocksIn(doc, result.text)) {
        const fingerprint = block.code.replace(/\s+/g, ' ').trim();
        if (!fingerprint || seen.has(fingerprint)) continue;
        if (wantLanguage && !languageMatches(block.language, wantLanguage)) continue;
        const intro = block.intro || [result.title, ...result.heading].join(' > ');
        if (frameworkWords && !mentions(`${doc.id} ${result.title} ${result.heading.join(' ')} ${intro} ${block.code}`, frameworkWords)) continue;
        seen.add(fingerprint);
        const words = new Set(tokenize(`${intro}\n${block.code}`));
        const overlap = terms.size ? [...terms].filter((t) => words.has(t)).length / terms.size : 0;
        // An exact language match ranks above a compatible one (JavaScript for a TypeScript request).
        const exact = wantLanguage && block.language !== wantLanguage ? 0.1 : 0;
        // Plain-text blocks (IP lists, sample values) are rarely the code a question wants.
        const plain = block.language === 'text' ? 0.15 : 0;
        const section = [...doc.sections].reverse().find((sec) => sec.offset <= block.offset);
        scored.push({
          example: {
            code: block.code,
            language: block.language,
            intro,
            source: this.sourceOf(doc.id),
            path: doc.id,
            url: this.docs.url(doc.id, section?.anchor || undefined),
            title: doc.title,
            heading: section?.heading ?? [],
          },
          score: 1 / (rank + 2) + 0.25 * overlap - exact - plain,
        });
      }
    });
    return scored
      .sort((a, b) => b.score - a.score)
      .slice(0, limit)
      .map((s) => s.example);
  }
}

interface Block {
  code: string;
  language: string;
  intro: string;
  /** Where the block's opening fence starts in the markdown. */
  offset: number;
}

/** Fenced code blocks of a markdown text, whole, each with the prose paragraph just before it. */
export function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  const starts: number[] = [];
  lines.reduce((at, line) => (starts.push(at), at + line.length + 1), 0);
  let lastProse = '';
  let paragraph: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`{]*)/.exec(line);
    if (!open) {
      if (line.trim()) paragraph.push(line.trim());
      else if (paragraph.length) {
        lastProse = proseOf(paragraph) ?? lastProse;
        paragraph = [];
      }
      continue;
    }
    if (paragraph.length) {
      lastProse = proseOf(paragraph) ?? lastProse;
      paragraph = [];
    }
    const indent = open[1]?.length ?? 0;
    const fence = open[2] ?? '```';
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const closing = lines[j] ?? '';
      if (closing.trim().startsWith(fence) && closing.trim().replace(/[`~]/g, '') === '') break;
      body.push(closing.slice(Math.min(indent, closing.length - closing.trimStart().length)));
    }
    blocks.push({ code: body.join('\n').replace(/\s+$/, ''), language: normalizeLanguage(open[3] ?? ''), intro: lastProse, offset: starts[i] ?? 0 });
    i = j;
  }
  return blocks;
}

/** A paragraph as a one-line plain sentence, or undefined for headings, placeholders and lists of links. */
function proseOf(lines: string[]): string | undefined {
  const text = lines.join(' ');
  if (/^#{1,6}\s/.test(text) || /^_Code sample /.test(text) || /^\|/.test(text)) return undefined;
  const plain = text
    .replace(/^[-*+>]\s+/, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(/[*_]{1,3}([^*_]+)[*_]{1,3}/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  if (!plain) return undefined;
  return plain.length > 300 ? `…${plain.slice(-300).replace(/^\S*\s/, '')}` : plain;
}

const LANGUAGE_NAMES: Record<string, string> = {
  plain: 'text',
  plaintext: 'text',
  txt: 'text',
  text: 'text',
  ts: 'typescript',
  tsx: 'typescript',
  mts: 'typescript',
  typescript: 'typescript',
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  javascript: 'javascript',
  node: 'javascript',
  sh: 'shell',
  bash: 'shell',
  shell: 'shell',
  zsh: 'shell',
  console: 'shell',
  curl: 'shell',
  py: 'python',
  python: 'python',
  rb: 'ruby',
  ruby: 'ruby',
  golang: 'go',
  go: 'go',
  cs: 'csharp',
  csharp: 'csharp',
  'c#': 'csharp',
  kt: 'kotlin',
  yml: 'yaml',
  yaml: 'yaml',
  json: 'json',
  jsonc: 'json',
  html: 'html',
  svelte: 'svelte',
  vue: 'vue',
};

export function normalizeLanguage(tag: string): string {
  const key = tag.trim().toLowerCase();
  if (!key) return 'text';
  return LANGUAGE_NAMES[key] ?? key;
}

/** TypeScript callers can use JavaScript examples and the reverse; other languages match exactly. */
function languageMatches(block: string, wanted: string): boolean {
  if (block === wanted) return true;
  const family = (l: string) => (l === 'typescript' || l === 'javascript' ? 'js' : l);
  return family(block) === family(wanted);
}

const FRAMEWORK_ALIASES: Record<string, string[]> = {
  nextjs: ['next.js', 'nextjs', 'next/', 'authkit-nextjs', 'app router', 'middleware.ts', 'proxy.ts'],
  react: ['react'],
  'react-router': ['react router', 'react-router'],
  remix: ['remix'],
  sveltekit: ['sveltekit', 'svelte'],
  'tanstack-start': ['tanstack'],
  express: ['express'],
  node: ['node', 'express', '@workos-inc/node', 'require('],
  js: ['authkit-js', 'javascript', 'vanilla'],
  python: ['python', 'django', 'flask', 'fastapi'],
  ruby: ['ruby', 'rails', 'sinatra'],
  go: ['golang', ' go '],
  java: ['java', 'spring'],
  php: ['php', 'laravel'],
};

function frameworkAliases(framework: string): string[] {
  const key = framework.trim().toLowerCase().replace(/[\s_]+/g, '-').replace(/^next\.?js$/, 'nextjs');
  return FRAMEWORK_ALIASES[key] ?? [framework.trim().toLowerCase()];
}

function mentions(text: string, words: string[]): boolean {
  const lower = ` ${text.toLowerCase()} `;
  return words.some((w) => lower.includes(w));
}
