import { describe, expect, it } from 'vitest';
import { buildNavigationTree, parseNavigation } from '../ingest/navigation.js';
import { breadcrumbs } from '../src/text/breadcrumbs.js';
import { DEFAULT_BASE_URL } from '../src/ids.js';
import type { NavNode } from '../src/types.js';

const outline = (nodes: NavNode[], depth = 0): string[] =>
  nodes.flatMap((n) => [`${'  '.repeat(depth)}${n.title}${n.id !== undefined ? ` (${n.id})` : ''}`, ...outline(n.children, depth + 1)]);

describe('the navigation tree of folders without navigation files', () => {
  const docs = [
    { id: 'ai-sdk/streaming', title: 'Streaming' },
    { id: 'guides/deploy/cloud', title: 'Deploy to the cloud' },
    { id: 'guides/deploy/self-hosted/docker', title: 'Docker' },
    { id: 'guides/quickstart', title: 'Quickstart' },
    { id: 'guides/deploy', title: 'Deploying' },
    { id: 'guides', title: 'All guides' },
    { id: 'sdks/go', title: 'Go' },
  ];

  it('nests subfolders titled by their index page (a page beside the folder counts) or else by their name, title-cased', () => {
    expect(outline(buildNavigationTree([], docs))).toEqual([
      'AI SDK',
      '  Streaming (ai-sdk/streaming)',
      'All guides (guides)',
      '  Deploying (guides/deploy)',
      '    Deploy to the cloud (guides/deploy/cloud)',
      '    Self Hosted',
      '      Docker (guides/deploy/self-hosted/docker)',
      '  Quickstart (guides/quickstart)',
      'SDKs',
      '  Go (sdks/go)',
    ]);
  });

  it('gives each doc the titles of the folders above it as its breadcrumb', () => {
    const crumbs = breadcrumbs(buildNavigationTree([], docs));
    expect(crumbs.get('guides/deploy/self-hosted/docker')).toEqual(['All guides', 'Deploying', 'Self Hosted']);
    expect(crumbs.get('guides/deploy')).toEqual(['All guides']);
    expect(crumbs.get('guides')).toEqual([]);
  });

  it('does not repeat a folder title its subfolder shares', () => {
    const crumbs = breadcrumbs(buildNavigationTree([], [
      { id: 'models', title: 'Model Providers' },
      { id: 'models/providers', title: 'Model Providers' },
      { id: 'models/providers/groq', title: 'Groq' },
    ]));
    expect(crumbs.get('models/providers/groq')).toEqual(['Model Providers']);
  });

  it('leaves a folder with a navigation file as that file lays it out, with unlisted docs under "More"', () => {
    const nav = parseNavigation('guides', { title: 'Guides', links: [{ title: 'Start', links: [{ title: 'Quick', url: '/guides/quickstart' }] }] }, DEFAULT_BASE_URL);
    expect(outline(buildNavigationTree([nav], docs)).slice(2, 10)).toEqual([
      'Guides (guides)',
      '  Start',
      '    Quick (guides/quickstart)',
      '  More',
      '    Deploy to the cloud (guides/deploy/cloud)',
      '    Docker (guides/deploy/self-hosted/docker)',
      '    Deploying (guides/deploy)',
      'SDKs',
    ]);
  });
});
