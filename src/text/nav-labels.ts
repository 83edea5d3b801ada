import type { NavNode } from '../types.js';

/** How the navigation names a doc: what a reader who found it in the sidebar would call it. */
export interface NavNames {
  /** The labels of the nodes that link to the doc ("Quick Start" for the doc titled "Single Sign-On"). */
  labels: string[];
  /** The titles of the nodes above each of those nodes, each once ("Single Sign-On", "Getting Started"). */
  crumbs: string[];
}

/**
 * Every name the navigation gives each doc. A doc can be linked from several nodes (a product's
 * top node and its "Quick Start" entry both point at the product page), and a reader may use any
 * of them: unlike `breadcrumbs`, which keeps a doc's first place for display, this keeps them all.
 */
export function navNames(navigation: NavNode[]): Map<string, NavNames> {
  const out = new Map<string, NavNames>();
  const walk = (nodes: NavNode[], path: string[]) => {
    for (const node of nodes) {
      if (node.id !== undefined) {
        const names = out.get(node.id) ?? { labels: [], crumbs: [] };
        out.set(node.id, names);
        if (node.title && !names.labels.includes(node.title)) names.labels.push(node.title);
        for (const crumb of path) if (!names.crumbs.includes(crumb)) names.crumbs.push(crumb);
      }
      walk(node.children, node.title ? [...path, node.title] : path);
    }
  };
  walk(navigation, []);
  return out;
}
