#!/usr/bin/env node
// The one entry point: parses argv, owns process (stdio, env, exit). Commands get plain values.
import { runCli } from './run.js';

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: Boolean(process.stderr.isTTY),
});
if (code !== undefined) process.exitCode = code;
