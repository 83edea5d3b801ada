import type { SdkMethod } from './signatures.js';

/** How a method call written in the docs relates to the pinned SDK. */
export type SdkCallMatch =
  | { kind: 'same'; method: SdkMethod }
  /** The docs' name is gone; this is the method that does the same under its current name. */
  | { kind: 'renamed'; method: SdkMethod }
  /** Neither the name nor a clear successor exists; `candidates` are the nearest methods. */
  | { kind: 'missing'; candidates: SdkMethod[] };

/**
 * Matches a call as the docs write it (`mfa.enrollFactor()`, `workos.sso.getProfileAndToken`,
 * `portal.generateLink()`) against the SDK's methods. A method name found under exactly one other
 * namespace is a renamed namespace (`mfa` → `multiFactorAuth`); a namespace found with one method
 * of nearly the same name is a renamed method (`widgets.getToken` → `widgets.createToken`).
 * Undefined when the call is not on one of the client's namespaces.
 */
export function matchSdkCall(call: string, methods: SdkMethod[]): SdkCallMatch | undefined {
  const parts = call
    .replace(/\(.*$/, '')
    .split('.')
    .map((p) => p.trim())
    .filter(Boolean);
  const name = parts[parts.length - 1];
  const namespace = parts[parts.length - 2];
  if (!name || !namespace) return undefined;
  const exact = methods.find((m) => m.namespace === namespace && m.name === name);
  if (exact) return { kind: 'same', method: exact };
  const sameName = methods.filter((m) => m.name === name);
  if (sameName.length === 1 && sameName[0]) return { kind: 'renamed', method: sameName[0] };
  // Calls on objects the client returns (`session.refresh()`) are not the client's to judge.
  if (!methods.some((m) => m.namespace === namespace || aliasOf(namespace, m.namespace))) return undefined;
  const inNamespace = methods.filter((m) => m.namespace === namespace || aliasOf(namespace, m.namespace));
  const near = inNamespace.filter((m) => sharedWords(m.name, name) >= Math.max(1, words(name).length - 1)).sort((a, b) => sharedWords(b.name, name) - sharedWords(a.name, name));
  if (near.length === 1 && near[0]) return { kind: 'renamed', method: near[0] };
  const scored = methods
    .map((m) => ({ m, score: sharedWords(m.name, name) + (m.namespace === namespace ? 0.5 : 0) }))
    .filter((s) => s.score >= 1)
    .sort((a, b) => b.score - a.score)
    .slice(0, 3)
    .map((s) => s.m);
  return { kind: 'missing', candidates: scored };
}

/** `mfa` ↔ `multiFactorAuth`, `portal` ↔ `adminPortal`: one is the initials or a suffix of the other. */
function aliasOf(a: string, b: string): boolean {
  const initials = words(b)
    .map((w) => w[0])
    .join('');
  return initials === a.toLowerCase() || b.toLowerCase().endsWith(a.toLowerCase());
}

function words(identifier: string): string[] {
  return identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function sharedWords(a: string, b: string): number {
  const set = new Set(words(b));
  return words(a).filter((w) => set.has(w)).length;
}
