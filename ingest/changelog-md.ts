import { createSlugger } from '../src/ids.js';

/** One version's part of a CHANGELOG.md. */
export interface VersionSection {
  version: string;
  /** YYYY-MM-DD when the heading carries a date (`## [1.2.0] - 2024-05-01`, `## 1.2.0 (2024-05-01)`). */
  date?: string;
  /** The markdown under the heading, up to the next version heading. */
  body: string;
  /** The heading's anchor as GitHub renders the file (github-slugger over every heading, in order). */
  anchor: string;
}

/**
 * A version heading: `## 1.18.0` (changesets), `## [1.2.0] - 2024-05-01` (Keep a Changelog),
 * `# [1.2.0](https://…/compare/…) (2024-05-01)` (conventional-changelog), `## v1.2.0`, or
 * `## @scope/name@1.2.0`. Headings of levels 1 to 3 count, since conventional-changelog writes
 * minor versions as `#` and patches as `##`; "Unreleased", other words, and a version followed
 * by words ("2.0 migration guide") do not: after the version may come only a date, a dash, a
 * link or a parenthesis.
 */
const VERSION_HEADING = /^\[?(?:[@\w./-]+@)?v?(\d+\.\d+(?:\.\d+)?(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)\]?(?:\([^)]*\))?(.*)$/;

/**
 * Each line of a Markdown text, with the ATX heading it is (depth and text) when it is one
 * outside a code fence: the one place changelog text is read heading by heading.
 */
export function markdownLines(text: string): Array<{ line: string; heading?: { depth: number; text: string } }> {
  let fence: string | undefined;
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => {
      const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
      if (marker) {
        if (!fence) fence = marker;
        else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
        return { line };
      }
      const heading = fence ? null : /^\s{0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$/.exec(line);
      return heading ? { line, heading: { depth: heading[1]?.length ?? 6, text: heading[2] ?? '' } } : { line };
    });
}

/**
 * Splits a CHANGELOG.md into its versions, in the file's order. Lines inside code fences are
 * never taken for headings.
 */
export function parseChangelogMarkdown(text: string): VersionSection[] {
  const slug = createSlugger();
  const out: Array<VersionSection & { lines: string[] }> = [];
  for (const { line, heading } of markdownLines(text)) {
    if (heading) {
      const title = heading.text;
      const anchor = slug(plainHeading(title));
      const version = heading.depth <= 3 ? VERSION_HEADING.exec(title.trim()) : null;
      if (version?.[1] && /^\s*(?:$|[-–—(/:]|\d{4})/.test(version[2] ?? '')) {
        const date = dateIn(version[2] ?? '');
        out.push({ version: version[1], ...(date ? { date } : {}), body: '', anchor, lines: [] });
        continue;
      }
    }
    out[out.length - 1]?.lines.push(line);
  }
  return out.map(({ lines, ...section }) => ({ ...section, body: lines.join('\n').trim() }));
}

/** Versions newest first: by their numbers, a pre-release below its release. */
export function compareVersionsDescending(a: string, b: string): number {
  const [mainA = '', preA] = a.split(/-(.*)/s);
  const [mainB = '', preB] = b.split(/-(.*)/s);
  const partsA = mainA.split('+')[0]?.split('.').map(Number) ?? [];
  const partsB = mainB.split('+')[0]?.split('.').map(Number) ?? [];
  for (let i = 0; i < Math.max(partsA.length, partsB.length); i++) {
    const d = (partsB[i] ?? 0) - (partsA[i] ?? 0);
    if (d) return d;
  }
  if (preA === undefined || preB === undefined) return (preA === undefined ? 0 : 1) - (preB === undefined ? 0 : 1);
  return preB.localeCompare(preA, 'en', { numeric: true });
}

/** `2024-05-01` or `2024/05/01` anywhere in the rest of a heading. */
function dateIn(rest: string): string | undefined {
  const match = /\b(\d{4})[-/](\d{2})[-/](\d{2})\b/.exec(rest);
  return match ? `${match[1]}-${match[2]}-${match[3]}` : undefined;
}

/** A heading's text as GitHub renders it, for its anchor: links as their text, no code marks. */
function plainHeading(title: string): string {
  return title
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]/g, '$1')
    .replace(/[`*_]/g, '');
}
