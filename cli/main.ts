#!/usr/bin/env node
// The one entry point: parses argv, owns process (stdio, env, exit). Commands get plain values.
// `serve` over stdio answers the client's `initialize` while the rest of the program loads:
// only the small early-initialize module is imported before that. `serve` then runs from the
// bundle (scripts/bundle.mjs) when there is one at least as new as tsc's run.js.
import path from 'node:path';
import { answerInitializeEarly } from '../src/server/early-initialize.js';
import { instructionsFor } from '../src/server/identity.js';
import { aboutIndexFolder } from '../src/core/about.js';
import { defaultIndexDir } from './paths.js';

const argv = process.argv.slice(2);
const CACHE_AFTER_MS = 10_000;
const EARLY_WAIT_MS = 30;
const stdioServe = argv[0] === 'serve' && !argv.some((a) => a === '--http' || a === '--help' || a === '-h');
// The instructions speak for the index served: the one --index names, as cli/paths.ts resolves it.
const indexArg = argv.findIndex((a) => a === '--index' || a.startsWith('--index='));
const served = indexArg < 0 ? defaultIndexDir(process.env) : argv[indexArg]?.includes('=') ? argv[indexArg]?.slice('--index='.length) : argv[indexArg + 1];
const earlyStdio = stdioServe ? answerInitializeEarly(process.stdin, process.stdout, () => instructionsFor(aboutIndexFolder(path.resolve(served ?? '')))) : undefined;
// Compiling the program blocks the event loop: the client's `initialize` is answered first when it
// comes at once, as clients send it (waiting no longer than EARLY_WAIT_MS for it).
if (earlyStdio) await Promise.race([earlyStdio.firstLine, new Promise((resolve) => setTimeout(resolve, EARLY_WAIT_MS))]);
// (Imported only now: the modules it needs would delay the early answer.) It also sets serve's heap.
const bundle = argv[0] === 'serve' ? await (await import('./serve-bundle.js')).loadServeBundle() : undefined;
const { runCli } = bundle ?? ((await import('./run.js')) as typeof import('./run.js'));
// The code cache holds what the server has compiled by then: written once it has answered for a
// while, or when it ends (whichever comes first), and only when there was none or V8 refused it.
if (bundle) setTimeout(() => bundle.saveCache(), CACHE_AFTER_MS).unref();

const code = await runCli(argv, {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  earlyStdio,
});
// A serve that failed before it took stdin over must not be kept alive by the early reader.
earlyStdio?.handOver();
if (code === 0) bundle?.saveCache();
if (code !== undefined) process.exitCode = code;
