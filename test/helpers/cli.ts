import { runCli } from '../../cli/run.js';

/**
 * Runs a CLI command in the test's own process: the code the bin runs (cli/main.ts only hands it
 * process.env, stdout and stderr), without the cost of starting node and importing the program
 * again. Spawn the built CLI (helpers/spawn.ts) where the process itself is under test: exit codes
 * set by main.ts, signals, stdio, the working directory, limits of the parse process.
 */
export async function cliInProcess(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | undefined; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { env, stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), stderrIsTTY: false });
  return { code, stdout, stderr };
}
