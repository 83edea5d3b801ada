#!/usr/bin/env node
// The one entry point: parses argv, owns process (stdio, env, exit). Commands get plain values.
// `serve` over stdio answers the client's `initialize` while the rest of the program loads:
// only the small early-initialize module is imported before that. `serve` then runs from the
// bundle (scripts/bundle.mjs) when there is one at least as new as tsc's run.js.
import { statSync } from 'node:fs';
import path from 'node:path';
import { answerInitializeEarly } from '../src/server/early-initialize.js';
import { instructionsFor } from '../src/server/identity.js';
import { aboutIndexFolder } from '../src/core/about.js';
import { defaultIndexDir } from './paths.js';

const argv = process.argv.slice(2);
const stdioServe = argv[0] === 'serve' && !argv.some((a) => a === '--http' || a === '--help' || a === '-h');
// The instructions speak for the index served: the one --index names, as cli/paths.ts resolves it.
const indexArg = argv.findIndex((a) => a === '--index' || a.startsWith('--index='));
const served = indexArg < 0 ? defaultIndexDir(process.env) : argv[indexArg]?.includes('=') ? argv[indexArg]?.slice('--index='.length) : argv[indexArg + 1];
const earlyStdio = stdioServe ? answerInitializeEarly(process.stdin, process.stdout, () => instructionsFor(aboutIndexFolder(path.resolve(served ?? '')))) : undefined;
const { runCli } = (await import(argv[0] === 'serve' && bundleIsCurrent() ? './bundle/run.js' : './run.js')) as typeof import('./run.js');

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

/** Whether dist/cli/bundle/run.js exists and was built from the current tsc output (not an older build). */
function bundleIsCurrent(): boolean {
  try {
    return statSync(new URL('./bundle/run.js', import.meta.url)).mtimeMs >= statSync(new URL('./run.js', import.meta.url)).mtimeMs;
  } catch {
    return false;
  }
}
