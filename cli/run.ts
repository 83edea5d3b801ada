import { parseArgs, type ParseArgsConfig } from 'node:util';
import { commands, usage } from './commands.js';

export interface CliIO {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stderrIsTTY: boolean;
}

export type Values = Record<string, string | boolean | undefined>;

export interface Command {
  summary: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Returns an exit code, or undefined for a long-running command (serve). */
  run(values: Values, positionals: string[], io: CliIO): Promise<number | undefined>;
}

/** Runs one CLI command. Never throws: errors are printed to stderr with exit code 1 (2 for usage). */
export async function runCli(argv: string[], io: CliIO): Promise<number | undefined> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    io.stdout('workos-docs-mcp 0.1.0\n');
    return 0;
  }
  const command = commands[name];
  if (!command) {
    io.stderr(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (error) {
    io.stderr(`${(error as Error).message}\nRun \`workos-docs-mcp ${name} --help\` for its options.\n`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout(commandHelp(name, command));
    return 0;
  }
  try {
    return await command.run(parsed.values, parsed.positionals, io);
  } catch (error) {
    io.stderr(`Error: ${(error as Error).message}\n`);
    return 1;
  }
}

function commandHelp(name: string, command: Command): string {
  const opts = Object.entries(command.options).map(([key, o]) => `  --${key}${o.type === 'string' ? ' VALUE' : ''}`);
  return `workos-docs-mcp ${name}: ${command.summary}\n\nOptions:\n${opts.join('\n')}\n`;
}
