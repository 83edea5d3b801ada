import { z } from 'zod';

/**
 * The records an index stores, as zod schemas: the one source of truth for their shape. The
 * program's types (re-exported by src/types.ts) are inferred from these, so the files read back
 * cannot drift from what the program writes.
 */

/** What retrieval indexes: one section or a part of a long one. */
export const chunkSchema = z.object({
  id: z.string(),
  docId: z.string(),
  url: z.string(),
  title: z.string(),
  heading: z.array(z.string()),
  anchor: z.string(),
  /** Where the doc sits in the docs navigation, above its own title: `['Vault', 'Getting Started']`. */
  context: z.array(z.string()).optional(),
  text: z.string(),
  /** sha256 of the embedded text: equal hashes mean an equal vector. */
  hash: z.string(),
});
export type Chunk = z.infer<typeof chunkSchema>;

/** A chunk as chunks.json holds it: its text is kept apart (chunk-text.bin), decoded when asked for. */
export const chunkRecordSchema = chunkSchema.omit({ text: true });
export type ChunkRecord = z.infer<typeof chunkRecordSchema>;

export const docSectionRefSchema = z.object({
  heading: z.array(z.string()),
  anchor: z.string(),
  level: z.number(),
  /** Where the section (its heading line included) starts in the doc's markdown. */
  offset: z.number(),
});
export type DocSectionRef = z.infer<typeof docSectionRefSchema>;

export const docRecordSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  url: z.string(),
  /** The whole doc as clean markdown, headings included. */
  markdown: z.string(),
  sections: z.array(docSectionRefSchema),
  /** sha256 of the source file. */
  sourceHash: z.string(),
});
export type DocRecord = z.infer<typeof docRecordSchema>;

/** A recursive type cannot be inferred; the annotation below makes the schema and the type agree. */
export interface NavNode {
  title: string;
  /** Doc id, when the node links to a doc. */
  id?: string;
  /** The id prefix every doc under it has, on a node that stands for a source or a group of sources. */
  prefix?: string;
  children: NavNode[];
}
/** The top level of the nav tree is checked; deeper nodes are trusted like the sampled arrays. */
export const navTopSchema = z.object({ title: z.string(), id: z.string().optional(), prefix: z.string().optional(), children: z.array(z.unknown()) }) as unknown as z.ZodType<NavNode>;

/**
 * One change: from a docs source's changelog files, an SDK package's CHANGELOG.md, or a feed.
 * `date` is YYYY-MM-DD, or '' when no date could be had (an SDK version the registry did not date).
 */
export const changelogEntrySchema = z.object({
  date: z.string(),
  title: z.string(),
  url: z.string(),
  text: z.string(),
  /** Where it came from, as users name it: "WorkOS", "@workos-inc/widgets". */
  source: z.string().optional(),
  /** Its page's id under the changelog prefix (`widgets/1.18.0`); default its date and title (`2026-02-17-fine-grained-authorization`). */
  id: z.string().optional(),
});
export type ChangelogEntry = z.infer<typeof changelogEntrySchema>;

/**
 * Per reference source path: the hash of the source and the part of the YAML registry it defined,
 * reused by incremental builds. The registry is ingest's ReferenceRegistry; the store checks its outline.
 */
const plainObject = z.custom<object>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'Expected object');
export const registryPartsSchema = z.record(
  z.object({ sha256: z.string(), registry: z.object({ descriptions: z.record(z.unknown()), shared: z.record(z.record(plainObject)) }) }),
);
export type RegistryParts = z.infer<typeof registryPartsSchema>;

/**
 * An array whose first element is checked against the schema; the rest are trusted to match. The
 * checksums in the manifest prove the files are the ones the build wrote, so a full schema pass
 * over the large arrays would only cost start-up time.
 */
export function sampled<T>(schema: z.ZodType<T>): z.ZodType<T[]> {
  return z.array(z.unknown()).superRefine((items, ctx) => {
    const first = schema.safeParse(items[0]);
    if (items.length > 0 && !first.success) ctx.addIssue({ code: z.ZodIssueCode.custom, message: first.error.issues[0]?.message ?? 'bad element' });
  }) as unknown as z.ZodType<T[]>;
}
