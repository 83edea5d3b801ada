#!/usr/bin/env node
// The one entry point: parses argv, owns process (stdio, env, exit). Commands get plain values.
// `serve` over stdio answers the client's `initialize` while the rest of the program loads:
// only the small early-initialize module is imported before that.
import { answerInitializeEarly } from '../src/server/early-initialize.js';

const argv = process.argv.slice(2);
const stdioServe = argv[0] === 'serve' && !argv.some((a) => a === '--http' || a === '--help' || a === '-h');
const earlyStdio = stdioServe ? answerInitializeEarly(process.stdin, process.stdout) : undefined;
const { runCli } = await import('./run.js');

const code = await runCli(argv, {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  earlyStdio,
});
// A serve that failed before it took stdin over must not be kept alive by the early reader.
earlyStdio?.handOver();
if (code !== undefined) process.exitCode = code;
