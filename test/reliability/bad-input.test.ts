/**
 * The bad-input matrix, end to end through the embedded API Gateway (authorizer, proxy integration,
 * Lambda execution environment): every row is one bad (or borderline) request with the status and
 * body it must get, and whether it reaches the function at all. After each row the SAME execution
 * environment serves the next good request: `ping` reports the same log stream (one stream per
 * environment) and the pool has not started, lost or replaced an environment.
 *
 * Expected answers were observed first, then checked against the specs they come from:
 * - JSON-RPC 2.0 (https://www.jsonrpc.org/specification): -32700 parse error, -32600 invalid
 *   request (id null when it cannot be read), -32601 method not found, -32602 invalid params; no
 *   response to a notification.
 * - MCP Streamable HTTP, 2025-era (basic/transports): POST only, 405 for GET/DELETE on a server
 *   without a stream, 202 with no body for notifications and responses, Accept must list both
 *   application/json and text/event-stream (406), JSON bodies only (415), an unsupported
 *   MCP-Protocol-Version → 400, no header → assume 2025-03-26; request ids are strings or integers,
 *   never null (basic, "Requests"); unknown tools are protocol errors (-32602) while argument
 *   validation failures are tool execution errors (isError) the model can correct (server/tools,
 *   "Error Handling", 2025-11-25). JSON-RPC batches exist in 2025-03-26 only, so batch rows use it.
 * - MCP 2026-07-28: Mcp-Method/Mcp-Name headers that are missing or disagree with the body are a
 *   HeaderMismatch (-32020, HTTP 400); batches are refused (-32600); an unknown method is 404 with
 *   -32601 (the 2025 eras answer it 200).
 * - API Gateway: 10 MB payload limit → 413 `{"message":"Request Too Long"}`; unknown resources →
 *   403 `{"message":"Missing Authentication Token"}` (see emulator/gateway/gateway-responses.ts).
 * - HTTP/1.1 framing (RFC 9112): CR/LF/NUL in a field value, obs-fold, whitespace before the colon,
 *   Content-Length with Transfer-Encoding, conflicting Content-Lengths and a missing Host are
 *   rejected with 400 before any routing (§2.2, §3.2, §5.1, §5.2, §6.3); nothing reaches the
 *   authorizer or the function.
 */
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  PROTOCOL_VERSION_META_KEY,
} from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStack } from '../../emulator/stack.ts';
import { callTool, pingResult } from '../support/mcp-http.ts';
import { startTestStack } from '../support/stack.ts';
import { httpRequest, rawHttp } from './support/raw-http.ts';
import {
  LEGACY_PROTOCOL,
  MODERN_PROTOCOL as MODERN,
  PROTOCOL_2025_03_26 as BATCH_ERA,
  nextRequestId,
} from '../support/mcp-protocol.ts';

const ACCEPT_BOTH = 'application/json, text/event-stream';
const TEN_MB = 10 * 1024 * 1024;

interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  readonly json: unknown;
}

interface JsonRpcBody {
  jsonrpc?: unknown;
  id?: unknown;
  result?: {
    isError?: boolean;
    content?: Array<{ type: string; text?: string }>;
    structuredContent?: Record<string, unknown>;
    tools?: unknown[];
  };
  error?: { code?: unknown; message?: unknown };
}

/** Everything a row may need to build its request. */
interface Target {
  readonly endpoint: string;
  readonly token: string;
}

type Send =
  | {
      readonly kind: 'http';
      readonly method?: string;
      /** Header changes; undefined removes a default header. */
      readonly headers?: Readonly<Record<string, string | undefined>>;
      readonly body?: unknown;
      /** Appended to the /mcp endpoint URL (e.g. a query string or a sub-path). */
      readonly suffix?: string;
    }
  | { readonly kind: 'raw'; readonly build: (target: Target) => Buffer };

interface Row {
  readonly name: string;
  readonly send: Send;
  readonly status: number;
  /** The JSON-RPC error code, or another one-word summary for the printed table. */
  readonly summary: string;
  readonly check: (answer: Answer) => void;
  /** Whether the request reaches the MCP function (false: the gateway or the HTTP parser answers). */
  readonly reachesFunction: boolean;
}

// ---------------------------------------------------------------------------------------------
// Expectations

function body(answer: Answer): JsonRpcBody {
  expect(answer.json, `not JSON: ${answer.text.slice(0, 300)}`).toBeTypeOf('object');
  return answer.json as JsonRpcBody;
}

function jsonContentType(answer: Answer): void {
  expect(answer.headers['content-type'] ?? '').toMatch(/^application\/json\b/);
}

function rpcError(code: number, options: { id?: unknown; message?: RegExp } = {}): (answer: Answer) => void {
  return (answer) => {
    jsonContentType(answer);
    const parsed = body(answer);
    expect(parsed.jsonrpc).toBe('2.0');
    expect(parsed.result).toBeUndefined();
    expect(parsed.error?.code).toBe(code);
    expect(parsed.error?.message).toBeTypeOf('string');
    if (options.message) expect(parsed.error?.message).toMatch(options.message);
    if ('id' in options) expect(parsed.id).toEqual(options.id);
  };
}

function toolError(field: string, rule?: RegExp): (answer: Answer) => void {
  return (answer) => {
    const parsed = body(answer);
    expect(parsed.error).toBeUndefined();
    expect(parsed.result?.isError).toBe(true);
    const text = parsed.result?.content?.[0]?.text ?? '';
    expect(text).toMatch(new RegExp(`Input validation error.*\\b${field}\\b`));
    if (rule) expect(text).toMatch(rule);
  };
}

function result(id: unknown, check: (parsed: JsonRpcBody) => void = () => undefined): (answer: Answer) => void {
  return (answer) => {
    jsonContentType(answer);
    const parsed = body(answer);
    expect(parsed.error).toBeUndefined();
    expect(parsed.result).toBeTypeOf('object');
    expect(parsed.id).toEqual(id);
    check(parsed);
  };
}

function gatewayMessage(message: string): (answer: Answer) => void {
  return (answer) => {
    jsonContentType(answer);
    expect(answer.json).toEqual({ message });
  };
}

function emptyBody(answer: Answer): void {
  expect(answer.text).toBe('');
}

/** Node's HTTP parser answers malformed requests itself: bare 400, no body, connection closed. */
function parserRejected(answer: Answer): void {
  expect(answer.text).toBe('');
  expect(answer.headers.connection).toBe('close');
  expect(answer.headers['x-amzn-requestid']).toBeUndefined();
}

function methodNotAllowed(answer: Answer): void {
  expect(answer.headers.allow).toBe('POST');
  rpcError(-32600, { id: null, message: /POST only/ })(answer);
}

// ---------------------------------------------------------------------------------------------
// Requests

function request(
  method: string,
  params?: Record<string, unknown>,
  id: unknown = nextRequestId(),
): Record<string, unknown> {
  return { jsonrpc: '2.0', id, method, ...(params ? { params } : {}) };
}
function toolCall(name: string, args: unknown, id: unknown = nextRequestId()): Record<string, unknown> {
  return request('tools/call', { name, arguments: args }, id);
}
function post(payload: unknown, headers: Readonly<Record<string, string | undefined>> = {}): Send {
  return { kind: 'http', body: payload, headers };
}
function batch(messages: unknown[]): Send {
  return post(messages, { 'mcp-protocol-version': BATCH_ERA });
}

/** A raw POST to the stage's /mcp resource with a valid token, plus the given header lines. */
function rawPost(
  headerLines: (target: Target) => string[],
  options: { target?: string; host?: string | null; body?: string } = {},
): Send {
  return {
    kind: 'raw',
    build: (target) =>
      httpRequest({
        target: options.target ?? new URL(target.endpoint).pathname,
        host: options.host === undefined ? new URL(target.endpoint).host : options.host,
        headerLines: headerLines(target),
        body: options.body ?? JSON.stringify(request('tools/list')),
      }),
  };
}
const standardLines = (target: Target): string[] => [
  `Authorization: Bearer ${target.token}`,
  'Content-Type: application/json',
  `Accept: ${ACCEPT_BOTH}`,
  'MCP-Protocol-Version: 2025-11-25',
];

const ENVELOPE_2026 = {
  [PROTOCOL_VERSION_META_KEY]: MODERN,
  [CLIENT_INFO_META_KEY]: { name: 'bad-input', version: '1.0.0' },
  [CLIENT_CAPABILITIES_META_KEY]: {},
};
/** A 2026-07-28 request (per-request `_meta` envelope) and the standard headers a conforming client sends with it. */
function modern(
  method: string,
  params: Record<string, unknown>,
  headers: Record<string, string | undefined> = {},
): Send {
  const name = typeof params.name === 'string' ? params.name : undefined;
  return post(request(method, { ...params, _meta: ENVELOPE_2026 }, 'x-1'), {
    'mcp-protocol-version': MODERN,
    'mcp-method': method,
    ...(name === undefined ? {} : { 'mcp-name': name }),
    ...headers,
  });
}

const nested = (depth: number, open: string, inner: string, close: string): string =>
  `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

// ---------------------------------------------------------------------------------------------
// The matrix

const LIST_TOOLS = JSON.stringify(request('tools/list', undefined, 1));

const ROWS: Row[] = [
  // --- malformed JSON: 400 -32700, id null ------------------------------------------------------
  {
    name: 'truncated JSON',
    send: post(LIST_TOOLS.slice(0, 30)),
    status: 400,
    summary: '-32700',
    check: rpcError(-32700, { id: null, message: /Parse error/ }),
    reachesFunction: true,
  },
  {
    name: 'malformed JSON (unquoted keys)',
    send: post('{jsonrpc: "2.0", id: 1, method: "tools/list"}'),
    status: 400,
    summary: '-32700',
    check: rpcError(-32700, { id: null }),
    reachesFunction: true,
  },
  {
    name: 'empty body',
    send: post(''),
    status: 400,
    summary: '-32700',
    check: rpcError(-32700, { id: null }),
    reachesFunction: true,
  },
  {
    name: 'whitespace-only body',
    send: post(' \r\n\t '),
    status: 400,
    summary: '-32700',
    check: rpcError(-32700, { id: null }),
    reachesFunction: true,
  },
  {
    name: 'trailing garbage after a valid request',
    send: post(`${LIST_TOOLS} xyz`),
    status: 400,
    summary: '-32700',
    check: rpcError(-32700, { id: null }),
    reachesFunction: true,
  },
  {
    name: 'UTF-8 byte order mark before a 2025-era request (RFC 8259 §8.1: may be ignored)',
    send: post(`\uFEFF${JSON.stringify(request('tools/list', undefined, 'bom'))}`),
    status: 200,
    summary: 'result',
    check: (answer) => {
      jsonContentType(answer);
      expect(body(answer).id).toBe('bom');
      expect(body(answer).result?.tools?.length).toBeGreaterThan(0);
    },
    reachesFunction: true,
  },
  {
    name: 'two concatenated requests (not a batch)',
    send: post(`${LIST_TOOLS}${LIST_TOOLS}`),
    status: 400,
    summary: '-32700',
    check: rpcError(-32700, { id: null }),
    reachesFunction: true,
  },
  {
    name: 'invalid UTF-8 byte outside a string',
    send: post(Buffer.concat([Buffer.from(LIST_TOOLS.slice(0, -1)), Buffer.from([0xff]), Buffer.from('}')])),
    status: 400,
    summary: '-32700',
    check: rpcError(-32700, { id: null }),
    reachesFunction: true,
  },

  // --- valid JSON, not a valid JSON-RPC request: 400 -32600 -------------------------------------
  {
    name: 'JSON null',
    send: post('null'),
    status: 400,
    summary: '-32600',
    check: rpcError(-32600, { id: null }),
    reachesFunction: true,
  },
  {
    name: 'JSON number',
    send: post('42'),
    status: 400,
    summary: '-32600',
    check: rpcError(-32600, { id: null }),
    reachesFunction: true,
  },
  {
    name: 'JSON string',
    send: post('"tools/list"'),
    status: 400,
    summary: '-32600',
    check: rpcError(-32600, { id: null }),
    reachesFunction: true,
  },
  {
    name: 'object that is not JSON-RPC',
    send: post({ hello: 'world' }),
    status: 400,
    summary: '-32600',
    check: rpcError(-32600, { id: null, message: /not a valid JSON-RPC message/ }),
    reachesFunction: true,
  },
  {
    name: 'arrays nested 10,000 deep',
    send: post(nested(10_000, '[', '', ']')),
    status: 400,
    summary: '-32600',
    check: rpcError(-32600, { id: null }),
    reachesFunction: true,
  },
  {
    name: 'objects nested 10,000 deep',
    send: post(nested(10_000, '{"a":', '1', '}')),
    status: 400,
    summary: '-32600',
    check: rpcError(-32600, { id: null }),
    reachesFunction: true,
  },
  {
    name: 'jsonrpc "1.0"',
    send: post({ jsonrpc: '1.0', id: 7, method: 'tools/list' }),
    status: 400,
    summary: '-32600',
    check: rpcError(-32600, { id: 7 }),
    reachesFunction: true,
  },
  {
    name: 'jsonrpc member missing',
    send: post({ id: 7, method: 'tools/list' }),
    status: 400,
    summary: '-32600',
    check: rpcError(-32600, { id: 7 }),
    reachesFunction: true,
  },
  {
    name: 'jsonrpc as the number 2.0',
    send: post('{"jsonrpc":2.0,"id":7,"method":"tools/list"}'),
    status: 400,
    summary: '-32600',
    check: rpcError(-32600, { id: 7 }),
    reachesFunction: true,
  },
  {
    name: 'id null (MCP: ids are never null)',
    send: post(request('tools/list', undefined, null)),
    status: 400,
    summary: '-32600',
    check: rpcError(-32600, { id: null }),
    reachesFunction: true,
  },
  {
    name: 'id is an object',
    send: post(request('tools/list', undefined, { a: 1 })),
    status: 400,
    summary: '-32600',
    check: rpcError(-32600, { id: null }),
    reachesFunction: true,
  },
  {
    name: 'id is a boolean',
    send: post(request('tools/list', undefined, true)),
    status: 400,
    summary: '-32600',
    check: rpcError(-32600, { id: null }),
    reachesFunction: true,
  },
  {
    name: 'id is fractional (MCP: string or integer)',
    send: post(request('tools/list', undefined, 1.5)),
    status: 400,
    summary: '-32600',
    check: rpcError(-32600),
    reachesFunction: true,
  },
  {
    name: 'method is a number',
    send: post({ jsonrpc: '2.0', id: 7, method: 42 }),
    status: 400,
    summary: '-32600',
    check: rpcError(-32600),
    reachesFunction: true,
  },
  {
    name: 'params is an array (MCP: params are an object)',
    send: post({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: ['ping'] }),
    status: 400,
    summary: '-32600',
    check: rpcError(-32600, { id: 7 }),
    reachesFunction: true,
  },
  {
    name: 'both method and result',
    send: post({ jsonrpc: '2.0', id: 7, method: 'tools/list', result: {} }),
    status: 400,
    summary: '-32600',
    check: rpcError(-32600, { id: 7 }),
    reachesFunction: true,
  },

  // --- messages that get no response: 202, empty body ------------------------------------------
  {
    name: 'request without id (a notification: no response)',
    send: post({ jsonrpc: '2.0', method: 'tools/list' }),
    status: 202,
    summary: 'empty',
    check: emptyBody,
    reachesFunction: true,
  },
  {
    name: 'a JSON-RPC result sent by the client',
    send: post({ jsonrpc: '2.0', id: 7, result: {} }),
    status: 202,
    summary: 'empty',
    check: emptyBody,
    reachesFunction: true,
  },
  {
    name: 'a JSON-RPC error sent by the client',
    send: post({ jsonrpc: '2.0', id: 7, error: { code: -1, message: 'x' } }),
    status: 202,
    summary: 'empty',
    check: emptyBody,
    reachesFunction: true,
  },

  // --- unknown methods: 200 -32601 with the request id -----------------------------------------
  {
    name: 'unknown method (2025-11-25)',
    send: post(request('tools/explode', undefined, 'm-1')),
    status: 200,
    summary: '-32601',
    check: rpcError(-32601, { id: 'm-1', message: /Method not found/ }),
    reachesFunction: true,
  },
  {
    name: 'method "__proto__"',
    send: post(request('__proto__', undefined, 'm-2')),
    status: 200,
    summary: '-32601',
    check: rpcError(-32601, { id: 'm-2' }),
    reachesFunction: true,
  },
  {
    name: 'method "constructor"',
    send: post(request('constructor', undefined, 'm-3')),
    status: 200,
    summary: '-32601',
    check: rpcError(-32601, { id: 'm-3' }),
    reachesFunction: true,
  },
  {
    name: 'method name with a NUL character',
    send: post(request('tools/list\u0000', undefined, 'm-4')),
    status: 200,
    summary: '-32601',
    check: rpcError(-32601, { id: 'm-4' }),
    reachesFunction: true,
  },

  // --- ids ---------------------------------------------------------------------------------------
  {
    name: 'duplicate "id" member (RFC 8259: last one wins in ECMAScript)',
    send: post('{"jsonrpc":"2.0","id":1,"id":2,"method":"tools/list"}'),
    status: 200,
    summary: 'result',
    check: result(2),
    reachesFunction: true,
  },
  {
    name: 'id with unicode and control characters, echoed exactly',
    send: post(request('ping', undefined, 'ü-🚀-\u0001-\u202e-"\\')),
    status: 200,
    summary: 'result',
    check: result('ü-🚀-\u0001-\u202e-"\\'),
    reachesFunction: true,
  },

  // --- batches (JSON-RPC 2.0 §6; MCP 2025-03-26 only) ------------------------------------------
  {
    name: 'empty batch',
    send: batch([]),
    status: 400,
    summary: '-32600',
    check: rpcError(-32600, { id: null, message: /empty/ }),
    reachesFunction: true,
  },
  {
    name: 'mixed batch: a valid request and an invalid message',
    send: batch([request('tools/list'), { foo: 1 }]),
    status: 400,
    summary: '-32600',
    check: rpcError(-32600, { id: null }),
    reachesFunction: true,
  },
  {
    name: 'oversized batch (101 messages)',
    send: batch(Array.from({ length: 101 }, (_, i) => request('ping', undefined, i))),
    status: 400,
    summary: '-32600',
    check: rpcError(-32600, { id: null, message: /100/ }),
    reachesFunction: true,
  },
  {
    name: 'batch of 100 requests (the largest accepted): one response each, in order',
    send: batch(Array.from({ length: 100 }, (_, i) => request('ping', undefined, i))),
    status: 200,
    summary: 'array',
    check: (answer) => {
      jsonContentType(answer);
      expect(Array.isArray(answer.json)).toBe(true);
      expect((answer.json as JsonRpcBody[]).map((m) => m.id)).toEqual(Array.from({ length: 100 }, (_, i) => i));
      for (const message of answer.json as JsonRpcBody[]) expect(message.result).toEqual({});
    },
    reachesFunction: true,
  },
  {
    name: 'batch of notifications only',
    send: batch([
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } },
    ]),
    status: 202,
    summary: 'empty',
    check: emptyBody,
    reachesFunction: true,
  },
  {
    name: 'batch under 2025-11-25 (batches were removed in 2025-06-18)',
    send: post([request('ping', undefined, 1), request('ping', undefined, 2)], {
      'mcp-protocol-version': LEGACY_PROTOCOL,
    }),
    status: 400,
    summary: '-32600',
    check: rpcError(-32600, { id: null, message: /no JSON-RPC batches/ }),
    reachesFunction: true,
  },
  {
    name: 'batch with two requests sharing an id (one answer would be lost)',
    send: batch([request('ping', undefined, 7), request('tools/list', undefined, 7)]),
    status: 400,
    summary: '-32600',
    check: rpcError(-32600, { id: null, message: /unique/ }),
    reachesFunction: true,
  },
  {
    name: 'batch of a request and a notification: answered with an array of one (JSON-RPC 2.0 §6)',
    send: batch([request('ping', undefined, 'only'), { jsonrpc: '2.0', method: 'notifications/initialized' }]),
    status: 200,
    summary: 'array of 1',
    check: (answer) => {
      jsonContentType(answer);
      expect(answer.json).toEqual([{ jsonrpc: '2.0', id: 'only', result: {} }]);
    },
    reachesFunction: true,
  },
  {
    name: 'batch with an initialize request (it must be sent alone)',
    send: batch([
      request('initialize', {
        protocolVersion: BATCH_ERA,
        capabilities: {},
        clientInfo: { name: 'bad-input', version: '1' },
      }),
      request('tools/list'),
    ]),
    status: 400,
    summary: '-32600',
    check: rpcError(-32600, { id: null, message: /initialization/ }),
    reachesFunction: true,
  },

  // --- tool calls -------------------------------------------------------------------------------
  {
    name: 'unknown tool (a protocol error, not isError)',
    send: post(toolCall('no_such_tool', {}, 't-1')),
    status: 200,
    summary: '-32602',
    check: rpcError(-32602, { id: 't-1', message: /no_such_tool/ }),
    reachesFunction: true,
  },
  {
    name: 'tool named "toString" (an Object.prototype member)',
    send: post(toolCall('toString', {}, 't-2')),
    status: 200,
    summary: '-32602',
    check: rpcError(-32602, { id: 't-2', message: /toString/ }),
    reachesFunction: true,
  },
  {
    name: 'tool call without a name',
    send: post(request('tools/call', { arguments: {} }, 't-3')),
    status: 200,
    summary: '-32602',
    check: rpcError(-32602, { id: 't-3', message: /name/ }),
    reachesFunction: true,
  },
  {
    name: 'tool arguments as an array',
    send: post(toolCall('text_stats', ['hello'], 't-4')),
    status: 200,
    summary: '-32602',
    check: rpcError(-32602, { id: 't-4', message: /arguments/ }),
    reachesFunction: true,
  },
  {
    name: 'missing required argument',
    send: post(toolCall('lookup_region', {})),
    status: 200,
    summary: 'isError',
    check: toolError('code'),
    reachesFunction: true,
  },
  {
    name: 'wrong-typed argument',
    send: post(toolCall('text_stats', { text: 42 })),
    status: 200,
    summary: 'isError',
    check: toolError('text', /expected string/),
    reachesFunction: true,
  },
  {
    name: 'argument failing its pattern',
    send: post(toolCall('lookup_region', { code: "eu-west-1'; DROP TABLE" })),
    status: 200,
    summary: 'isError',
    check: toolError('code', /AWS region code/),
    reachesFunction: true,
  },
  {
    name: 'number argument overflowing to Infinity (1e999)',
    send: post(
      '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"text_stats","arguments":{"text":"a","top":1e999}}}',
    ),
    status: 200,
    summary: 'isError',
    check: toolError('top'),
    reachesFunction: true,
  },
  {
    name: 'string argument over its 200,000-character limit',
    send: post(toolCall('text_stats', { text: 'a'.repeat(200_001) })),
    status: 200,
    summary: 'isError',
    check: toolError('text', /200000/),
    reachesFunction: true,
  },
  {
    name: 'argument nested 10,000 deep',
    send: post(
      `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"text_stats","arguments":{"text":"a","top":${nested(10_000, '{"a":', '1', '}')}}}}`,
    ),
    status: 200,
    summary: 'isError',
    check: toolError('top'),
    reachesFunction: true,
  },
  {
    // The input schema allows additional properties (no `additionalProperties: false`), so they are ignored.
    name: 'extra argument (ignored; the schema allows additional properties)',
    send: post(toolCall('lookup_region', { code: 'eu-west-1', extra: true }, 't-5')),
    status: 200,
    summary: 'result',
    check: result('t-5', (parsed) => expect(parsed.result?.structuredContent).toMatchObject({ code: 'eu-west-1' })),
    reachesFunction: true,
  },
  {
    name: '"__proto__" member in the arguments (no prototype pollution)',
    send: post(
      '{"jsonrpc":"2.0","id":"t-6","method":"tools/call","params":{"name":"text_stats","arguments":{"text":"a b","__proto__":{"polluted":1,"top":1}}}}',
    ),
    status: 200,
    summary: 'result',
    check: result('t-6', (parsed) => {
      expect(parsed.result?.structuredContent).toMatchObject({ words: 2 });
      expect((parsed.result?.structuredContent?.topWords as unknown[]).length).toBe(2);
      expect(JSON.stringify(parsed)).not.toContain('polluted');
    }),
    reachesFunction: true,
  },

  // --- unicode and control characters ------------------------------------------------------------
  {
    // Words are runs of letters and digits: the combining accent ends "e" (grüße, 日本語, e, abc).
    name: 'emoji, CJK, combining marks and a right-to-left override in a string argument',
    send: post(toolCall('text_stats', { text: 'Grüße 🚀 日本語 e\u0301 \u202eabc' }, 'u-1')),
    status: 200,
    summary: 'result',
    check: result('u-1', (parsed) =>
      expect(parsed.result?.structuredContent).toMatchObject({ characters: 19, words: 4 }),
    ),
    reachesFunction: true,
  },
  {
    name: 'control characters (NUL, BEL, ESC, DEL, CR) in a string argument',
    send: post(toolCall('text_stats', { text: 'a\u0000b\u0007c\u001bd\u007fe\rf' }, 'u-2')),
    status: 200,
    summary: 'result',
    check: result('u-2', (parsed) => expect(parsed.result?.structuredContent).toMatchObject({ characters: 11 })),
    reachesFunction: true,
  },
  {
    name: 'lone surrogate escape (\\ud800) in a string argument',
    send: post(
      '{"jsonrpc":"2.0","id":"u-3","method":"tools/call","params":{"name":"text_stats","arguments":{"text":"x\\ud800y"}}}',
    ),
    status: 200,
    summary: 'result',
    check: result('u-3', (parsed) => expect(parsed.result?.structuredContent).toMatchObject({ characters: 3 })),
    reachesFunction: true,
  },
  {
    name: 'query string with NUL, CRLF and unicode (ignored by the MCP route)',
    send: {
      kind: 'http',
      body: request('tools/list', undefined, 'u-4'),
      suffix: '?x=%00%0d%0a&%F0%9F%9A%80=%E2%80%AE',
    },
    status: 200,
    summary: 'result',
    check: result('u-4'),
    reachesFunction: true,
  },
  {
    name: 'unicode path below /mcp (no such resource)',
    send: { kind: 'http', body: LIST_TOOLS, suffix: '/%F0%9F%9A%80' },
    status: 403,
    summary: 'gateway',
    check: gatewayMessage('Missing Authentication Token'),
    reachesFunction: false,
  },

  // --- 2026-07-28 requests: the gateway passes the standard headers through unchanged ---------------
  {
    name: '2026-07-28: Mcp-Method header disagreeing with the body',
    send: modern('tools/call', { name: 'ping', arguments: {} }, { 'mcp-method': 'tools/list' }),
    status: 400,
    summary: '-32020',
    check: rpcError(-32020, { id: 'x-1', message: /disagree/ }),
    reachesFunction: true,
  },
  {
    name: '2026-07-28: Mcp-Name header missing on tools/call',
    send: modern('tools/call', { name: 'ping', arguments: {} }, { 'mcp-name': undefined }),
    status: 400,
    summary: '-32020',
    check: rpcError(-32020, { id: 'x-1' }),
    reachesFunction: true,
  },
  {
    // Unlike the 2025-era 200 above: the 2026-07-28 transport says a server that does not implement
    // the method MUST answer 404 with -32601 (basic/transports/streamable-http, "Protocol Version
    // Header"), so a 2026 client tells it apart from a legacy server without the endpoint; the SDK
    // (@modelcontextprotocol/server 2.4, LADDER_ERROR_HTTP_STATUS) maps -32601 to 404 for this era.
    name: '2026-07-28: unknown method (404, the spec’s MUST)',
    send: modern('tools/explode', {}),
    status: 404,
    summary: '-32601',
    check: rpcError(-32601, { id: 'x-1', message: /Method not found/ }),
    reachesFunction: true,
  },
  {
    name: '2026-07-28: a JSON-RPC batch (not allowed on this revision)',
    send: post([request('tools/list', { _meta: ENVELOPE_2026 }), request('ping', { _meta: ENVELOPE_2026 })], {
      'mcp-protocol-version': MODERN,
      'mcp-method': 'tools/list',
    }),
    status: 400,
    summary: '-32600',
    check: rpcError(-32600, { id: null, message: /batch/ }),
    reachesFunction: true,
  },

  // --- Content-Type, Accept, MCP-Protocol-Version ------------------------------------------------
  {
    name: 'Content-Type missing',
    send: post(LIST_TOOLS, { 'content-type': undefined }),
    status: 415,
    summary: '-32000',
    check: rpcError(-32000, { message: /Unsupported Media Type/ }),
    reachesFunction: true,
  },
  {
    name: 'Content-Type: text/plain',
    send: post(LIST_TOOLS, { 'content-type': 'text/plain' }),
    status: 415,
    summary: '-32000',
    check: rpcError(-32000, { message: /Unsupported Media Type/ }),
    reachesFunction: true,
  },
  {
    name: 'Content-Type: application/x-www-form-urlencoded',
    send: post('a=b', { 'content-type': 'application/x-www-form-urlencoded' }),
    status: 415,
    summary: '-32000',
    check: rpcError(-32000),
    reachesFunction: true,
  },
  {
    name: 'Content-Type: application/json; charset=utf-8 (accepted)',
    send: post(LIST_TOOLS, { 'content-type': 'application/json; charset=utf-8' }),
    status: 200,
    summary: 'result',
    check: result(1),
    reachesFunction: true,
  },
  {
    name: 'Accept missing',
    send: post(LIST_TOOLS, { accept: undefined }),
    status: 406,
    summary: '-32000',
    check: rpcError(-32000, { message: /Not Acceptable/ }),
    reachesFunction: true,
  },
  {
    name: 'Accept: application/json only',
    send: post(LIST_TOOLS, { accept: 'application/json' }),
    status: 406,
    summary: '-32000',
    check: rpcError(-32000, { message: /Not Acceptable/ }),
    reachesFunction: true,
  },
  // The 2025 transport spec says the client MUST list both types; the SDK reads that literally.
  {
    name: 'Accept: */* (does not list both types)',
    send: post(LIST_TOOLS, { accept: '*/*' }),
    status: 406,
    summary: '-32000',
    check: rpcError(-32000, { message: /Not Acceptable/ }),
    reachesFunction: true,
  },
  {
    name: 'Accept: text/html',
    send: post(LIST_TOOLS, { accept: 'text/html' }),
    status: 406,
    summary: '-32000',
    check: rpcError(-32000),
    reachesFunction: true,
  },
  {
    name: 'unsupported MCP-Protocol-Version',
    send: post(LIST_TOOLS, { 'mcp-protocol-version': '1999-01-01' }),
    status: 400,
    summary: '-32000',
    check: rpcError(-32000, { message: /Unsupported protocol version: 1999-01-01/ }),
    reachesFunction: true,
  },
  {
    name: 'MCP-Protocol-Version missing (assumed 2025-03-26)',
    send: post(LIST_TOOLS, { 'mcp-protocol-version': undefined }),
    status: 200,
    summary: 'result',
    check: result(1),
    reachesFunction: true,
  },

  // --- HTTP methods other than POST: 405, Allow: POST ----------------------------------------------
  // GET and DELETE are answered by API Gateway itself (a MOCK integration in terraform/api_gateway.tf).
  {
    name: 'GET',
    send: { kind: 'http', method: 'GET', headers: { accept: 'text/event-stream' } },
    status: 405,
    summary: '-32600',
    check: methodNotAllowed,
    reachesFunction: false,
  },
  {
    name: 'DELETE',
    send: { kind: 'http', method: 'DELETE' },
    status: 405,
    summary: '-32600',
    check: methodNotAllowed,
    reachesFunction: false,
  },
  {
    name: 'PUT with a JSON-RPC body',
    send: { kind: 'http', method: 'PUT', body: LIST_TOOLS },
    status: 405,
    summary: '-32600',
    check: methodNotAllowed,
    reachesFunction: true,
  },
  {
    name: 'PATCH with a JSON-RPC body',
    send: { kind: 'http', method: 'PATCH', body: LIST_TOOLS },
    status: 405,
    summary: '-32600',
    check: methodNotAllowed,
    reachesFunction: true,
  },
  {
    name: 'OPTIONS (no CORS preflight answer)',
    send: { kind: 'http', method: 'OPTIONS' },
    status: 405,
    summary: '-32600',
    check: methodNotAllowed,
    reachesFunction: true,
  },
  {
    name: 'HEAD (405 without a body)',
    send: { kind: 'http', method: 'HEAD' },
    status: 405,
    summary: 'empty',
    check: (answer) => {
      expect(answer.headers.allow).toBe('POST');
      emptyBody(answer);
    },
    reachesFunction: true,
  },

  // --- size ------------------------------------------------------------------------------------------
  {
    name: 'body over API Gateway’s 10 MB limit',
    send: post(
      `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"text_stats","arguments":{"text":"${'a'.repeat(TEN_MB)}"}}}`,
    ),
    status: 413,
    summary: 'gateway',
    check: gatewayMessage('Request Too Long'),
    reachesFunction: false,
  },

  // --- header injection and HTTP framing (raw socket: fetch refuses these) --------------------------
  {
    name: 'bare LF in a header value (a smuggled second header)',
    send: rawPost((t) => [...standardLines(t), 'X-Test: a\nX-Injected: b']),
    status: 400,
    summary: 'parser',
    check: parserRejected,
    reachesFunction: false,
  },
  {
    name: 'bare CR in a header value',
    send: rawPost((t) => [...standardLines(t), 'X-Test: a\rX-Injected: b']),
    status: 400,
    summary: 'parser',
    check: parserRejected,
    reachesFunction: false,
  },
  {
    name: 'CR inside the Authorization value',
    send: rawPost((t) => [`Authorization: Bearer ${t.token}\rX-Admin: 1`, ...standardLines(t).slice(1)]),
    status: 400,
    summary: 'parser',
    check: parserRejected,
    reachesFunction: false,
  },
  {
    name: 'NUL in a header value',
    send: rawPost((t) => [...standardLines(t), 'X-Test: a\u0000b']),
    status: 400,
    summary: 'parser',
    check: parserRejected,
    reachesFunction: false,
  },
  {
    name: 'obs-fold continuation line',
    send: rawPost((t) => [...standardLines(t), 'X-Test: a', ' X-Injected: b']),
    status: 400,
    summary: 'parser',
    check: parserRejected,
    reachesFunction: false,
  },
  {
    name: 'whitespace between a header name and the colon',
    send: rawPost((t) => [...standardLines(t), 'X-Test : a']),
    status: 400,
    summary: 'parser',
    check: parserRejected,
    reachesFunction: false,
  },
  {
    name: 'Content-Length and Transfer-Encoding together (request smuggling)',
    send: rawPost((t) => [...standardLines(t), 'Transfer-Encoding: chunked', `Content-Length: ${LIST_TOOLS.length}`], {
      body: LIST_TOOLS,
    }),
    status: 400,
    summary: 'parser',
    check: parserRejected,
    reachesFunction: false,
  },
  {
    name: 'two different Content-Length values',
    send: rawPost((t) => [...standardLines(t), `Content-Length: ${LIST_TOOLS.length}`, 'Content-Length: 5'], {
      body: LIST_TOOLS,
    }),
    status: 400,
    summary: 'parser',
    check: parserRejected,
    reachesFunction: false,
  },
  {
    name: 'HTTP/1.1 request without Host',
    send: rawPost(standardLines, { host: null }),
    status: 400,
    summary: 'parser',
    check: parserRejected,
    reachesFunction: false,
  },
  {
    name: 'percent-encoded CRLF in the path (response splitting attempt)',
    send: rawPost(standardLines, { target: '/dev/mcp%0d%0aSet-Cookie:%20x=1' }),
    status: 403,
    summary: 'gateway',
    check: (answer) => {
      gatewayMessage('Missing Authentication Token')(answer);
      expect(answer.headers['set-cookie']).toBeUndefined();
    },
    reachesFunction: false,
  },
  {
    name: 'percent-encoded CRLF in MCP-Protocol-Version (nothing reflected into headers)',
    send: rawPost((t) => [...standardLines(t).slice(0, 3), 'MCP-Protocol-Version: 2025-11-25%0d%0aSet-Cookie: x=1']),
    status: 400,
    summary: '-32000',
    check: (answer) => {
      rpcError(-32000, { message: /Unsupported protocol version/ })(answer);
      expect(answer.headers['set-cookie']).toBeUndefined();
    },
    reachesFunction: true,
  },
  {
    name: 'UTF-8 bytes in a header value (accepted as opaque octets)',
    send: rawPost((t) => [...standardLines(t), `X-Unicode: ${Buffer.from('Grüße 🚀', 'utf8').toString('latin1')}`]),
    status: 200,
    summary: 'result',
    check: (answer) => expect((answer.json as JsonRpcBody).result?.tools?.length).toBeGreaterThan(0),
    reachesFunction: true,
  },
  {
    name: 'Origin: http://evil.example (cross-origin browser request)',
    send: post(LIST_TOOLS, { origin: 'http://evil.example' }),
    status: 403,
    summary: '-32000',
    check: rpcError(-32000, { id: null, message: /Invalid Origin/ }),
    reachesFunction: true,
  },
  {
    name: 'Origin: null (sandboxed or file:// page)',
    send: post(LIST_TOOLS, { origin: 'null' }),
    status: 403,
    summary: '-32000',
    check: rpcError(-32000, { id: null, message: /Invalid Origin/ }),
    reachesFunction: true,
  },
  {
    name: 'Host: evil.example (DNS rebinding)',
    send: rawPost(standardLines, { host: 'evil.example' }),
    status: 403,
    summary: '-32000',
    check: rpcError(-32000, { id: null, message: /Invalid Host/ }),
    reachesFunction: true,
  },
];

// ---------------------------------------------------------------------------------------------

let stack: RunningStack & { token: string };
let environmentStream: string;
const table: Array<{ name: string; status: number; summary: string }> = [];

beforeAll(async () => {
  // The matrix sends two requests per row as fast as the machine allows; on a fast machine that
  // drains the stage's default token bucket (burst 50) and rows would answer 429 instead of their
  // own status. Stage throttling has its own test (emulator/failures.test.ts).
  stack = await startTestStack({ overrides: { throttling_rate_limit: 100_000, throttling_burst_limit: 100_000 } });
  const first = await callTool(stack.endpoint, stack.token, 'ping');
  expect(first.status, first.text).toBe(200);
  environmentStream = pingResult(first).logStream;
  expect(stack.mcp.stats().environments).toBe(1);
});

afterAll(async () => {
  await stack?.stop();
  if (table.length > 0) {
    const width = Math.max(...table.map((row) => row.name.length));
    console.log(
      [
        `[bad-input] ${table.length} cases through the embedded gateway (status, answer):`,
        ...table.map((row) => `  ${row.name.padEnd(width)}  ${row.status}  ${row.summary}`),
      ].join('\n'),
    );
  }
});

async function send(row: Row): Promise<Answer> {
  const target: Target = { endpoint: stack.endpoint, token: stack.token };
  if (row.send.kind === 'raw') return rawHttp(stack.endpoint, row.send.build(target));
  const headers: Record<string, string> = {};
  const defaults: Record<string, string | undefined> = {
    authorization: `Bearer ${stack.token}`,
    'content-type': 'application/json',
    accept: ACCEPT_BOTH,
    'mcp-protocol-version': LEGACY_PROTOCOL,
    ...row.send.headers,
  };
  for (const [name, value] of Object.entries(defaults)) if (value !== undefined) headers[name] = value;
  const payload = row.send.body;
  const response = await fetch(`${stack.endpoint}${row.send.suffix ?? ''}`, {
    method: row.send.method ?? 'POST',
    headers,
    ...(payload === undefined
      ? {}
      : {
          body:
            typeof payload === 'string'
              ? payload
              : Buffer.isBuffer(payload)
                ? new Uint8Array(payload)
                : JSON.stringify(payload),
        }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: Object.fromEntries(response.headers.entries()), text, json };
}

describe('bad input through the embedded gateway', () => {
  it('has at least 30 cases', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(ROWS.map((row) => row.name)).size).toBe(ROWS.length);
  });

  it.each(ROWS)('$name → $status $summary; the same environment serves the next request', async (row) => {
    const before = stack.mcp.stats();
    const answer = await send(row);
    expect(answer.status, answer.text.slice(0, 500)).toBe(row.status);
    row.check(answer);
    const after = stack.mcp.stats();
    expect(after.invocations - before.invocations, 'invocations of the MCP function').toBe(row.reachesFunction ? 1 : 0);
    table.push({ name: row.name, status: answer.status, summary: row.summary });

    const next = await callTool(stack.endpoint, stack.token, 'ping');
    expect(next.status, next.text).toBe(200);
    expect(pingResult(next).logStream).toBe(environmentStream);
    expect(stack.mcp.stats()).toMatchObject({ environments: 1, busy: 0, coldStarts: 1, throttles: 0 });
  });
});
