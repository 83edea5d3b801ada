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
 * followed by the folder's docs that no navigation mentions.
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
    if (!nav && rest.length === 0 && hasDoc) {
      tree.push({ title: titles.get(folder) ?? folder, id: folder, children: [] });
      continue;
    }
    const children = [...(nav?.children ?? [])];
    if (rest.length > 0) children.push(nav ? { title: 'More', children: rest } : ({ title: '', children: rest } as NavNode));
    const flat = children.flatMap((c) => (c.title === '' ? c.children : [c]));
    tree.push({ title: nav?.title ?? titles.get(folder) ?? folder, ...(hasDoc ? { id: folder } : {}), children: flat });
  }
  return tree;
}

function topFolder(id: string): string {
  return id.split('/')[0] ?? id;
}
