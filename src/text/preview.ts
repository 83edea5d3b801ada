/** An opening or closing code fence: its marker (three or more backticks or tildes). */
export const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Whether `line` closes the code block `open` (its opening marker) began: the same character, at least as many, alone on the line. */
export function closesFence(line: string, open: string): boolean {
  const marker = FENCE.exec(line)?.[1];
  return marker !== undefined && marker[0] === open[0] && marker.length >= open.length && line.trim() === marker;
}

/** A block of markdown: a fenced code block (with its language) or a run of non-blank lines. */
export interface Block {
  text: string;
  code: boolean;
  language: string;
}

/** Splits markdown into blocks at blank lines; a fenced code block is one block whatever it holds. */
export function markdownBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let lines: string[] = [];
  let fence: string | undefined;
  let language = '';
  const flush = (code: boolean) => {
    if (lines.length) blocks.push({ text: lines.join('\n'), code, language: code ? language : '' });
    lines = [];
  };
  for (const line of text.split('\n')) {
    if (fence === undefined) {
      const marker = FENCE.exec(line)?.[1];
      if (marker) {
        flush(false);
        fence = marker;
        language = line.trim().slice(marker.length).trim().split(/\s/)[0] ?? '';
        lines.push(line);
      } else if (line.trim() === '') flush(false);
      else lines.push(line);
    } else {
      lines.push(line);
      if (closesFence(line, fence)) {
        flush(true);
        fence = undefined;
      }
    }
  }
  flush(fence !== undefined);
  return blocks;
}

/** What a preview of a section keeps, and what it leaves for get_doc. */
export interface Preview {
  /** The section's first prose, whole blocks where they fit, else cut at a sentence or a word. */
  text: string;
  /** Characters of the section the preview leaves out. */
  left: number;
  /** Languages of the code blocks the preview leaves out ("code" for a fence without one), in order, once each. */
  code: string[];
}

/**
 * The start of a section for a reader who may or may not open it: its prose up to about `max`
 * characters up to its first code block, never a piece of one (a section that opens with code is
 * previewed from the prose after it), with what is left out counted so that the reader knows what a get_doc would add.
 */
export function previewOf(text: string, max = 300): Preview {
  const blocks = markdownBlocks(text);
  const kept: string[] = [];
  // Characters of `text` the preview shows: its blocks and the blank lines between them, not an ellipsis.
  let covered = 0;
  for (const block of blocks) {
    if (block.code && kept.length) break;
    if (block.code) continue;
    const gap = kept.length ? 2 : 0;
    if (covered + gap + block.text.length <= max) {
      kept.push(block.text);
      covered += gap + block.text.length;
      continue;
    }
    if (kept.length === 0) {
      const cut = cutProse(block.text, max);
      kept.push(cut.text);
      covered += cut.covered;
    }
    break;
  }
  const code = [...new Set(blocks.filter((b) => b.code).map((b) => b.language || 'code'))];
  return { text: kept.join('\n\n'), left: Math.max(0, text.length - covered), code };
}

/**
 * A prose block cut to `max` characters: at a line end (a list item, a table row) or else a sentence
 * end past half of it, else at a word, marked with an ellipsis.
 */
function cutProse(text: string, max: number): { text: string; covered: number } {
  const head = text.slice(0, max);
  const line = head.lastIndexOf('\n');
  if (line > max / 2) return { text: head.slice(0, line), covered: line };
  const sentence = Math.max(head.lastIndexOf('. '), head.lastIndexOf('.\n'), head.lastIndexOf(': '));
  if (sentence > max / 2) return { text: head.slice(0, sentence + 1), covered: sentence + 1 };
  const space = head.search(/\s\S*$/);
  const kept = (space > max / 2 ? head.slice(0, space) : head).trimEnd();
  return { text: `${kept} …`, covered: kept.length };
}
