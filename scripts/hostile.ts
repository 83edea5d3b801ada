// Generators of the hostile docs from issue 16 (index safety), shared by the tests and by
// `node dist/scripts/hostile-docs.js DIR`, which writes them out for measuring ingest time and
// peak memory. Generated rather than committed: some are tens of megabytes.

/** A few kilobytes of YAML whose `(group.key)` placeholders nest three deep, `fanout` wide at each level. */
export function placeholderBomb(fanout = 40, params = 80): string {
  const refs = (name: string) => `"${Array.from({ length: fanout }, () => `(bomb.${name})`).join(' ')}"`;
  const lines = [
    '---',
    'title: Placeholder bomb',
    'descriptions:',
    '  bomb:',
    `    a: ${refs('b')}`,
    `    b: ${refs('c')}`,
    `    c: ${refs('d')}`,
    `    d: "${'lorem ipsum '.repeat(8)}"`,
    'reference:',
    '  curl:',
    '    - title: /bomb',
    '      url: /bomb',
    '      type: GET',
    '      parameters:',
    ...Array.from({ length: params }, (_, i) => `        - { key: p${i}, description: "(bomb.a)" }`),
    '---',
    '',
    '# Placeholder bomb',
    '',
    'The page itself is short.',
    '',
  ];
  return lines.join('\n');
}

/** `*_` repeated: emphasis matching in micromark is quadratic in the number of delimiters. */
export function delimiterRun(pairs = 20_000, separator = ''): string {
  return `# Delimiters\n\nkeyword-before\n\n${`*_${separator}`.repeat(pairs)}\n\nkeyword-after\n`;
}

/** A file of nothing but headings and one-line sections, about `bytes` long. */
export function headingHeavy(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const part = `## Heading ${i}\n\ntext ${i}\n\n`;
    parts.push(part);
    size += part.length;
  }
  return parts.join('');
}

/** One line of words, about `bytes` long, with no blank line anywhere. */
export function singleLine(bytes: number, word = 'word'): string {
  return `${word} `.repeat(Math.ceil(bytes / (word.length + 1)));
}

export function deepBlockquote(depth = 10_000): string {
  return `# Deep quote\n\n${'> '.repeat(depth)}deep-quote-keyword\n`;
}

/** JSX elements nested `depth` deep, one per line (flow elements). */
export function deepJsx(depth = 10_000): string {
  return `# Deep JSX\n\n${'<Box>\n'.repeat(depth)}\ndeep-jsx-keyword\n\n${'</Box>\n'.repeat(depth)}`;
}
