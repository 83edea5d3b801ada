import type { NavNode } from '../src/types.js';
import { normalizeDocRef } from '../src/ids.js';

/** A `_navigation.mdx` file: the folder it describes and its tree of titled links. */
export interface NavigationFile {
  folder: string;
  title: string;
  children: NavNode[];
}

export function parseNavigation(folder: string, frontmatter: Record<string, unknown>, baseUrl: string): NavigationFile {
  const title = typeof frontmatter.title === 'string' ? frontmatter.title : folder;
  return { folder, title, children: toNodes(frontmatter.links, baseUrl, 0) };
}

function toNodes(links: unknown, baseUrl: string, depth: number): NavNode[] {
  if (!Array.isArray(links) || depth > 8) return [];
  const nodes: NavNode[] = [];
  for (const link of links) {
    if (!link || typeof link !== 'object') continue;
    const record = link as Record<string, unknown>;
    const title = typeof record.title === 'string' ? record.title : '';
    const ref = typeof record.url === 'string' ? normalizeDocRef(record.url, baseUrl) : null;
    const children = toNodes(record.links, baseUrl, depth + 1);
    if (!title && !ref && children.length === 0) continue;
    nodes.push({ title: title || ref?.id || '', ...(ref ? { id: ref.id } : {}), children });
  }
  return nodes;
}

/**
 * One tree for the whole docs site: a node per top-level folder (in the order of the reference
 * navigation when there is one, then alphabetically), each holding its navigation file's tree,
 * followed by the folder's docs that no navigation mentions. A folder without a navigation file
 * is laid out from the file tree instead: a node per subfolder, titled by its index page (the doc
 * whose id is the folder's) or else by its name, holding the pages and subfolders inside it.
 */
export function buildNavigationTree(
  files: NavigationFile[],
  docs: Array<{ id: string; title: string }>,
): NavNode[] {
  const byFolder = new Map(files.map((f) => [f.folder, f]));
  const listed = new Set<string>();
  const mark = (nodes: NavNode[]) => {
    for (const node of nodes) {
      if (node.id !== undefined) listed.add(node.id);
      mark(node.children);
    }
  };
  files.forEach((f) => mark(f.children));
  const folders = [...new Set(docs.map((d) => topFolder(d.id)))].sort();
  const titles = new Map(docs.map((d) => [d.id, d.title]));
  const tree: NavNode[] = [];
  for (const folder of folders) {
    const nav = byFolder.get(folder);
    const rest = docs
      .filter((d) => topFolder(d.id) === folder && !listed.has(d.id) && d.id !== folder)
      .map((d) => ({ title: d.title, id: d.id, children: [] }));
    const hasDoc = titles.has(folder);
    if (!nav) {
      tree.push(folderNode(folder, rest, titles));
      continue;
    }
    const children = [...nav.children];
    if (rest.length > 0) children.push({ title: 'More', children: rest });
    const flat = children.flatMap((c) => (c.title === '' ? c.children : [c]));
    tree.push({ title: nav.title, ...(hasDoc ? { id: folder } : {}), children: flat });
  }
  return tree;
}

/**
 * The node of a folder laid out from its files. `docs` are the docs under it (without the
 * folder's own index doc) in listing order; a subfolder is listed where its first doc would be.
 */
function folderNode(folder: string, docs: NavNode[], titles: Map<string, string>): NavNode {
  const entries: Array<NavNode | { subfolder: string; docs: NavNode[] }> = [];
  const subfolders = new Map<string, NavNode[]>();
  const folders = new Set(docs.flatMap((d) => ancestors(d.id ?? '')));
  for (const doc of docs) {
    const id = doc.id ?? '';
    const slash = id.indexOf('/', folder.length + 1);
    const key = slash < 0 ? id : id.slice(0, slash);
    // A page that shares its id with a subfolder (`guides.md` beside `guides/`) is that folder's index.
    if (slash < 0 && !folders.has(id)) {
      entries.push(doc);
      continue;
    }
    let members = subfolders.get(key);
    if (!members) {
      members = [];
      subfolders.set(key, members);
      entries.push({ subfolder: key, docs: members });
    }
    if (id !== key) members.push(doc);
  }
  const children = entries.map((e) => ('subfolder' in e ? folderNode(e.subfolder, e.docs, titles) : e));
  return { title: titles.get(folder) ?? folderTitle(folder), ...(titles.has(folder) ? { id: folder } : {}), children };
}

/** Every folder above an id: `a/b/c` → `a`, `a/b`. */
function ancestors(id: string): string[] {
  const out: string[] = [];
  for (let at = id.indexOf('/'); at >= 0; at = id.indexOf('/', at + 1)) out.push(id.slice(0, at));
  return out;
}

/** A folder's name as a title: `alert-rules` → `Alert Rules`, `API` stays `API`, `sdks` → `SDKs`. */
function folderTitle(folder: string): string {
  const name = folder.slice(folder.lastIndexOf('/') + 1);
  const words = name.split(/[-_\s]+/).filter(Boolean);
  return words.length > 0 ? words.map(titleWord).join(' ') : name;
}

/** Words that docs folders name in lower case but titles write in capitals. */
const ACRONYMS = new Set(['api', 'sdk', 'cli', 'ui', 'url', 'id', 'ai', 'http', 'json', 'faq', 'sso', 'mcp']);

function titleWord(word: string): string {
  const lower = word.toLowerCase();
  if (ACRONYMS.has(lower)) return lower.toUpperCase();
  if (lower.endsWith('s') && ACRONYMS.has(lower.slice(0, -1))) return `${lower.slice(0, -1).toUpperCase()}s`;
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function topFolder(id: string): string {
  return id.split('/')[0] ?? id;
}
