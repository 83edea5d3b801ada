import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { chunkOptionsSchema } from '../src/store/format/manifest.js';
import type { Chunk, Section } from '../src/types.js';
import { docUrl, withAnchor } from '../src/ids.js';
import { embeddingText, searchableText } from '../src/text/embedding-text.js';

/** Bump when parsing or chunking output changes (text, boundaries, ids, doc fields): the manifest records it and a mismatch re-parses and re-chunks every file (ingest/plan.ts). */
export const CHUNKER_VERSION = 7;

/** Chunk size bounds, as the manifest records them (the schema is the format's). */
export type ChunkOptions = z.infer<typeof chunkOptionsSchema>;

export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = { target: 1400, max: 4000, min: 350 };

/**
 * A chunk's size as search sees it: missing-code placeholders do not count, so a page whose code
 * is missing is cut where it would be if the code were merely labelled.
 */
function size(text: string): number {
  return searchableText(text).length;
}

interface Draft {
  section: Section;
  part: number;
  text: string;
}

/**
 * Sections → chunks. Long sections split at block boundaries (blank lines outside code fences;
 * tables split between rows with their header repeated; long code fences re-fenced per part);
 * sections too small to stand alone are folded into the next section of the same branch.
 */
export function chunkSections(sections: Section[], baseUrl: string, options: ChunkOptions = DEFAULT_CHUNK_OPTIONS, pageUrl?: string): Chunk[] {
  const drafts: Draft[] = [];
  for (const section of sections) {
    const body = section.text.trim();
    if (!body) drafts.push({ section, part: 0, text: '' });
    else splitText(body, options).forEach((text, part) => drafts.push({ section, part, text }));
  }
  return mergeSmall(drafts, options)
    .filter((d) => d.text.trim())
    .map((d) => toChunk(d, pageUrl ?? docUrl(baseUrl, d.section.docId)));
}

/** Folds drafts shorter than `min` (lone headings, one-line sections) into the next one, else the previous. */
function mergeSmall(drafts: Draft[], options: ChunkOptions): Draft[] {
  const out: Draft[] = [];
  let carry: Draft | undefined;
  for (const draft of drafts) {
    let current = draft;
    if (carry) {
      const addition = draft.part === 0 ? joinBlocks(headingLine(draft.section), draft.text) : draft.text;
      if (size(carry.text) + size(addition) + 2 <= options.max) {
        current = { section: carry.section, part: carry.part, text: joinBlocks(carry.text, addition) };
      } else if (carry.text) out.push(carry);
      carry = undefined;
    }
    if (size(current.text) < options.min) carry = current;
    else out.push(current);
  }
  if (carry?.text) {
    const previous = out[out.length - 1];
    const addition = joinBlocks(headingLine(carry.section), carry.text);
    if (previous && size(previous.text) + size(addition) + 2 <= options.max) {
      previous.text = joinBlocks(previous.text, addition);
    } else out.push(carry);
  }
  return out;
}

function headingLine(section: Section): string {
  const last = section.heading[section.heading.length - 1];
  return last ? `${'#'.repeat(Math.max(2, Math.min(6, section.level)))} ${last}` : '';
}

function joinBlocks(a: string, b: string): string {
  return [a, b].filter((s) => s.trim()).join('\n\n');
}

/** `pageUrl`: the doc's URL, which each chunk's anchor follows. */
function toChunk(draft: Draft, pageUrl: string): Chunk {
  const { section } = draft;
  const chunk: Chunk = {
    id: `${section.docId}#${section.anchor || '_intro'}${draft.part > 0 ? `~${draft.part}` : ''}`,
    docId: section.docId,
    url: withAnchor(pageUrl, section.generated ? undefined : section.anchor || undefined),
    title: section.title,
    heading: section.heading,
    anchor: section.anchor,
    text: draft.text,
    hash: '',
  };
  chunk.hash = hashChunk(chunk);
  return chunk;
}

function hashChunk(chunk: Chunk): string {
  return createHash('sha256').update(embeddingText(chunk)).digest('hex');
}

/**
 * Sets each chunk's navigation breadcrumb (known only once the whole corpus is read) and its hash,
 * which covers the breadcrumb: moving a doc in the navigation re-embeds its chunks.
 */
export function withContext(chunks: Chunk[], crumbs: Map<string, string[]>): Chunk[] {
  return chunks.map((c) => {
    const chunk: Chunk = { ...c, context: crumbs.get(c.docId) ?? [] };
    if (chunk.context?.length === 0) delete chunk.context;
    chunk.hash = hashChunk(chunk);
    return chunk;
  });
}

/** Splits markdown into parts of about `target` characters at safe block boundaries. */
export function splitText(text: string, options: ChunkOptions): string[] {
  if (size(text) <= options.target) return [text];
  const blocks = withLeadIns(splitBlocks(text).flatMap((b) => (b.length > options.max ? splitOversized(b, options) : [b])), options);
  const parts: string[] = [];
  let current = '';
  for (const block of blocks) {
    const full = size(current) + size(block) + 2 > (size(current) < options.min ? options.max : options.target);
    if (current && full) {
      parts.push(current);
      current = block;
    } else current = current ? `${current}\n\n${block}` : block;
  }
  if (current) {
    const last = parts[parts.length - 1];
    if (last !== undefined && size(current) < options.min && size(last) + size(current) + 2 <= options.max) {
      parts[parts.length - 1] = `${last}\n\n${current}`;
    } else parts.push(current);
  }
  return parts;
}

/**
 * A block that only introduces the next one (a heading, `**Parameters:**`, "For example:") joined
 * to it, so that no part ends with it: 91 of the default index's 2,721 chunks ended with such a
 * line, whose list or code was the next chunk's start.
 */
function withLeadIns(blocks: string[], options: ChunkOptions): string[] {
  const out: string[] = [];
  let leadIn: string | undefined;
  for (const block of blocks) {
    let current = block;
    if (leadIn !== undefined) {
      const joined = `${leadIn}\n\n${block}`;
      if (size(joined) <= options.max) current = joined;
      else out.push(leadIn);
      leadIn = undefined;
    }
    if (isLeadIn(current)) leadIn = current;
    else out.push(current);
  }
  if (leadIn !== undefined) out.push(leadIn);
  return out;
}

/** Every paragraph of the block is one line: a heading, or a line that ends with a colon. */
function isLeadIn(block: string): boolean {
  return block.split('\n\n').every((p) => !p.includes('\n') && (/^#{1,6}\s/.test(p) || /:(\*\*|\*|_)?\s*$/.test(p)));
}

/** Blocks separated by blank lines, never breaking a fenced code block. */
function splitBlocks(text: string): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker) {
      if (!fence) fence = marker;
      else if (marker.startsWith(fence[0] ?? '`') && marker.length >= fence.length) fence = undefined;
    }
    if (!fence && line.trim() === '' && !marker) {
      if (current.length) blocks.push(current.join('\n'));
      current = [];
    } else current.push(line);
  }
  if (current.length) blocks.push(current.join('\n'));
  return blocks;
}

function splitOversized(block: string, options: ChunkOptions): string[] {
  const lines = block.split('\n');
  const fence = /^\s*(`{3,}|~{3,})(.*)$/.exec(lines[0] ?? '');
  if (fence && lines.length > 2) {
    const open = lines[0] ?? '```';
    const close = fence[1] ?? '```';
    return groupLines(lines.slice(1, -1), options).map((body) => `${open}\n${body}\n${close}`);
  }
  if (/^\s*\|/.test(lines[0] ?? '')) return splitRows(lines, options);
  const units = listItems(lines).flatMap((unit) => (unit.length > options.max ? splitRows(unit.split('\n'), options) : [unit]));
  return groupLines(units, options);
}

/** Splits lines into groups, repeating a table's header (and what precedes it) in each group. */
function splitRows(lines: string[], options: ChunkOptions): string[] {
  const { target } = options;
  // `(?:\|\s*)?` rather than `\|?\s*`: two optional runs of spaces backtrack quadratically on a long one.
  const sep = lines.findIndex((line, i) => i > 0 && /^\s*(?:\|\s*)?:?-{3,}/.test(line) && /^\s*\|/.test(lines[i - 1] ?? ''));
  const header = sep < 0 ? '' : lines.slice(sep - 1, sep + 1).join('\n');
  // A header too long to repeat in every part (a generated table can have a megabyte-long one) is not repeated.
  if (sep < 0 || header.length > options.max / 2) return groupLines(lines, options);
  const before = lines.slice(0, sep - 1);
  const rows = groupLines(lines.slice(sep + 1), { ...options, target: Math.max(200, target - header.length) });
  return rows.map((r, i) => [...(i === 0 ? before : []), header, r].join('\n'));
}

/** Joins a list item's continuation lines to it so that a split never cuts an item in two. */
function listItems(lines: string[]): string[] {
  if (!/^([-*+]|\d+[.)])\s/.test(lines[0] ?? '')) return lines;
  const items: string[] = [];
  for (const line of lines) {
    if (/^([-*+]|\d+[.)])\s/.test(line) || items.length === 0) items.push(line);
    else items[items.length - 1] += `\n${line}`;
  }
  return items;
}

/** Groups lines into parts of about `target` characters; a line longer than `max` is cut first. */
function groupLines(lines: string[], { target, max }: ChunkOptions): string[] {
  const groups: string[] = [];
  let current: string[] = [];
  let size = 0;
  for (const line of lines.flatMap((l) => (l.length > max ? cutLine(l, target) : [l]))) {
    if (current.length && size + line.length + 1 > target) {
      groups.push(current.join('\n'));
      current = [];
      size = 0;
    }
    current.push(line);
    size += line.length + 1;
  }
  if (current.length) groups.push(current.join('\n'));
  return groups;
}

/** Cuts a line longer than `target` into pieces of at most `target` characters, at a space when one is near. */
function cutLine(line: string, target: number): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (line.length - start > target) {
    let end = start + target;
    // Look back a bounded window only: a search back to the start would be quadratic on a line without spaces.
    const window = Math.floor(Math.min(200, target / 4));
    const space = line.slice(end - window, end + 1).lastIndexOf(' ');
    if (space > 0) end = end - window + space;
    else if (/[\uD800-\uDBFF]/.test(line.charAt(end - 1))) end--;
    pieces.push(line.slice(start, end).trimEnd());
    start = end;
    while (line.charAt(start) === ' ') start++;
  }
  if (start < line.length) pieces.push(line.slice(start));
  return pieces;
}
