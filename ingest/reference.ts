import type { SdkTable } from './sdk/annotate.js';
import type { Section } from '../src/types.js';

/**
 * Reference pages keep their API detail in YAML frontmatter: `descriptions` (text, addressed as
 * `(group.key)` placeholders) and `reference.<language>` entries (endpoint, SDK method, parameters,
 * returns). Placeholders and shared parameters such as `(limit)` may be defined in another file,
 * so every file contributes to one registry that all files resolve against.
 */
export interface ReferenceRegistry {
  descriptions: Record<string, unknown>;
  /** language → parameter key → parameter, from entries that define a parameter rather than an endpoint. */
  shared: Record<string, Record<string, RefProp>>;
  /** The pinned SDK that the docs' calls are checked against (see sdk/annotate.ts), when one is indexed. */
  sdk?: SdkTable;
}

interface RefProp {
  key?: string;
  type?: string;
  optional?: boolean;
  description?: unknown;
  properties?: unknown[];
  unwrap?: boolean;
  expanded?: boolean;
}

interface RefEntry extends RefProp {
  id?: string;
  url?: string;
  title?: string;
  parameters?: unknown[];
  returns?: unknown[];
}

interface SectionContext {
  baseUrl: string;
  docId: string;
  title: string;
  slug: (text: string) => string;
  sections: Section[];
  /** Caps on placeholder expansion; a file that reaches them is indexed with its text cut short. */
  limits?: ExpansionLimits;
  /** Told once when a cap cut the generated text short. */
  warn?: (message: string) => void;
}

export interface ExpansionLimits {
  /** Characters one description may expand to. */
  maxExpansionChars: number;
  /** Characters all of a file's generated descriptions and parameters may add up to. */
  maxGeneratedChars: number;
}

const DEFAULT_EXPANSION_LIMITS: ExpansionLimits = { maxExpansionChars: 20_000, maxGeneratedChars: 2_000_000 };
/** What each listed parameter costs against the file's budget beyond its text, so that empty ones still count. */
const PROP_COST = 16;

const LANGUAGES: Record<string, string> = {
  curl: 'HTTP',
  js: 'Node',
  python: 'Python',
  ruby: 'Ruby',
  go: 'Go',
  java: 'Java',
  php: 'PHP',
  dotnet: '.NET',
  laravel: 'Laravel',
  elixir: 'Elixir',
};
const PLACEHOLDER = /\(([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\)/g;

export function emptyRegistry(): ReferenceRegistry {
  return { descriptions: {}, shared: {} };
}

export function registryFromFrontmatter(frontmatter: Record<string, unknown>): ReferenceRegistry {
  const registry = emptyRegistry();
  if (isRecord(frontmatter.descriptions)) registry.descriptions = frontmatter.descriptions;
  const reference = frontmatter.reference;
  if (!isRecord(reference)) return registry;
  for (const [language, entries] of Object.entries(reference)) {
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      if (isRecord(entry) && typeof entry.key === 'string' && !entry.title && !entry.url) {
        (registry.shared[language] ??= {})[entry.key] = entry as RefProp;
      }
    }
  }
  return registry;
}

/** Later registries fill gaps only: the first definition of a key wins, so order the input by path. */
export function mergeRegistries(registries: ReferenceRegistry[]): ReferenceRegistry {
  const merged = emptyRegistry();
  for (const registry of registries) {
    deepFill(merged.descriptions, registry.descriptions);
    for (const [language, props] of Object.entries(registry.shared)) {
      const target = (merged.shared[language] ??= {});
      for (const [key, prop] of Object.entries(props)) target[key] ??= prop;
    }
  }
  return merged;
}

export function referenceSections(
  frontmatter: Record<string, unknown>,
  global: ReferenceRegistry,
  ctx: SectionContext,
): Section[] {
  const reference = frontmatter.reference;
  if (!isRecord(reference)) return [];
  const local = registryFromFrontmatter(frontmatter);
  const limits = ctx.limits ?? DEFAULT_EXPANSION_LIMITS;
  const resolver = new Resolver(local, global, ctx.baseUrl, limits);
  const groups = groupEntries(reference);
  const sections: Section[] = [];
  const lead = ctx.sections.find((s) => s.level > 0);
  const level = Math.min(4, Math.max(2, (lead?.level ?? 1) + 1));
  for (const group of groups) {
    const text = renderGroup(group, resolver);
    if (!text) continue;
    const name = groups.length === 1 ? groupLabel(group) : `${group.label}: ${groupLabel(group)}`;
    const heading = [...(lead?.heading ?? []), name];
    sections.push({ docId: ctx.docId, title: ctx.title, heading, anchor: ctx.slug(name), level, text, generated: true });
  }
  if (resolver.truncated) {
    ctx.warn?.(
      `reference text cut short: its (group.key) placeholders expand beyond ${limits.maxExpansionChars} characters per description ` +
        `or ${limits.maxGeneratedChars} per file (the ingest limits maxExpansionChars and maxGeneratedChars)`,
    );
  }
  return sections;
}

interface EntryGroup {
  label: string;
  byLanguage: Array<[string, RefEntry]>;
}

function groupEntries(reference: Record<string, unknown>): EntryGroup[] {
  const groups = new Map<string, EntryGroup>();
  for (const [language, entries] of Object.entries(reference)) {
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      if (!isRecord(entry) || (!entry.title && !entry.url)) continue;
      const e = entry as RefEntry;
      const id = String(e.id ?? e.key ?? e.url ?? e.title);
      const group = groups.get(id) ?? { label: humanize(id), byLanguage: [] };
      group.byLanguage.push([language, e]);
      groups.set(id, group);
    }
  }
  return [...groups.values()];
}

function languageRank(language: string): number {
  const order = ['curl', 'js', 'python', 'ruby', 'go', 'java', 'php', 'dotnet'];
  const i = order.indexOf(language);
  return i < 0 ? order.length : i;
}

function groupLabel(group: EntryGroup): string {
  const isEndpoint = group.byLanguage.some(
    ([, e]) => (typeof e.type === 'string' && /^[A-Z]+$/.test(e.type)) || Array.isArray(e.parameters),
  );
  return isEndpoint ? 'Parameters and SDK methods' : 'Fields and SDK types';
}

function renderGroup(group: EntryGroup, resolver: Resolver): string {
  const parts: string[] = [];
  const http = group.byLanguage.find(([lang, e]) => lang === 'curl' && typeof e.type === 'string' && /^[A-Z]+$/.test(e.type));
  if (http) parts.push(`**Endpoint:** \`${http[1].type} ${http[1].title ?? http[1].url}\``);
  const ordered = [...group.byLanguage].sort(([a], [b]) => languageRank(a) - languageRank(b));
  const returns = returnsByLanguage(resolver, ordered);
  const sdk = group.byLanguage.filter(([lang]) => lang !== 'curl');
  if (sdk.length > 0) {
    const lines = sdk.map(([lang, e]) => {
      const params = flattenProps(resolver, lang, inputsOf(e)).map((p) => `\`${p.key}\``);
      const name = LANGUAGES[lang] ?? lang;
      // A language whose return value differs from the others says so next to its method name.
      const own = returns.differing.get(lang);
      const returned = own ? ` — returns: ${own.map((p) => `\`${p.key}\``).join(', ')}` : '';
      return `- ${name}: \`${e.title ?? e.key}\`${params.length ? ` — parameters: ${unique(params).join(', ')}` : ''}${returned}`;
    });
    parts.push(`**SDK methods:**\n\n${lines.join('\n')}`);
  }
  // Parameters from the HTTP entry when it lists them, else from the first SDK that does (path
  // parameters often appear only in the SDK entries).
  const withParams = ordered.find(([, e]) => inputsOf(e).length > 0);
  if (withParams) {
    const [lang, entry] = withParams;
    const isEndpoint = Boolean(http) || Array.isArray(entry.parameters);
    const params = uniqueBy(flattenProps(resolver, lang, inputsOf(entry)), (p) => p.key);
    if (params.length) parts.push(`**${isEndpoint ? 'Parameters' : 'Fields'}:**\n\n${params.map(renderProp).join('\n')}`);
  }
  if (returns.union.length) parts.push(`**Returns:**\n\n${returns.union.map(renderProp).join('\n')}`);
  return parts.join('\n\n');
}

/**
 * Return values per language. SDKs often return more than the HTTP entry lists (tokens, sealed
 * sessions), so the rendered list is the union: fields of the first language that lists returns,
 * then every field only some languages have, labelled with them and with each spelling
 * (`accessToken` / `access_token`). `differing` holds, per language, its own list when it is not
 * the same set as the first language's.
 */
function returnsByLanguage(resolver: Resolver, ordered: Array<[string, RefEntry]>): { union: FlatProp[]; differing: Map<string, FlatProp[]> } {
  const lists = ordered.map(([lang, e]) => [lang, flattenProps(resolver, lang, e.returns ?? [])] as const).filter(([, list]) => list.length > 0);
  const canonical = (key: string) => key.toLowerCase().replace(/[^a-z0-9.]/g, '');
  const fields = new Map<string, { prop: FlatProp; spellings: string[]; languages: string[] }>();
  for (const [lang, list] of lists) {
    for (const prop of list) {
      const key = canonical(prop.key);
      const field = fields.get(key) ?? { prop, spellings: [], languages: [] };
      if (!field.spellings.includes(prop.key)) field.spellings.push(prop.key);
      if (!field.languages.includes(lang)) field.languages.push(lang);
      if (!field.prop.description && prop.description) field.prop = { ...field.prop, description: prop.description };
      fields.set(key, field);
    }
  }
  const union = [...fields.values()].map(({ prop, spellings, languages }) => {
    if (languages.length === lists.length) return prop;
    const names = languages.map((l) => LANGUAGES[l] ?? l).join(', ');
    return { ...prop, key: spellings.join('` / `'), description: `(${names} only)${prop.description ? ` ${prop.description}` : ''}` };
  });
  const first = new Set((lists[0]?.[1] ?? []).map((p) => canonical(p.key)));
  const differing = new Map<string, FlatProp[]>();
  for (const [lang, list] of lists.slice(1)) {
    const own = new Set(list.map((p) => canonical(p.key)));
    if (own.size !== first.size || [...own].some((k) => !first.has(k))) differing.set(lang, list);
  }
  return { union, differing };
}

/** An entry's inputs: path and query parameters first, then body properties (endpoints have both). */
function inputsOf(entry: { parameters?: unknown[]; properties?: unknown[] }): unknown[] {
  return [...(entry.parameters ?? []), ...(entry.properties ?? [])];
}

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && Boolean(seen.add(key(item))));
}

interface FlatProp {
  key: string;
  type?: string;
  optional?: boolean;
  description: string;
}

function flattenProps(resolver: Resolver, language: string, list: unknown[], prefix = '', depth = 0): FlatProp[] {
  const out: FlatProp[] = [];
  for (const raw of list) {
    // Shared parameters may nest other shared parameters: the budget, not the depth alone, bounds the fan-out.
    if (!resolver.charge(PROP_COST)) break;
    const prop = resolver.prop(language, raw);
    if (!prop?.key) continue;
    const nested = Array.isArray(prop.properties) ? prop.properties : [];
    const inline = nested.length > 0 && (prop.unwrap || prop.expanded || prop.key === 'anonymous');
    if (!inline || depth > 4) {
      out.push({
        key: prefix + prop.key,
        type: prop.type,
        optional: prop.optional,
        description: resolver.description(prop.description),
      });
    }
    if (nested.length > 0 && depth <= 4) {
      const childPrefix = inline ? prefix : `${prefix}${prop.key}.`;
      out.push(...flattenProps(resolver, language, nested, childPrefix, depth + 1));
    }
  }
  return out;
}

function renderProp(prop: FlatProp): string {
  const meta = [prop.type ? `\`${prop.type}\`` : '', prop.optional ? 'optional' : ''].filter(Boolean).join(', ');
  return `- \`${prop.key}\`${meta ? ` (${meta})` : ''}${prop.description ? `: ${prop.description}` : ''}`;
}

class Resolver {
  /** Set once a cap cut something short. */
  truncated = false;
  private left: number;

  constructor(
    private readonly local: ReferenceRegistry,
    private readonly global: ReferenceRegistry,
    private readonly baseUrl: string,
    private readonly limits: ExpansionLimits,
  ) {
    this.left = limits.maxGeneratedChars;
  }

  /** Takes `cost` characters from the file's budget; false (and nothing taken) once it is spent. */
  charge(cost: number): boolean {
    if (this.left < cost) {
      this.truncated = true;
      this.left = 0;
      return false;
    }
    this.left -= cost;
    return true;
  }

  /** A parameter is an object, or a `(limit)` string naming a shared parameter. */
  prop(language: string, raw: unknown): RefProp | undefined {
    if (isRecord(raw)) return raw as RefProp;
    if (typeof raw !== 'string') return undefined;
    const key = /^\((.+)\)$/.exec(raw.trim())?.[1] ?? raw.trim();
    for (const registry of [this.local, this.global]) {
      const found = registry.shared[language]?.[key] ?? registry.shared.curl?.[key];
      if (found) return { description: `(${key})`, ...found };
    }
    return { key, description: `(${key})` };
  }

  /**
   * Resolves `(group.key)` placeholders; unknown ones are dropped rather than shown raw. A
   * description expands to at most maxExpansionChars (placeholders nest three deep, so a few
   * kilobytes of YAML could otherwise expand to gigabytes) and counts against the file's budget.
   */
  description(value: unknown): string {
    if (this.left <= 0) {
      this.truncated = true;
      return '';
    }
    const budget = { left: Math.min(this.limits.maxExpansionChars, this.left) };
    const resolved = this.tidy(this.expand(typeof value === 'string' ? value : '', 0, budget));
    this.charge(Math.min(resolved.length, this.left));
    return resolved;
  }

  private tidy(text: string): string {
    return text
      .replace(/\]\(\//g, `](${this.baseUrl.replace(/\/+$/, '')}/`)
      .replace(/\s+/g, ' ')
      .trim();
  }

  private expand(text: string, depth: number, budget: { left: number }): string {
    let out = '';
    const append = (piece: string) => {
      if (piece.length > budget.left) this.truncated = true;
      out += piece.slice(0, Math.max(0, budget.left));
      budget.left -= piece.length;
    };
    let last = 0;
    for (const match of text.matchAll(PLACEHOLDER)) {
      if (budget.left <= 0) break;
      const at = match.index ?? 0;
      append(text.slice(last, at));
      last = at + match[0].length;
      if (budget.left <= 0) break;
      const found = this.lookup(match[1] ?? '');
      if (found === undefined) append(isWholePlaceholder(text, match[0]) ? '' : match[0]);
      else if (depth < 3) out += this.tidy(this.expand(found, depth + 1, budget));
      else append(found);
    }
    if (budget.left > 0) append(text.slice(last));
    else if (last < text.length) this.truncated = true;
    return out;
  }

  private lookup(path: string): string | undefined {
    for (const registry of [this.local, this.global]) {
      let node: unknown = registry.descriptions;
      for (const part of path.split('.')) node = isRecord(node) ? node[part] : undefined;
      const text = asText(node);
      if (text) return text;
    }
    return undefined;
  }
}

function isWholePlaceholder(text: string, placeholder: string): boolean {
  return text.trim() === placeholder;
}

function asText(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (!isRecord(node)) return undefined;
  if (typeof node.self === 'string') return node.self;
  const first = Object.values(node).find((v) => typeof v === 'string');
  return typeof first === 'string' ? first : undefined;
}

function deepFill(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (existing === undefined) target[key] = isRecord(value) ? deepCopy(value) : value;
    else if (isRecord(existing) && isRecord(value)) deepFill(existing, value);
  }
}

function deepCopy(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function humanize(id: string): string {
  return id.replace(/[_-]+/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
