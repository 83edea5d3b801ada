import type { Section } from '../../src/types.js';
import { matchSdkCall } from './link.js';
import { methodPageId } from './method-page.js';
import type { SdkMethod } from './signatures.js';

/**
 * The pinned SDK as the docs' parse needs it: enough to tell whether a call the docs write still
 * exists and to name the page of the method. Plain data, sent to the parse process with the
 * reference registry (so a change of SDK re-parses the pages that call it).
 */
export interface SdkTable {
  packageName: string;
  version: string;
  /** Id prefix of the SDK's method pages (`sdk/node`). */
  prefix: string;
  /** The variable the docs call the client by (`workos`). */
  clientVar: string;
  methods: Array<Pick<SdkMethod, 'namespace' | 'name' | 'call'>>;
}

/** A reference page's Node SDK line, as reference.ts renders it: "- Node: `userManagement.enrollAuthFactor()` — …". */
const NODE_LINE = /^(- Node: `)([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+)(\(\)`)(.*)$/gm;

/**
 * Links each section's SDK calls to the pinned SDK, in place of the reader having to check:
 * - a reference page's Node SDK line gets the id of the SDK method page (both describe the same
 *   endpoint), or, when the pinned SDK no longer has the method, the name it has now;
 * - a call written elsewhere (`workos.mfa.enrollFactor(…)`) that the pinned SDK renamed or
 *   dropped gets one note at the end of its section naming the current method.
 * Calls that match the SDK as written are left alone outside reference lines: nothing to say.
 */
export function annotateSdkCalls(sections: Section[], sdk: SdkTable | undefined): Section[] {
  if (!sdk || sdk.methods.length === 0) return sections;
  const methods = sdk.methods as SdkMethod[];
  const pkg = `${sdk.packageName} ${sdk.version}`;
  const pageOf = (m: Pick<SdkMethod, 'namespace' | 'name'>) => `${sdk.prefix}/${methodPageId(m)}`;
  const anyCall = new RegExp(`\\b${escape(sdk.clientVar)}\\.([A-Za-z_$][\\w$]*)\\.([A-Za-z_$][\\w$]*)\\b`, 'g');
  return sections.map((section) => {
    let text = section.text.replace(NODE_LINE, (line, open: string, call: string, close: string, rest: string) => {
      const match = matchSdkCall(call, methods);
      if (!match) return line;
      if (match.kind === 'same') return `${open}${call}${close}${rest} — SDK page: \`${pageOf(match.method)}\``;
      if (match.kind === 'renamed') {
        return `${open}${call}${close}${rest} — **renamed:** ${pkg} calls it \`${match.method.namespace}.${match.method.name}()\` (SDK page: \`${pageOf(match.method)}\`)`;
      }
      return `${open}${call}${close}${rest} — **not in ${pkg}**${nearest(match.candidates)}`;
    });
    const notes = new Map<string, string>();
    for (const [written, namespace, name] of text.matchAll(anyCall)) {
      if (!namespace || !name || notes.has(written)) continue;
      const match = matchSdkCall(`${namespace}.${name}`, methods);
      if (match?.kind === 'renamed') {
        notes.set(written, `\`${written}\` is \`${sdk.clientVar}.${match.method.namespace}.${match.method.name}\` in ${pkg} (SDK page: \`${pageOf(match.method)}\`)`);
      } else if (match?.kind === 'missing') {
        notes.set(written, `\`${written}\` is not in ${pkg}${nearest(match.candidates)}`);
      }
    }
    // Appended as is (no trimming): search drops exactly this, so the text searched is unchanged.
    if (notes.size > 0) text = `${text}\n\n> **SDK note:** ${[...notes.values()].join('; ')}.`;
    return text === section.text ? section : { ...section, text };
  });
}

/** For each method page, the docs pages whose Node SDK line names it (the link back). */
export function referencePagesByMethod(docs: Array<{ id: string; title: string; url: string; markdown: string }>, prefix: string): Map<string, Array<{ id: string; title: string; url: string }>> {
  const byMethod = new Map<string, Array<{ id: string; title: string; url: string }>>();
  const page = new RegExp(`SDK page: \`(${escape(prefix)}/[^\`]+)\``, 'g');
  for (const doc of docs) {
    for (const [, id] of doc.markdown.matchAll(page)) {
      if (!id) continue;
      const list = byMethod.get(id) ?? [];
      if (!list.some((d) => d.id === doc.id)) list.push({ id: doc.id, title: doc.title, url: doc.url });
      byMethod.set(id, list);
    }
  }
  return byMethod;
}

function nearest(candidates: Array<Pick<SdkMethod, 'namespace' | 'name'>>): string {
  return candidates.length ? `; nearest: ${candidates.map((c) => `\`${c.namespace}.${c.name}()\``).join(', ')}` : '';
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
