import { parseArgs, type ParseArgsConfig } from 'node:util';
import { commands, usage } from './commands.js';
import { UsageError, type CliIO, type Command, type Values } from './command.js';

export { UsageError, type CliIO, type Command };

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
    const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
    for (const [key, spec] of Object.entries(command.options)) options[key] = { type: spec.type };
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true }) as typeof parsed;
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
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\nRun \`workos-docs-mcp ${name} --help\` for its options.\n`);
      return 2;
    }
    io.stderr(`Error: ${(error as Error).message}\n`);
    return 1;
  }
}

export function commandHelp(name: string, command: Command): string {
  const rows: Array<[string, string]> = Object.entries(command.options).map(([key, o]) => [`--${key}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`, o.description]);
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const lines = rows.map(([flag, description]) => `  ${flag.padEnd(width)}${description}`);
  return `workos-docs-mcp ${name}: ${command.summary}\n\nUsage: workos-docs-mcp ${name}${command.args ? ` ${command.args}` : ''} [options]\n\nOptions:\n${lines.join('\n')}\n`;
}
