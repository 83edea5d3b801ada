import type { NavNode } from '../types.js';

/**
 * Each doc's breadcrumb in the navigation tree: the titles of the nodes above it, without the
 * doc's own node. Nodes with an empty title (ungrouped docs) are skipped, and so is a node titled
 * like its parent (`models/providers.md` "Model Providers" under `models/index.md` "Model
 * Providers"); a doc listed twice keeps its first place.
 */
export function breadcrumbs(navigation: NavNode[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (nodes: NavNode[], path: string[]) => {
    for (const node of nodes) {
      if (node.id !== undefined && !out.has(node.id)) out.set(node.id, path);
      walk(node.children, node.title && node.title !== path[path.length - 1] ? [...path, node.title] : path);
    }
  };
  walk(navigation, []);
  return out;
}
