import type { Readable, Writable } from 'node:stream';
import { initializeResult } from './identity.js';

/**
 * Answers the client's `initialize` as soon as it arrives, before the server has loaded the MCP SDK
 * and its own modules (half of the start-up time): the answer depends on nothing but identity.ts.
 * Everything read is kept and handed to the real transport (LineStdioTransport), `initialize`
 * included, so that the SDK's server still sees it (and learns the client's capabilities); the
 * transport drops the SDK's own answer to it. Only a first line that is a well-formed `initialize`
 * request is answered here; anything else is left to the SDK.
 */
export interface EarlyInput {
  /** The bytes read so far, in order. */
  chunks: Buffer[];
  /** Whether the input has ended already. */
  ended: boolean;
  /** The id of the `initialize` request answered early, if one was. */
  answered?: string | number;
}

export interface EarlyStdio {
  /** Stops reading (the stream is left paused) and returns what was read. */
  handOver(): EarlyInput;
  /** Settles once the first line has been looked at (and `initialize` answered, if it was one), or the input ended. */
  firstLine: Promise<void>;
}

/** Longest first line looked at; a longer one is left to the transport, which enforces its own cap. */
const MAX_FIRST_LINE = 64 * 1024;

/** `instructions` is asked for when the `initialize` request arrives (it reads the index's manifest). */
export function answerInitializeEarly(input: Readable, output: Writable, instructions: () => string): EarlyStdio {
  const state: EarlyInput = { chunks: [], ended: false };
  let seen = 0;
  let looking = true;
  let lookedAt = () => {};
  const firstLine = new Promise<void>((resolve) => (lookedAt = resolve));
  const onData = (chunk: Buffer | string) => {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    state.chunks.push(data);
    if (!looking) return;
    const newline = data.indexOf(0x0a);
    if (newline === -1) {
      seen += data.length;
      if (seen > MAX_FIRST_LINE) {
        looking = false;
        lookedAt();
      }
      return;
    }
    looking = false;
    lookedAt();
    const line = Buffer.concat(state.chunks).subarray(0, seen + newline).toString('utf8');
    const id = initializeId(line);
    if (id === undefined) return;
    state.answered = id;
    const params = (JSON.parse(line) as { params: { protocolVersion: unknown } }).params;
    output.write(`${JSON.stringify({ jsonrpc: '2.0', id, result: initializeResult(params.protocolVersion, instructions()) })}\n`);
  };
  const onEnd = () => {
    state.ended = true;
    lookedAt();
  };
  input.on('data', onData);
  input.on('end', onEnd);
  return {
    firstLine,
    handOver() {
      input.off('data', onData);
      input.off('end', onEnd);
      input.pause();
      return state;
    },
  };
}

/** The id of a line that is a well-formed `initialize` request, else undefined. */
function initializeId(line: string): string | number | undefined {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(message) || message.jsonrpc !== '2.0' || message.method !== 'initialize') return undefined;
  const { id, params } = message;
  if (!(typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id)))) return undefined;
  if (!isObject(params) || typeof params.protocolVersion !== 'string' || !isObject(params.capabilities)) return undefined;
  const client = params.clientInfo;
  if (!isObject(client) || typeof client.name !== 'string' || typeof client.version !== 'string') return undefined;
  return id;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
