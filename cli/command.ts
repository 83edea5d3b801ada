import type { EarlyStdio } from '../src/server/early-initialize.js';

/** What a CLI command is: its options, its help and how it runs. Shared by the commands and the runner. */

export interface CliIO {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stderrIsTTY: boolean;
  /** For `serve` over stdio: the entry's early reader of stdin, which may have answered `initialize` already. */
  earlyStdio?: EarlyStdio;
}

export type Values = Record<string, string | boolean | undefined>;

/** One option of a command: what parseArgs needs, plus what `--help` shows. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** The placeholder shown for a string option's value in help, e.g. DIR or N. */
  value?: string;
}

export interface Command {
  summary: string;
  /** Positional arguments as shown in help, e.g. `"QUERY"` or `ID`. */
  args?: string;
  options: Record<string, OptionSpec>;
  /** Returns an exit code, or undefined for a long-running command (serve). */
  run(values: Values, positionals: string[], io: CliIO): Promise<number | undefined>;
}

/** A command called the wrong way (missing argument, bad option value): exit code 2, like a parse error. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
