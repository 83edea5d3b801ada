import { closesFence, FENCE } from '../text/preview.js';

/**
 * The size contract of a tool result: its text content and its structuredContent together
 * (`JSON.stringify` lengths, i.e. what goes on the wire) stay within RESULT_BUDGET characters for
 * any input. The text block is what agents read, so it gets the budget first; the structured copy
 * repeats long texts in full when there is room and is cut (and marked) when there is not.
 */
export const RESULT_BUDGET = 25_000;

// A type alias, not an interface: the SDK's result type needs an implicit index signature.
export type ToolResultShape = {
  content: Array<{ type: 'text'; text: string }>;
  structuredContent: Record<string, unknown>;
};

export function resultSize(result: ToolResultShape): number {
  return JSON.stringify(result.content).length + JSON.stringify(result.structuredContent).length;
}

/** Characters a string takes inside JSON, quotes excluded. */
export function jsonLength(text: string): number {
  return JSON.stringify(text).length - 2;
}

/**
 * Splits a budget by need (water-filling): every item that needs no more than an equal share of
 * what is left gets all it needs, and only the longer ones share the rest equally.
 */
export function shareByNeed(needs: number[], budget: number): number[] {
  const shares = needs.map(() => 0);
  const order = needs.map((_, i) => i).sort((a, b) => (needs[a] ?? 0) - (needs[b] ?? 0));
  let left = Math.max(0, budget);
  let count = needs.length;
  for (const i of order) {
    const share = Math.min(needs[i] ?? 0, Math.floor(left / count));
    shares[i] = share;
    left -= share;
    count--;
  }
  return shares;
}

/** A list item's first line ("- …", "* …", "1. …"). */
const LIST_ITEM = /^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]/;
/** A table row. */
const TABLE_ROW = /^ {0,3}\|/;

/**
 * The longest prefix of markdown no longer than `max` characters that ends between blocks (after a
 * blank line or a closing fence), between two items of a list or after a table's third row, never
 * inside a fenced code block. Only when that would keep less than half of the room, and the cut
 * does not fall inside a code block, does it cut at a line or, for one huge line, at a space; a text
 * that opens with a code block longer than the room is cut at a line of it, its fence closed.
 */
export function cutAtBlock(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let offset = 0;
  let fence: string | undefined;
  let atBlock = 0;
  let atLine = 0;
  let fenceAtLine: string | undefined;
  // Rows of the table the scan is in: a cut before a row keeps the header, its separator and a row.
  let tableRows = 0;
  for (const line of text.split('\n')) {
    const end = offset + line.length;
    tableRows = fence === undefined && TABLE_ROW.test(line) ? tableRows + 1 : 0;
    if (fence === undefined && offset > 0 && (LIST_ITEM.test(line) || tableRows > 3)) {
      // A list is cut between its items and a table between its rows, as cleanly as between
      // paragraphs (before this line, whether or not it fits): a reference page's parameters are
      // one list, and cutting only between blocks left up to 2,042 characters of a 25,000-character
      // result unused (70 searches at limit 20 with detail "full"; now up to 1,028).
      atBlock = Math.max(atBlock, offset - 1);
    }
    if (end > max) break;
    const marker = fence === undefined ? FENCE.exec(line)?.[1] : undefined;
    let closed = false;
    if (marker) {
      // A fence that opens right after a line of prose still starts a new block.
      if (offset > 0) atBlock = Math.max(atBlock, offset - 1);
      fence = marker;
    } else if (fence !== undefined && closesFence(line, fence)) {
      fence = undefined;
      closed = true;
    }
    if (fence === undefined && (line.trim() === '' || closed)) atBlock = end;
    atLine = end;
    fenceAtLine = fence;
    offset = end + 1;
  }
  // A cut inside a code block would hand out code that stops mid-way: the last block boundary
  // before it is kept instead, however short, unless the text opens with that code block.
  if (atBlock > 0 && (atBlock >= max / 2 || atLine === atBlock || fenceAtLine !== undefined)) return text.slice(0, atBlock).trimEnd();
  if (atLine > 0) {
    const close = fenceAtLine ? `\n${fenceAtLine}` : '';
    const room = max - close.length;
    const cut = atLine <= room ? atLine : text.lastIndexOf('\n', room);
    if (cut > 0) return text.slice(0, cut).trimEnd() + close;
  }
  const hard = text.slice(0, max);
  const space = hard.search(/\s\S*$/);
  return (space > max / 2 ? hard.slice(0, space) : hard).trimEnd();
}

/** Cuts a text to about `share` JSON characters (its note included) at a block boundary, adding the note. */
export function cutText(text: string, share: number, note: string): string {
  const need = jsonLength(text);
  if (need <= share) return text;
  const room = share - jsonLength(note) - 2;
  if (room <= 0) return note.length <= share ? note : '';
  const ratio = text.length / need;
  const cut = cutAtBlock(text, Math.floor(room * ratio));
  return cut ? `${cut}\n\n${note}` : note;
}

export interface FitOptions<T extends { text: string }> {
  /** Builds the result from the items shown in the text block and those in the structured copy. */
  render: (forText: T[], forStructured: T[], omitted: number) => ToolResultShape;
  /** The note that ends a text cut in the text block (where to read the rest). */
  textNote: (item: T) => string;
  budget?: number;
}

/** Room a fitted result may leave unused rather than try again. */
const SLACK = 256;

/** Marks a text cut in the structured copy. */
export const STRUCTURED_NOTE = '[shortened here; the text content of this result has the full text]';

/**
 * Fits a list of items that each carry a long `text` into the budget: drops trailing items only if
 * their metadata alone would crowd out the texts, then shares the text block's room by need, then
 * gives the structured copy what is left.
 */
export function fitItems<T extends { text: string }>(items: T[], options: FitOptions<T>): ToolResultShape {
  const budget = options.budget ?? RESULT_BUDGET;
  const { render } = options;
  let kept = items;
  const full = render(kept, kept, 0);
  if (resultSize(full) <= budget) return full;
  const empty = (list: T[]) => list.map((item) => ({ ...item, text: '' }));
  while (kept.length > 1 && resultSize(render(empty(kept), empty(kept), items.length - kept.length)) > budget / 2) kept = kept.slice(0, -1);
  const omitted = items.length - kept.length;
  const blank = empty(kept);

  // Shares the room left beside `show(blank)` among the sources by need; re-measures, since notes
  // and JSON escaping make the first estimate a little short, and cuts at block boundaries leave
  // some room unused, which a next attempt hands out again.
  const fit = (sources: T[], note: (item: T) => string, show: (cut: T[]) => ToolResultShape): { cut: T[]; result: ToolResultShape } => {
    let room = budget - resultSize(show(blank));
    let best: { cut: T[]; result: ToolResultShape; size: number } | undefined;
    for (let attempt = 0; attempt < 6 && room > 0; attempt++) {
      const shares = shareByNeed(sources.map((s) => jsonLength(s.text)), room);
      const cut = sources.map((s, i) => ({ ...s, text: cutText(s.text, shares[i] ?? 0, note(s)) }));
      const result = show(cut);
      const size = resultSize(result);
      if (size > budget) {
        room -= size - budget + 16;
        continue;
      }
      if (!best || size > best.size) best = { cut, result, size };
      if (budget - size <= SLACK) break;
      room += budget - size;
    }
    return best ?? { cut: blank, result: show(blank) };
  };

  const forText = fit(kept, options.textNote, (cut) => render(cut, blank, omitted)).cut;
  return fit(forText, () => STRUCTURED_NOTE, (cut) => render(forText, cut, omitted)).result;
}
