import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { EarlyInput } from './early-initialize.js';
import { describeInvalidMessage, readTopLevelId, type WireId } from './jsonrpc-check.js';

/**
 * Newline-delimited JSON-RPC over a pair of streams, replacing the SDK's StdioServerTransport,
 * which (SDK 1.x) never reports the end of its input, grows its read buffer by concatenation (so a
 * 10 MB line costs seconds and a larger one closes the transport silently), drops invalid messages
 * without a reply, and has no bound on the requests it accepts.
 *
 * Here: each line is capped at `maxMessageBytes` (the rest of a longer line is skipped without
 * being kept, and the sender gets an error as soon as the cap is crossed); every line that is not
 * a valid JSON-RPC message is answered (-32700 or -32600, with its id when one can be read);
 * at most `maxInFlight` requests are handed to the server at once and at most `maxQueued` wait,
 * the excess being answered at once with -32000; reading pauses while the output is backed up.
 * At the end of the input, the queued and in-flight requests are answered and written out, then
 * the transport closes. A reader that goes away (EPIPE) closes it quietly.
 */
export interface StdioLimits {
  /** The longest message (one line, in bytes) accepted. */
  maxMessageBytes: number;
  /** Requests handed to the server at once; the rest wait in the queue. */
  maxInFlight: number;
  /** Requests waiting for a slot; a request beyond this is answered with "server busy". */
  maxQueued: number;
  /** Bytes of queued requests at most, whatever their number. */
  maxQueuedBytes: number;
  /** After the input ends, close even if some request has not been answered within this time. */
  drainTimeoutMs: number;
}

export const DEFAULT_STDIO_LIMITS: StdioLimits = {
  maxMessageBytes: 1024 * 1024,
  maxInFlight: 8,
  maxQueued: 1000,
  maxQueuedBytes: 16 * 1024 * 1024,
  drainTimeoutMs: 30_000,
};

/** JSON-RPC error codes this transport answers with. */
export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const SERVER_BUSY = -32000;

interface Queued {
  message: JSONRPCMessage;
  key: string;
  bytes: number;
}

export class LineStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly limits: StdioLimits;
  private started = false;
  private closed = false;
  private ended = false;
  /** The line being read: its parts, their total size, and whether it is over the cap and skipped. */
  private parts: Buffer[] = [];
  private lineBytes = 0;
  private skipping = false;
  private readonly queue: Queued[] = [];
  private queuedBytes = 0;
  /** Requests handed to the server and not answered yet, by id key (an id may repeat). */
  private readonly inFlight = new Map<string, number>();
  private pendingWrites = 0;
  private drainTimer: NodeJS.Timeout | undefined;

  /** The id of the `initialize` request the entry answered before this transport started, whose second answer is dropped. */
  private answeredEarly: string | undefined;

  /** `early`: what the entry read (and answered) before the server was ready (see early-initialize.ts). */
  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    limits: Partial<StdioLimits> = {},
    private readonly early?: EarlyInput,
  ) {
    this.limits = { ...DEFAULT_STDIO_LIMITS, ...limits };
    if (early?.answered !== undefined) this.answeredEarly = idKey(early.answered);
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('LineStdioTransport already started: McpServer.connect() starts it.');
    this.started = true;
    this.input.on('data', this.onData);
    this.input.on('end', this.onEnd);
    this.input.on('error', this.onInputError);
    this.output.on('error', this.onOutputError);
    this.output.on('drain', this.onDrain);
    if (this.early) {
      for (const chunk of this.early.chunks) this.onData(chunk);
      if (this.early.ended) this.onEnd();
      // The entry paused the input when it handed it over.
      else this.input.resume();
    }
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if ('id' in message && ('result' in message || 'error' in message) && message.id !== undefined) {
      const key = idKey(message.id);
      this.settle(key);
      if (key === this.answeredEarly) {
        this.answeredEarly = undefined;
        return;
      }
    }
    await this.write(message);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.drainTimer);
    this.input.off('data', this.onData);
    this.input.off('end', this.onEnd);
    this.input.off('error', this.onInputError);
    this.output.off('drain', this.onDrain);
    // The error listener stays: a late EPIPE after close must not become an uncaught exception.
    this.input.pause();
    this.queue.length = 0;
    this.parts = [];
    this.onclose?.();
  }

  private readonly onData = (chunk: Buffer | string): void => {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    while (start < data.length && !this.closed) {
      const newline = data.indexOf(0x0a, start);
      this.take(data.subarray(start, newline === -1 ? data.length : newline));
      if (newline === -1) break;
      this.endLine();
      start = newline + 1;
    }
  };

  private readonly onEnd = (): void => {
    if (this.lineBytes > 0 || this.skipping) this.endLine();
    this.ended = true;
    if (this.limits.drainTimeoutMs > 0) {
      this.drainTimer = setTimeout(() => void this.close(), this.limits.drainTimeoutMs);
      this.drainTimer.unref();
    }
    this.finishIfDone();
  };

  private readonly onInputError = (error: Error): void => {
    this.onerror?.(error);
    void this.close();
  };

  private readonly onOutputError = (error: Error): void => {
    if (!isGone(error)) this.onerror?.(error);
    void this.close();
  };

  private readonly onDrain = (): void => {
    this.input.resume();
    this.pump();
  };

  /** Adds part of a line; a line that crosses the cap is refused at once and the rest of it skipped. */
  private take(part: Buffer): void {
    if (this.skipping || part.length === 0) return;
    if (this.lineBytes + part.length > this.limits.maxMessageBytes) {
      const head = Buffer.concat([...this.parts, part.subarray(0, this.limits.maxMessageBytes - this.lineBytes)]).toString('utf8');
      this.parts = [];
      this.lineBytes = 0;
      this.skipping = true;
      void this.reply(readTopLevelId(head), INVALID_REQUEST, `Message too large: one message may be at most ${this.limits.maxMessageBytes} bytes; this one is longer and was skipped. Send smaller requests.`, {
        maxMessageBytes: this.limits.maxMessageBytes,
      });
      return;
    }
    this.parts.push(part);
    this.lineBytes += part.length;
  }

  private endLine(): void {
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    const bytes = this.lineBytes;
    const line = (this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts)).toString('utf8');
    this.parts = [];
    this.lineBytes = 0;
    if (line.trim()) this.handleLine(line, bytes);
  }

  private handleLine(line: string, bytes: number): void {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      void this.reply(readTopLevelId(line), PARSE_ERROR, `Parse error: the message is not valid JSON (${(error as Error).message}). Send one JSON-RPC message per line.`);
      return;
    }
    if (Array.isArray(json)) {
      const ids = json.map((item) => readId(item)).filter((id): id is Exclude<WireId, null> => id !== null);
      const text = 'Invalid Request: JSON-RPC batches (arrays) are not supported by MCP; send each message as its own line.';
      for (const id of ids.length > 0 ? ids : [null]) void this.reply(id, INVALID_REQUEST, text);
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(json);
    if (!parsed.success) {
      void this.reply(readId(json), INVALID_REQUEST, `Invalid Request: ${describeInvalidMessage(json)}`);
      return;
    }
    const message = parsed.data as JSONRPCMessage;
    if ('method' in message && 'id' in message) this.enqueue({ message, key: idKey(message.id), bytes });
    else {
      if ('method' in message && message.method === 'notifications/cancelled') this.cancel(message.params?.requestId);
      this.onmessage?.(message);
    }
  }

  private enqueue(item: Queued): void {
    const full = this.queue.length >= this.limits.maxQueued || this.queuedBytes + item.bytes > this.limits.maxQueuedBytes;
    if (full) {
      const id = (item.message as { id: string | number }).id;
      void this.reply(id, SERVER_BUSY, `Server busy: ${this.inFlight.size} requests in progress and ${this.queue.length} waiting; retry after some replies arrive.`, {
        maxInFlight: this.limits.maxInFlight,
        maxQueued: this.limits.maxQueued,
      });
      return;
    }
    this.queue.push(item);
    this.queuedBytes += item.bytes;
    this.pump();
  }

  /** Hands queued requests to the server while there are free slots and the output is not backed up. */
  private pump(): void {
    while (!this.closed && this.queue.length > 0 && this.countInFlight() < this.limits.maxInFlight && !this.output.writableNeedDrain) {
      const item = this.queue.shift() as Queued;
      this.queuedBytes -= item.bytes;
      this.inFlight.set(item.key, (this.inFlight.get(item.key) ?? 0) + 1);
      this.onmessage?.(item.message);
    }
    this.finishIfDone();
  }

  /** A cancelled request that still waits is dropped; one in progress gets no reply (the SDK aborts it), so its slot is freed. */
  private cancel(requestId: unknown): void {
    if (typeof requestId !== 'string' && typeof requestId !== 'number') return;
    const key = idKey(requestId);
    const waiting = this.queue.findIndex((q) => q.key === key);
    if (waiting >= 0) {
      const [item] = this.queue.splice(waiting, 1);
      this.queuedBytes -= item?.bytes ?? 0;
    } else {
      this.settle(key);
    }
    queueMicrotask(() => this.pump());
  }

  private settle(key: string): void {
    const n = this.inFlight.get(key);
    if (n === undefined) return;
    if (n > 1) this.inFlight.set(key, n - 1);
    else this.inFlight.delete(key);
    queueMicrotask(() => this.pump());
  }

  private countInFlight(): number {
    let n = 0;
    for (const count of this.inFlight.values()) n += count;
    return n;
  }

  private reply(id: WireId | undefined, code: number, message: string, data?: Record<string, unknown>): Promise<void> {
    return this.write({ jsonrpc: '2.0', id: id ?? null, error: { code, message, ...(data ? { data } : {}) } });
  }

  private write(message: unknown): Promise<void> {
    if (this.closed || this.output.destroyed) return Promise.resolve();
    this.pendingWrites++;
    return new Promise<void>((resolve) => {
      const ok = this.output.write(`${JSON.stringify(message)}\n`, (error) => {
        this.pendingWrites--;
        if (error) this.onOutputError(error);
        resolve();
        this.finishIfDone();
      });
      // A reader that does not keep up: stop reading until it does, so that replies do not pile up.
      if (!ok) this.input.pause();
    });
  }

  private finishIfDone(): void {
    if (this.ended && !this.closed && this.queue.length === 0 && this.inFlight.size === 0 && this.pendingWrites === 0) void this.close();
  }
}

function idKey(id: string | number): string {
  return `${typeof id}:${id}`;
}

/** The id of a parsed message when it is one JSON-RPC allows (string or number), else null. */
function readId(value: unknown): WireId {
  if (typeof value !== 'object' || value === null || !('id' in value)) return null;
  const id = (value as { id: unknown }).id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
}

function isGone(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ECONNRESET' || code === 'EOF';
}
