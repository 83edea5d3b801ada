// The argv reading every hand-run script shares: `--name value` flags and bare words.
const argv = process.argv.slice(2);

/** The value after `--name`, or `fallback` when the flag is absent (or has no value). */
export function flag(name: string): string | undefined;
export function flag(name: string, fallback: string): string;
export function flag(name: string, fallback?: string): string | undefined {
  const at = argv.indexOf(name);
  return at >= 0 ? (argv[at + 1] ?? fallback) : fallback;
}

/** Is the switch `--name` present? */
export function has(name: string): boolean {
  return argv.includes(name);
}
