import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { useFixtureIndexDir } from './helpers/fixture-index.js';
import { CLI } from './helpers/spawn.js';

// The built server over stdio, spawned, driven the way clients misbehave: closing stdin, closing
// their read end, sending huge or malformed lines, pipelining thousands of requests.
const fixture = useFixtureIndexDir({ spawns: true });

interface Reply {
  id: string | number | null;
  result?: unknown;
  error?: { code: number; message: string };
}

/** Spawns `serve` over stdio; resolves when it exits (or is killed after 20 s: a hang fails the test). */
function serve(drive: (stdin: NodeJS.WritableStream, child: ReturnType<typeof spawn>) => unknown) {
  const child = spawn(process.execPath, [CLI, 'serve', '--index', fixture.dir], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => {});
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const done = new Promise<{ code: number | null; replies: Reply[]; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      const replies = stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Reply);
      resolve({ code, replies, stdout, stderr });
    }),
  );
  void drive(child.stdin, child);
  return done;
}

const ping = (id: number | string) => `${JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' })}\n`;

describe('serve over stdio: lifecycle', () => {
  it('exits with code 0 when stdin is empty (serve </dev/null)', async () => {
    const run = await serve((stdin) => stdin.end());
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
  });

  it('answers the requests in flight, then exits 0 when the client closes stdin', async () => {
    const search = `${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'search_docs', arguments: { query: 'wind tunnel sandbox' } } })}\n`;
    const run = await serve((stdin) => stdin.end(ping(1) + search + ping(3)));
    expect(run.code).toBe(0);
    expect(run.replies.map((r) => r.id).sort()).toEqual([1, 2, 3]);
    expect(JSON.stringify(run.replies.find((r) => r.id === 2)?.result)).toContain('guide/testing');
  });

  it('does not crash with EPIPE when the client closes its read end, and exits 0 at the end of stdin', async () => {
    const run = await serve(async (stdin, child) => {
      child.stdout?.destroy();
      for (let i = 0; i < 50; i++) stdin.write(ping(i));
      await new Promise((r) => setTimeout(r, 300));
      stdin.end();
    });
    expect(run.stderr).not.toMatch(/EPIPE|Unhandled|Error:/);
    expect(run.code).toBe(0);
  });

  it('refuses a 12 MB message with an error reply and keeps serving', async () => {
    const run = await serve(async (stdin) => {
      const head = '{"jsonrpc":"2.0","id":"huge","method":"tools/call","params":{"name":"search_docs","arguments":{"query":"';
      stdin.write(head);
      const block = 'x'.repeat(1024 * 1024);
      for (let i = 0; i < 12; i++) if (!stdin.write(block)) await new Promise((r) => stdin.once('drain', r));
      stdin.write('"}}}\n');
      stdin.end(ping('after'));
    });
    expect(run.code).toBe(0);
    expect(run.replies).toHaveLength(2);
    expect(run.replies[0]).toMatchObject({ id: 'huge', error: { code: -32600, message: expect.stringMatching(/Message too large: one message may be at most 1048576 bytes/) } });
    expect(run.replies[1]).toEqual({ jsonrpc: '2.0', id: 'after', result: {} });
  });

  it('answers malformed JSON-RPC (batches, bad jsonrpc, object and null ids, string params) instead of leaving the client waiting', async () => {
    const run = await serve((stdin) =>
      stdin.end(
        [
          JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'ping' }]),
          JSON.stringify({ id: 2, method: 'ping' }),
          JSON.stringify({ jsonrpc: '2.0', id: { n: 3 }, method: 'ping' }),
          JSON.stringify({ jsonrpc: '2.0', id: null, method: 'ping' }),
          JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'ping', params: 'now' }),
          '',
        ].join('\n'),
      ),
    );
    expect(run.code).toBe(0);
    expect(run.replies.map((r) => [r.id, r.error?.code])).toEqual([
      [1, -32600],
      [2, -32600],
      [null, -32600],
      [null, -32600],
      [5, -32600],
    ]);
  });

  it('gives each of 5,000 pipelined requests exactly one reply: its result, or "server busy"', async () => {
    const n = 5000;
    const run = await serve((stdin) => stdin.end(Array.from({ length: n }, (_, i) => ping(i)).join('')));
    expect(run.code).toBe(0);
    const ids = run.replies.map((r) => r.id);
    expect(new Set(ids).size).toBe(n);
    expect(ids).toHaveLength(n);
    expect(run.replies.every((r) => r.result !== undefined || r.error?.code === -32000)).toBe(true);
  });
});
