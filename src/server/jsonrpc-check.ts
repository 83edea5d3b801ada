/** An id as it may appear on the wire in a reply: what the sender used, or null when none can be read. */
export type WireId = string | number | null;

const EXAMPLE = 'Expected one JSON-RPC 2.0 message per line, e.g. {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}.';
const REQUEST_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);
const RESPONSE_KEYS = new Set(['jsonrpc', 'id', 'result', 'error']);

/**
 * Why a parsed value is not a JSON-RPC message MCP accepts, in one sentence with an example:
 * the first problem found, in the order a reader would check them.
 */
export function describeInvalidMessage(value: unknown): string {
  return `${firstProblem(value)}. ${EXAMPLE}`;
}

function firstProblem(value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `expected a JSON object, got ${kind(value)}`;
  const m = value as Record<string, unknown>;
  if (m.jsonrpc !== '2.0') return `"jsonrpc" must be "2.0", got ${'jsonrpc' in m ? show(m.jsonrpc) : 'nothing'}`;
  if ('id' in m && !(typeof m.id === 'string' || (typeof m.id === 'number' && Number.isInteger(m.id)))) {
    return `"id" must be a string or an integer, got ${show(m.id)}`;
  }
  if ('method' in m) {
    if (typeof m.method !== 'string') return `"method" must be a string, got ${show(m.method)}`;
    if ('params' in m && (typeof m.params !== 'object' || m.params === null || Array.isArray(m.params))) return `"params" must be an object, got ${show(m.params)}`;
    const extra = Object.keys(m).filter((k) => !REQUEST_KEYS.has(k));
    if (extra.length > 0) return `unexpected member${extra.length > 1 ? 's' : ''} ${extra.map((k) => JSON.stringify(k)).join(', ')} (a request has only jsonrpc, id, method and params)`;
    return 'its "params" do not have the shape JSON-RPC requires';
  }
  if ('result' in m || 'error' in m) {
    if ('result' in m && !('id' in m)) return 'a response needs the "id" of the request it answers';
    if ('result' in m && (typeof m.result !== 'object' || m.result === null || Array.isArray(m.result))) return `"result" must be an object, got ${show(m.result)}`;
    if ('error' in m) {
      const e = m.error as Record<string, unknown> | null;
      if (typeof e !== 'object' || e === null || !Number.isInteger(e.code) || typeof e.message !== 'string') return `"error" must be {"code": integer, "message": string}, got ${show(m.error)}`;
    }
    const extra = Object.keys(m).filter((k) => !RESPONSE_KEYS.has(k));
    if (extra.length > 0) return `unexpected member${extra.length > 1 ? 's' : ''} ${extra.map((k) => JSON.stringify(k)).join(', ')} (a response has only jsonrpc, id and result or error)`;
    return 'a response has either "result" or "error", not both';
  }
  return 'expected "method" (a request or notification) or "result"/"error" (a response), got neither';
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${kind(value)} (${text.slice(0, 57)}...)` : text;
}

/**
 * The top-level "id" of a JSON object read from its text without parsing all of it: for a message
 * that is too large to parse or not valid JSON, so that the error can still go to the right request.
 * Undefined when the text does not show one before it ends or breaks.
 */
export function readTopLevelId(text: string): WireId | undefined {
  let i = skipSpace(text, 0);
  if (text[i] !== '{') return undefined;
  i++;
  for (;;) {
    i = skipSpace(text, i);
    if (text[i] !== '"') return undefined;
    const keyEnd = stringEnd(text, i);
    if (keyEnd < 0) return undefined;
    const key = parseOr(text.slice(i, keyEnd), undefined);
    i = skipSpace(text, keyEnd);
    if (text[i] !== ':') return undefined;
    i = skipSpace(text, i + 1);
    if (key === 'id') return readIdValue(text, i);
    i = skipValue(text, i);
    if (i < 0) return undefined;
    i = skipSpace(text, i);
    if (text[i] !== ',') return undefined;
    i++;
  }
}

function readIdValue(text: string, i: number): WireId | undefined {
  if (text[i] === '"') {
    const end = stringEnd(text, i);
    return end < 0 ? undefined : parseOr<string | undefined>(text.slice(i, end), undefined);
  }
  const match = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?=[\s,}])/.exec(text.slice(i, i + 40));
  if (match) return Number(match[0]);
  return text.startsWith('null', i) ? null : undefined;
}

/** Index just past the end of the value starting at i, or -1 when the text ends first. */
function skipValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return stringEnd(text, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const d = text[j];
      if (d === '"') {
        j = stringEnd(text, j) - 1;
        if (j < 0) return -1;
      } else if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  const end = text.slice(i).search(/[\s,}\]]/);
  return end <= 0 ? -1 : i + end;
}

/** Index just past the closing quote of the string starting at i, or -1. */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') j++;
    else if (c === '"') return j + 1;
  }
  return -1;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  return i;
}

function parseOr<T>(json: string, fallback: T): T {
  try {
    return JSON.parse(json) as T;
  } catch {
    return fallback;
  }
}
