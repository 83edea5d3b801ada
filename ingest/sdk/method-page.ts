import type { SdkField, SdkMethod, SdkParam } from './signatures.js';

export interface MethodPageContext {
  packageName: string;
  version: string;
  /** Doc ids of API reference pages that describe the same endpoint. */
  referencePages?: Array<{ id: string; title: string; url: string }>;
}

/** `getProfileAndToken` → `get-profile-and-token`; the id segment of a method page. */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/[_\s]+/g, '-')
    .toLowerCase();
}

/** `getProfileAndToken` → `get_profile_and_token`: how the API reference and other SDKs name it. */
export function snakeCase(name: string): string {
  return kebabCase(name).replace(/-/g, '_');
}

/** The doc id of a method page under its source's prefix: `sso/get-profile-and-token`. */
export function methodPageId(method: Pick<SdkMethod, 'namespace' | 'name'>): string {
  return `${kebabCase(method.namespace)}/${kebabCase(method.name)}`;
}

/**
 * A method's page as markdown: what it does, how to call it (a call built from its required
 * fields only, so nothing in it is invented), its signature, parameters, return fields and the
 * examples its JSDoc carries. The names other spellings use are listed so that a search for
 * `get_profile_and_token` or `sso.getProfileAndToken` finds it.
 */
export function renderMethodPage(method: SdkMethod, context: MethodPageContext): string {
  const qualified = `${method.namespace}.${method.name}`;
  const lines: string[] = [
    '---',
    `title: ${yamlString(`${method.call.split('(')[0]}()`)}`,
    `description: ${yamlString(firstSentence(method.summary) || `${qualified} in ${context.packageName} ${context.version}.`)}`,
    '---',
    '',
    `Method \`${qualified}\` of \`${context.packageName}\` ${context.version} (also written \`${method.namespace}.${snakeCase(method.name)}\`, \`${method.name}\`).`,
    '',
  ];
  if (method.deprecated) lines.push(`**Deprecated:** ${method.deprecated}`, '');
  if (method.summary) lines.push(method.summary, '');
  lines.push('```ts', callExample(method), '```', '', '## Signature', '', '```ts', ...method.signatures, '```', '');
  if (method.params.length > 0) {
    lines.push('## Parameters', '');
    for (const param of method.params) lines.push(...paramLines(param));
    lines.push('');
  }
  lines.push('## Returns', '', `\`${method.returns}\`${method.returnFields.length ? ', resolving to:' : ''}`, '');
  for (const field of method.returnFields) lines.push(fieldLine(field));
  if (method.returnFields.length) lines.push('');
  if (method.examples.length > 0) {
    lines.push('## Examples', '');
    for (const example of method.examples) lines.push(/^```/m.test(example) ? example : ['```ts', example, '```'].join('\n'), '');
  }
  if (context.referencePages?.length) {
    lines.push('## API reference', '');
    for (const page of context.referencePages) lines.push(`- [${page.title}](${page.url}) (\`${page.id}\`)`);
    lines.push('');
  }
  return lines.join('\n');
}

function paramLines(param: SdkParam): string[] {
  const head = `- \`${param.name}\` (\`${param.type}\`, ${param.optional ? 'optional' : 'required'})${param.doc ? `: ${oneLine(param.doc)}` : ''}`;
  return [head, ...param.fields.map((f) => `  ${fieldLine(f)}`)];
}

function fieldLine(field: SdkField): string {
  return `- \`${field.name}\` (\`${field.type}\`${field.optional ? ', optional' : ''})${field.doc ? `: ${oneLine(field.doc)}` : ''}`;
}

/** `await workos.sso.getProfileAndToken({ clientId, code })`: required fields only. */
function callExample(method: SdkMethod): string {
  const args = method.params
    .filter((p) => !p.optional || p.fields.some((f) => !f.optional))
    .map((p) => {
      const required = p.fields.filter((f) => !f.optional && !f.name.endsWith('()'));
      return required.length > 0 ? `{ ${required.map((f) => f.name).join(', ')} }` : p.name;
    });
  const target = method.call.split('(')[0];
  const isAsync = /^Promise</.test(method.returns);
  const result = method.returns === 'void' || method.returns === 'Promise<void>' ? '' : 'const result = ';
  return `${result}${isAsync ? 'await ' : ''}${target}(${args.join(', ')});`;
}

function firstSentence(text: string): string {
  const flat = oneLine(text);
  const match = /^(.+?[.!?])(\s|$)/.exec(flat);
  return (match?.[1] ?? flat).slice(0, 300);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function yamlString(text: string): string {
  return JSON.stringify(text);
}
