import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** One field of an options object or of a returned object. */
export interface SdkField {
  name: string;
  type: string;
  optional: boolean;
  doc: string;
}

export interface SdkParam extends SdkField {
  /** The fields of an object-typed parameter (an options object), inherited ones included. */
  fields: SdkField[];
}

/** One public method of an SDK client, as its type declarations describe it. */
export interface SdkMethod {
  /** The client property it hangs off: `sso` in `workos.sso.getProfileAndToken`. */
  namespace: string;
  name: string;
  /** How code calls it: `workos.sso.getProfileAndToken(options)`. */
  call: string;
  /** Every declared signature (overloads), as written in the declarations. */
  signatures: string[];
  params: SdkParam[];
  returns: string;
  /** Fields of the resolved (awaited) return value, when it is an object. */
  returnFields: SdkField[];
  summary: string;
  examples: string[];
  deprecated?: string;
}

export interface SdkSignatures {
  packageName: string;
  version: string;
  /** The declaration file read, relative to the package folder. */
  entry: string;
  clientClass: string;
  methods: SdkMethod[];
  warnings: string[];
}

export interface SignatureOptions {
  /** The exported class whose properties are the API namespaces (default `WorkOS`). */
  clientClass?: string;
  /** The variable name examples use for an instance (default `workos`). */
  clientVar?: string;
}

/** Limits that keep one odd declaration from flooding a page. */
const MAX_FIELDS = 40;
const MAX_TYPE_CHARS = 160;

/**
 * Reads an SDK package's type declarations with the TypeScript compiler and lists every public
 * method of every namespace on its client class (`workos.sso.getProfileAndToken`), with parameter
 * fields, return fields and JSDoc. Declarations the compiler cannot read are reported in `warnings`
 * and yield no methods; nothing throws for a malformed package except a missing folder.
 */
export function extractSdkSignatures(packageDir: string, options: SignatureOptions = {}): SdkSignatures {
  const clientClass = options.clientClass ?? 'WorkOS';
  const clientVar = options.clientVar ?? 'workos';
  const pkg = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as PackageJson;
  const result: SdkSignatures = { packageName: pkg.name ?? path.basename(packageDir), version: pkg.version ?? '0.0.0', entry: '', clientClass, methods: [], warnings: [] };
  const entry = declarationEntry(packageDir, pkg);
  if (!entry) {
    result.warnings.push(`${result.packageName}: no type declarations found (package.json has no "types" and no .d.ts beside its entry); no signatures extracted`);
    return result;
  }
  result.entry = path.relative(packageDir, entry).split(path.sep).join('/');
  const program = ts.createProgram({
    rootNames: [entry],
    options: { noEmit: true, skipLibCheck: true, types: [], target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
  });
  const checker = program.getTypeChecker();
  const unreadable = new Set<string>();
  for (const file of program.getSourceFiles()) {
    if (!file.fileName.startsWith(path.resolve(packageDir))) continue;
    const diagnostics = program.getSyntacticDiagnostics(file);
    if (diagnostics.length === 0) continue;
    const first = diagnostics[0];
    const where = first?.start !== undefined ? file.getLineAndCharacterOfPosition(first.start) : undefined;
    result.warnings.push(
      `${path.relative(packageDir, file.fileName)}${where ? `:${where.line + 1}:${where.character + 1}` : ''}: the TypeScript compiler cannot read this declaration file (${ts.flattenDiagnosticMessageText(first?.messageText ?? '', ' ')}); skipped`,
    );
    unreadable.add(file.fileName);
  }
  const source = program.getSourceFile(entry);
  const moduleSymbol = source && !unreadable.has(source.fileName) ? checker.getSymbolAtLocation(source) : undefined;
  if (!moduleSymbol) {
    if (!unreadable.has(entry)) result.warnings.push(`${result.entry}: not a module the compiler can read; no signatures extracted`);
    return result;
  }
  let client = checker.getExportsOfModule(moduleSymbol).find((s) => s.name === clientClass);
  if (client && client.flags & ts.SymbolFlags.Alias) client = checker.getAliasedSymbol(client);
  const classDecl = client?.declarations?.find((d): d is ts.ClassDeclaration => ts.isClassDeclaration(d));
  if (!client || !classDecl) {
    result.warnings.push(`${result.entry}: exports no class named ${clientClass}; no signatures extracted`);
    return result;
  }
  if (unreadable.has(classDecl.getSourceFile().fileName)) return result;
  const instance = checker.getDeclaredTypeOfSymbol(client);
  for (const prop of checker.getPropertiesOfType(instance)) {
    const decl = prop.valueDeclaration;
    if (!decl || !ts.isPropertyDeclaration(decl) || !isPublic(decl)) continue;
    const nsType = checker.getTypeOfSymbolAtLocation(prop, decl);
    if (!isServiceClass(nsType)) continue;
    for (const member of checker.getPropertiesOfType(nsType)) {
      const method = describeMethod(checker, prop.name, member, clientVar);
      if (method) result.methods.push(method);
    }
  }
  result.methods.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  return result;
}

interface PackageJson {
  name?: string;
  version?: string;
  types?: string;
  typings?: string;
  main?: string;
  module?: string;
  exports?: unknown;
}

/** The package's declaration entry: `types`/`typings`, the `.` export's types, or a .d.ts beside main. */
function declarationEntry(dir: string, pkg: PackageJson): string | undefined {
  const candidates: string[] = [];
  if (pkg.types) candidates.push(pkg.types);
  if (pkg.typings) candidates.push(pkg.typings);
  const dot = typeof pkg.exports === 'object' && pkg.exports !== null ? (pkg.exports as Record<string, unknown>)['.'] : undefined;
  collectExportTypes(dot, candidates);
  for (const js of [pkg.module, pkg.main]) {
    if (js) candidates.push(js.replace(/\.mjs$/, '.d.mts').replace(/\.cjs$/, '.d.cts').replace(/\.js$/, '.d.ts'));
  }
  candidates.push('index.d.ts');
  return candidates.map((c) => path.resolve(dir, c)).find((file) => file.startsWith(path.resolve(dir)) && existsSync(file));
}

function collectExportTypes(value: unknown, into: string[]): void {
  if (typeof value === 'string') {
    if (/\.d\.[cm]?ts$/.test(value)) into.push(value);
    else if (/\.[cm]?js$/.test(value)) into.push(value.replace(/\.mjs$/, '.d.mts').replace(/\.cjs$/, '.d.cts').replace(/\.js$/, '.d.ts'));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  // `types` first, then the conditions a Node import would take.
  for (const key of ['types', 'import', 'node', 'require', 'default']) collectExportTypes(record[key], into);
}

function isPublic(decl: ts.Declaration): boolean {
  const flags = ts.getCombinedModifierFlags(decl);
  if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return false;
  const name = ts.getNameOfDeclaration(decl);
  return !(name && (ts.isPrivateIdentifier(name) || name.getText().startsWith('_')));
}

/**
 * A namespace of the client is a property typed by a concrete class (`readonly sso: SSO`); strings,
 * option objects and abstract plumbing (`client: HttpClient`) are not part of the API surface.
 */
function isServiceClass(type: ts.Type): boolean {
  const decl = type.getSymbol()?.declarations?.find((d): d is ts.ClassDeclaration => ts.isClassDeclaration(d));
  return Boolean(decl && !(ts.getCombinedModifierFlags(decl) & ts.ModifierFlags.Abstract));
}

function describeMethod(checker: ts.TypeChecker, namespace: string, member: ts.Symbol, clientVar: string): SdkMethod | undefined {
  const decls = (member.declarations ?? []).filter((d): d is ts.MethodDeclaration | ts.MethodSignature => ts.isMethodDeclaration(d) || ts.isMethodSignature(d));
  const first = decls[0];
  if (!first || !isPublic(first)) return undefined;
  const signature = checker.getSignatureFromDeclaration(first);
  if (!signature) return undefined;
  const tags = signature.getJsDocTags();
  const paramDocs = new Map<string, string>();
  for (const tag of tags) {
    if (tag.name !== 'param') continue;
    const text = ts.displayPartsToString(tag.text);
    const match = /^(\S+)\s*(?:-\s*)?([\s\S]*)$/.exec(text);
    if (match?.[1]) paramDocs.set(match[1], (match[2] ?? '').trim());
  }
  const params: SdkParam[] = first.parameters.map((p) => {
    const type = checker.getTypeAtLocation(p);
    // A destructured parameter (`{ code, clientId }: Options`) is an options object to its callers.
    const name = ts.isIdentifier(p.name) ? p.name.text : ts.isObjectBindingPattern(p.name) ? 'options' : 'args';
    return {
      name,
      type: clip(p.type?.getText() ?? checker.typeToString(type)),
      optional: Boolean(p.questionToken || p.initializer),
      doc: paramDocs.get(name) ?? '',
      fields: objectFields(checker, type, p),
    };
  });
  const returnType = signature.getReturnType();
  const awaited = checker.getAwaitedType(returnType) ?? returnType;
  const deprecated = tags.find((t) => t.name === 'deprecated');
  return {
    namespace,
    name: member.name,
    call: `${clientVar}.${namespace}.${member.name}(${params.map((p) => p.name).join(', ')})`,
    signatures: decls.map((d) => declarationText(d)),
    params,
    returns: clip(first.type?.getText() ?? checker.typeToString(returnType)),
    returnFields: objectFields(checker, awaited, first),
    summary: ts.displayPartsToString(signature.getDocumentationComment(checker)).trim(),
    examples: tags.filter((t) => t.name === 'example').map((t) => ts.displayPartsToString(t.text).trim()).filter(Boolean),
    ...(deprecated ? { deprecated: ts.displayPartsToString(deprecated.text).trim() || 'deprecated' } : {}),
  };
}

/** A method's signature as written, without its JSDoc and body. */
function declarationText(decl: ts.MethodDeclaration | ts.MethodSignature): string {
  const params = decl.parameters.map((p) => p.getText()).join(', ');
  const typeParams = decl.typeParameters ? `<${decl.typeParameters.map((t) => t.getText()).join(', ')}>` : '';
  return `${decl.name.getText()}${typeParams}(${params})${decl.type ? `: ${decl.type.getText()}` : ''}`.replace(/\s+/g, ' ');
}

/**
 * The fields of an object type (interfaces, type literals, intersections, and unions, where a
 * field is required only if every member requires it). Primitives, arrays and functions have none.
 */
function objectFields(checker: ts.TypeChecker, type: ts.Type, at: ts.Node): SdkField[] {
  const members = type.isUnion() ? type.types : [type];
  const objects = members.filter((t) => isPlainObject(checker, t));
  if (objects.length === 0) return [];
  const byName = new Map<string, SdkField & { seen: number }>();
  for (const object of objects) {
    for (const prop of checker.getPropertiesOfType(object)) {
      const decl = prop.valueDeclaration ?? prop.declarations?.[0];
      if (decl && !isPublic(decl)) continue;
      const isMethod = Boolean(prop.flags & ts.SymbolFlags.Method);
      const optional = Boolean(prop.flags & ts.SymbolFlags.Optional);
      const existing = byName.get(prop.name);
      if (existing) {
        existing.seen++;
        existing.optional ||= optional;
        continue;
      }
      const typeNode = decl && (ts.isPropertySignature(decl) || ts.isPropertyDeclaration(decl)) ? decl.type : undefined;
      const type = isMethod ? 'method' : clip(typeNode?.getText() ?? checker.typeToString(checker.getTypeOfSymbolAtLocation(prop, decl ?? at)));
      byName.set(prop.name, { name: isMethod ? `${prop.name}()` : prop.name, type, optional, doc: ts.displayPartsToString(prop.getDocumentationComment(checker)).trim(), seen: 1 });
    }
  }
  return [...byName.values()].slice(0, MAX_FIELDS).map(({ seen, ...field }) => ({ ...field, optional: field.optional || seen < objects.length }));
}

function isPlainObject(checker: ts.TypeChecker, type: ts.Type): boolean {
  if (!(type.flags & ts.TypeFlags.Object) && !type.isIntersection()) return false;
  if (checker.isArrayType(type) || checker.isTupleType(type)) return false;
  if (type.getCallSignatures().length > 0) return false;
  const name = type.getSymbol()?.name;
  return !(name && BUILT_IN_OBJECTS.has(name));
}

const BUILT_IN_OBJECTS = new Set(['Date', 'Promise', 'Map', 'Set', 'RegExp', 'Uint8Array', 'ArrayBuffer', 'Buffer', 'Record', 'URL', 'Headers', 'Request', 'Response']);

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_TYPE_CHARS ? `${flat.slice(0, MAX_TYPE_CHARS - 1)}…` : flat;
}
