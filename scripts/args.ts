// The argv reading every hand-run script shares: `--name value` flags and bare words.
const argv = process.argv.slice(2);

/** The value after `--name`, or `fallback` when the flag is absent (or has no value). */
export function flag(name: string): string | undefined;
export function flag(name: string, fallback: string): string;
export function flag(name: string, fallback?: string): string | undefined {
  const at = argv.indexOf(name);
  return at >= 0 ? (argv[at + 1] ?? fallback) : fallback;
}

/** Every value given to `--name`, in order (`--set a --set b` → [a, b]). */
export function flags(name: string): string[] {
  return argv.flatMap((word, i) => (argv[i - 1] === name ? [word] : []));
}

/** Is the switch `--name` present? */
export function has(name: string): boolean {
  return argv.includes(name);
}
