import { describe, expect, it } from 'vitest';
import { compareVersionsDescending, parseChangelogMarkdown } from '../ingest/changelog-md.js';

describe('a CHANGELOG.md split into versions', () => {
  it('reads changesets, Keep a Changelog and conventional-changelog headings, with the dates their headings carry', () => {
    const text = [
      '# Changelog',
      '',
      '## [Unreleased]',
      '',
      '- work in progress',
      '',
      '## [1.2.0] - 2024-05-01',
      '### Added',
      '- Sessions can be listed.',
      '',
      '```md',
      '## 9.9.9',
      '```',
      '',
      '# [1.1.0](https://github.com/acme/node/compare/v1.0.1...v1.1.0) (2024-04-02)',
      '',
      '### Bug Fixes',
      '',
      '* Retries stop after five attempts.',
      '',
      '## 1.0.1 (2024/03/03)',
      '',
      '## v1.0.0',
      '',
      'First release.',
      '',
      '## 2.0 migration guide',
      '',
      'Rename the client.',
    ].join('\n');
    expect(parseChangelogMarkdown(text)).toEqual([
      { version: '1.2.0', date: '2024-05-01', anchor: '120---2024-05-01', body: '### Added\n- Sessions can be listed.\n\n```md\n## 9.9.9\n```' },
      { version: '1.1.0', date: '2024-04-02', anchor: '110-2024-04-02', body: '### Bug Fixes\n\n* Retries stop after five attempts.' },
      { version: '1.0.1', date: '2024-03-03', anchor: '101-20240303', body: '' },
      { version: '1.0.0', anchor: 'v100', body: 'First release.\n\n## 2.0 migration guide\n\nRename the client.' },
    ]);
  });

  it('takes the anchors GitHub gives the headings of a changesets file, counting repeated headings', () => {
    const text = '# @acme/widgets\n\n## 1.18.0\n\n### Minor Changes\n\n- A.\n\n## 1.17.3\n\n### Patch Changes\n\n- B.\n';
    expect(parseChangelogMarkdown(text).map((s) => [s.version, s.anchor, s.date])).toEqual([
      ['1.18.0', '1180', undefined],
      ['1.17.3', '1173', undefined],
    ]);
  });

  it('orders versions newest first, a pre-release below its release', () => {
    expect(['1.0.0', '1.10.0', '1.2.0', '1.2.0-beta.1', '1.2.0-beta.10', '1.2.0-beta.2'].sort(compareVersionsDescending)).toEqual([
      '1.10.0',
      '1.2.0',
      '1.2.0-beta.10',
      '1.2.0-beta.2',
      '1.2.0-beta.1',
      '1.0.0',
    ]);
  });
});
