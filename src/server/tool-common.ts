/** What every tool shares: its annotations, the cleaning of text inputs, and output shapes used by more than one tool. */
import { z } from 'zod';

/** Tool annotations shared by every tool: all read the local index and nothing else. */
export const READ_ONLY = { readOnlyHint: true, idempotentHint: true, openWorldHint: false, destructiveHint: false } as const;

/** Control characters (NUL included) carry no meaning in a query or id; they become spaces. */
export function clean(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/[\ud800-\udfff]/g, (c, i: number, s: string) => {
    const code = c.charCodeAt(0);
    const next = s.charCodeAt(i + 1);
    const prev = s.charCodeAt(i - 1);
    const paired = code < 0xdc00 ? next >= 0xdc00 && next <= 0xdfff : prev >= 0xd800 && prev < 0xdc00;
    return paired ? c : ' ';
  });
}

export const navEntrySchema = z.object({ path: z.string().nullable(), title: z.string(), depth: z.number().int() });
export const docLinkSchema = z.object({ path: z.string(), title: z.string() });
