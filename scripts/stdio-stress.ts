// The stdio server under abuse, measured: exit at the end of stdin, one oversized message, and many
// pipelined searches (peak RSS of the server process from /proc/PID/status VmHWM).
// Usage: node dist/scripts/stdio-stress.js [--cli dist/cli/main.js] [--index DIR] [--mb 50] [--requests 20000]
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { flag } from './args.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.resolve(flag('--cli', path.join(ROOT, 'dist', 'cli', 'main.js')));
const index = path.resolve(flag('--index', path.join(ROOT, 'index-data')));
const megabytes = Number(flag('--mb', '50'));
const requests = Number(flag('--requests', '20000'));
const LIMIT_MS = 60_000;

interface Server {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  onLine: (fn: (line: string) => void) => void;
  exited: Promise<{ code: number | null; signal: string | null; ms: number }>;
  ready: Promise<void>;
}

function start(): Server {
  const child = spawn(process.execPath, [cli, 'serve', '--index', index], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const listeners: Array<(line: string) => void> = [];
  let buffered = '';
  child.stdout.on('data', (d: Buffer) => {
    buffered += d.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      lines.push(line);
      for (const fn of listeners) fn(line);
    }
  });
  child.stdin.on('error', () => {});
  let stderr = '';
  const ready = new Promise<void>((resolve) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('MCP over stdio')) resolve();
    });
  });
  const t0 = performance.now();
  const killer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS);
  const exited = new Promise<{ code: number | null; signal: string | null; ms: number }>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, ms: performance.now() - t0 });
    }),
  );
  return { child, lines, onLine: (fn) => listeners.push(fn), exited, ready };
}

const ms = (x: number) => Math.round(x);

/** The server's exit, or null (and the server killed) if it is still running after `limit` ms. */
async function exitWithin(s: Server, limit: number): Promise<{ code: number | null; signal: string | null } | null> {
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([s.exited, new Promise<null>((r) => (timer = setTimeout(() => r(null), limit)))]);
  clearTimeout(timer);
  if (!exit) s.child.kill('SIGKILL');
  return exit;
}

/** Peak resident memory (VmHWM) of a process, in MB, polled until it exits. */
function watchPeak(pid: number): () => number {
  let peak = 0;
  const read = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
    } catch {
      // gone
    }
  };
  const timer = setInterval(read, 20);
  return () => {
    clearInterval(timer);
    return Math.round(peak);
  };
}

async function eof(): Promise<void> {
  const s = start();
  await s.ready;
  const t = performance.now();
  s.child.stdin.end();
  const exit = await exitWithin(s, 10_000);
  if (!exit) {
    console.log(`EOF: still running 10 s after stdin closed (killed)`);
    return;
  }
  console.log(`EOF: exit code ${exit.code}${exit.signal ? ` (signal ${exit.signal})` : ''}, ${ms(performance.now() - t)} ms after stdin closed`);
}

async function oversized(): Promise<void> {
  const s = start();
  await s.ready;
  const peak = watchPeak(s.child.pid as number);
  const t = performance.now();
  let errorAt: number | undefined;
  let pingAt: number | undefined;
  s.onLine((line) => {
    if (errorAt === undefined && line.includes('"id":"big"')) errorAt = performance.now() - t;
    if (line.includes('"id":"after"')) pingAt = performance.now() - t;
  });
  let gone = false;
  void s.exited.then(() => (gone = true));
  // A server that exits mid-message never drains its stdin: stop writing then.
  const write = (text: string) =>
    gone || s.child.stdin.write(text) ? Promise.resolve() : Promise.race([new Promise<void>((r) => s.child.stdin.once('drain', () => r())), s.exited.then(() => undefined)]);
  await write('{"jsonrpc":"2.0","id":"big","method":"tools/call","params":{"name":"search_docs","arguments":{"query":"');
  const block = 'x'.repeat(1024 * 1024);
  for (let i = 0; i < megabytes; i++) await write(block);
  const written = performance.now() - t;
  await write(`"}}}\n${JSON.stringify({ jsonrpc: '2.0', id: 'after', method: 'ping' })}\n`);
  let check: NodeJS.Timeout | undefined;
  let giveUp: NodeJS.Timeout | undefined;
  const answered = await Promise.race([
    new Promise<boolean>((resolve) => {
      check = setInterval(() => pingAt !== undefined && resolve(true), 10);
    }),
    s.exited.then(() => false),
    new Promise<boolean>((r) => (giveUp = setTimeout(() => r(false), 20_000))),
  ]);
  clearInterval(check);
  clearTimeout(giveUp);
  s.child.stdin.end();
  const exit = await exitWithin(s, 10_000);
  console.log(
    `${megabytes} MB message: error reply ${errorAt === undefined ? 'never' : `after ${ms(errorAt)} ms`} (all of it written after ${ms(written)} ms); ` +
      `ping after it ${answered ? `answered at ${ms(pingAt ?? 0)} ms` : 'not answered'}; exit ${exit ? exit.code : 'none (killed)'}; server peak RSS ${peak()} MB`,
  );
}

async function pipelined(): Promise<void> {
  const s = start();
  await s.ready;
  const peak = watchPeak(s.child.pid as number);
  const t = performance.now();
  const queries = ['how do I test SSO', 'directory sync webhooks', 'organization_selection_required', 'AuthKit custom domain', 'audit logs export'];
  const body = Array.from({ length: requests }, (_, i) =>
    JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'search_docs', arguments: { query: queries[i % queries.length], limit: 5 } } }),
  ).join('\n');
  s.child.stdin.end(`${body}\n`);
  const exit = await s.exited;
  const replies = s.lines.map((l) => JSON.parse(l) as { id: number; result?: unknown; error?: { code: number } });
  const busy = replies.filter((r) => r.error?.code === -32000).length;
  const results = replies.filter((r) => r.result !== undefined).length;
  console.log(
    `${requests} pipelined search_docs: ${replies.length} replies (${results} results, ${busy} "server busy") in ${ms(performance.now() - t)} ms; ` +
      `exit ${exit.code}${exit.signal ? ` (signal ${exit.signal})` : ''}; server peak RSS ${peak()} MB`,
  );
}

console.log(`server: ${cli}\nindex:  ${index}`);
await eof();
await oversized();
await pipelined();
