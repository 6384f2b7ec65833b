/**
 * Property-based fuzzing of the MCP Lambda handler, in process: generated JSON-RPC messages and
 * HTTP envelopes become API Gateway REST proxy events through the project's one mapping module
 * (`toProxyEvent`, via test/server/support/proxy-events.ts), go to `server/handlers/mcp.ts`'s
 * `handler` (one module instance, as one execution environment serves many invocations), and the
 * proxy result is mapped back exactly as the gateway maps it (`fromProxyResult`).
 *
 * For every case:
 *   - the handler never throws and returns a well-formed proxy result (else API Gateway answers 502);
 *   - it resolves within CALL_BOUND_MS (a hung invocation would be a Lambda timeout);
 *   - the status is never 5xx;
 *   - a 200 with `application/json` is a JSON-RPC response or a non-empty batch of them (jsonrpc
 *     "2.0", an id, exactly one of result/error, an error with an integer code and a message), and
 *     a well-formed single request gets its own id back;
 *   - a 200 with `text/event-stream` carries only JSON-RPC messages; a 200 on /mcp with any other
 *     content type fails; a 202 has no body;
 *   - a 4xx is `application/json` and, on /mcp, a JSON-RPC error response; on the other routes it is
 *     the `{"message": ...}` shape of API Gateway's own answers (the function's 404).
 *     HEAD answers have no body.
 *
 * The envelope property gives three cases in four the headers a conforming client sends and about
 * one in three a well-formed request in its era's shape, so the arbitrary parts reach the method
 * and tool handlers instead of stopping at the transport's header checks (200s among the 4,000
 * envelope cases: 9 before this weighting, about 740 after; see test/reliability/README.md).
 *
 * `long_task` is left out of the generated tool names: with valid arguments it legitimately runs for
 * up to minutes. Fault tools are not registered (MCP_FAULT_TOOLS is unset).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxyHandler } from '../server/support/lambda-http-server.ts';
import { loadMcpHandler } from '../server/support/load-handler.ts';
import {
  httpAnswer,
  lambdaContext,
  proxyEvent,
  sseMessages,
  type EventOptions,
  type HttpAnswer,
} from '../server/support/proxy-events.ts';
import {
  LEGACY_PROTOCOL,
  MODERN_PROTOCOL as MODERN,
  PROTOCOL_2025_03_26,
  PROTOCOL_2025_06_18,
} from '../support/mcp-protocol.ts';

const CALL_BOUND_MS = 5_000;
/** 10,000 cases in all; about 3–8 ms each on a 2-core machine. */
const RUNS = { requests: 4_500, envelopes: 4_000, batches: 1_500 } as const;

const ACCEPT_BOTH = 'application/json, text/event-stream';
const VERSIONS = ['2024-11-05', PROTOCOL_2025_03_26, PROTOCOL_2025_06_18, LEGACY_PROTOCOL, MODERN, '1999-01-01', ''];
const META = {
  version: 'io.modelcontextprotocol/protocolVersion',
  clientInfo: 'io.modelcontextprotocol/clientInfo',
  capabilities: 'io.modelcontextprotocol/clientCapabilities',
} as const;
const METHODS = [
  'initialize',
  'ping',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/read',
  'resources/templates/list',
  'resources/subscribe',
  'prompts/list',
  'prompts/get',
  'completion/complete',
  'logging/setLevel',
  'server/discover',
  'tasks/get',
  'tasks/list',
  'tasks/cancel',
  'notifications/initialized',
  'notifications/cancelled',
  'notifications/progress',
  'notifications/roots/list_changed',
];
const TOOL_NAMES = ['ping', 'text_stats', 'lookup_region', 'whoami', 'no_such_tool', 'toString', '__proto__', ''];
const URIS = [
  'info://server',
  'aws-region://eu-west-1',
  'aws-region://xx-nowhere-1',
  'file:///etc/passwd',
  'aws-region://',
];

// --- arbitraries -------------------------------------------------------------------------------

/** Any code points, including controls and astral characters. */
const text = fc.string({ unit: 'binary', maxLength: 24 });
const anyJson = fc.jsonValue({ maxDepth: 3 });
const scalar = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), text);
const wellFormedId = fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000_000 }), text);
const anyId = fc.oneof(
  { weight: 6, arbitrary: wellFormedId },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.dictionary(text, scalar, { maxKeys: 2 }) },
);

const toolArguments = fc.oneof(
  fc.record(
    { text: fc.oneof(text, fc.integer()), top: fc.oneof(fc.integer({ min: -5, max: 60 }), fc.double(), text) },
    { requiredKeys: [] },
  ),
  fc.record(
    { code: fc.oneof(fc.constantFrom('eu-west-1', 'us-east-1', 'xx-nowhere-9'), text, fc.integer()) },
    { requiredKeys: [] },
  ),
  fc.dictionary(text, anyJson, { maxKeys: 4 }),
  anyJson,
);

const envelope2026 = fc.record(
  {
    [META.version]: fc.oneof(
      { weight: 4, arbitrary: fc.constant(MODERN) },
      { weight: 1, arbitrary: fc.constantFrom(...VERSIONS) },
    ),
    [META.clientInfo]: fc.oneof(
      { weight: 4, arbitrary: fc.constant({ name: 'fuzz', version: '1.0.0' }) },
      { weight: 1, arbitrary: anyJson },
    ),
    [META.capabilities]: fc.oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: anyJson }),
    progressToken: fc.oneof(fc.integer(), text),
  },
  { requiredKeys: [] },
);

const params = fc.oneof(
  fc.constant(undefined),
  fc.record(
    {
      name: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...TOOL_NAMES) }, { weight: 1, arbitrary: text }),
      arguments: toolArguments,
      _meta: envelope2026,
    },
    { requiredKeys: ['name'] },
  ),
  fc.record({ uri: fc.oneof(fc.constantFrom(...URIS), text), _meta: envelope2026 }, { requiredKeys: [] }),
  fc.record(
    {
      name: fc.oneof(fc.constant('plan_region_rollout'), text),
      arguments: fc.dictionary(text, fc.oneof(text, anyJson), { maxKeys: 3 }),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    { protocolVersion: fc.constantFrom(...VERSIONS), capabilities: anyJson, clientInfo: anyJson },
    { requiredKeys: [] },
  ),
  fc.record({ cursor: fc.oneof(text, anyJson), _meta: envelope2026 }, { requiredKeys: [] }),
  fc.dictionary(text, anyJson, { maxKeys: 4 }),
  anyJson,
);

const method = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...METHODS) }, { weight: 1, arbitrary: text });

/** A request a client could plausibly send: valid envelope, arbitrary params. */
const request = fc.record(
  { jsonrpc: fc.constant('2.0' as const), id: wellFormedId, method, params },
  { requiredKeys: ['jsonrpc', 'id', 'method'] },
);
/** Anything shaped roughly like a JSON-RPC message, members present or not, of any type. */
const looseMessage = fc.record(
  {
    jsonrpc: fc.oneof({ weight: 6, arbitrary: fc.constant('2.0') }, { weight: 1, arbitrary: scalar }),
    id: anyId,
    method: fc.oneof(method, scalar),
    params,
    result: anyJson,
    error: fc.oneof(fc.record({ code: fc.integer(), message: text }), anyJson),
  },
  { requiredKeys: [] },
);

interface HeaderChoice {
  readonly contentType: string | undefined;
  readonly accept: string | undefined;
  readonly protocolVersion: string | undefined;
  /** Send Mcp-Method/Mcp-Name agreeing with the body (as a 2026-07-28 client does). */
  readonly standardHeaders: boolean;
  readonly extra: ReadonlyArray<readonly [string, string]>;
}

/** Field values API Gateway can deliver: visible ASCII, space, tab and obs-text (RFC 9110 §5.5). */
const fieldValue = fc.string({
  unit: fc
    .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(0x09))
    .map((code) => String.fromCharCode(code)),
  maxLength: 32,
});
const FRAMING = new Set([
  'content-length',
  'transfer-encoding',
  'host',
  'connection',
  'content-type',
  'accept',
  'mcp-protocol-version',
  'mcp-method',
  'mcp-name',
]);
const fieldName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,19}$/).filter((name) => !FRAMING.has(name.toLowerCase()));

const headers: fc.Arbitrary<HeaderChoice> = fc.record({
  contentType: fc.oneof(
    { weight: 8, arbitrary: fc.constant('application/json') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        undefined,
        'application/json; charset=utf-8',
        'text/plain',
        'application/x-www-form-urlencoded',
      ),
    },
    { weight: 1, arbitrary: fieldValue },
  ),
  accept: fc.oneof(
    { weight: 8, arbitrary: fc.constant(ACCEPT_BOTH) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, 'application/json', 'text/event-stream', '*/*', 'text/html') },
    { weight: 1, arbitrary: fieldValue },
  ),
  protocolVersion: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(LEGACY_PROTOCOL, MODERN) },
    { weight: 2, arbitrary: fc.constantFrom(undefined, ...VERSIONS) },
    { weight: 1, arbitrary: fieldValue },
  ),
  standardHeaders: fc.boolean(),
  extra: fc.array(fc.tuple(fieldName, fieldValue), { maxLength: 3 }),
});

const authorizer = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc.dictionary(
      fc.constantFrom('principalId', 'clientId', 'scope', 'authMode', 'integrationLatency', 'x'),
      scalar,
      { maxKeys: 4 },
    ),
  },
);

// --- the property ---------------------------------------------------------------------------------

let handler: ProxyHandler;
let cases = 0;
/** Statuses seen, per property, for the printed summary. */
const statuses = new Map<string, Map<number, number>>();
let phase = '';

beforeAll(async () => {
  handler = await loadMcpHandler();
});

afterAll(() => {
  const lines = [...statuses.entries()].map(([name, counts]) => {
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const byStatus = [...counts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, count]) => `${status}: ${count}`)
      .join(', ');
    return `  ${name}: ${total} (${byStatus})`;
  });
  console.log([`[fuzz] ${cases} cases against the Lambda handler, by status:`, ...lines].join('\n'));
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isJsonRpcResponse(message: unknown): boolean {
  if (!isRecord(message) || message.jsonrpc !== '2.0' || !('id' in message)) return false;
  const { id } = message;
  if (!(typeof id === 'string' || typeof id === 'number' || id === null)) return false;
  const hasResult = 'result' in message;
  const hasError = 'error' in message;
  if (hasResult === hasError) return false;
  if (hasResult) return id !== null && isRecord(message.result);
  return isRecord(message.error) && Number.isInteger(message.error.code) && typeof message.error.message === 'string';
}

function isJsonRpcMessage(message: unknown): boolean {
  return (
    isJsonRpcResponse(message) || (isRecord(message) && message.jsonrpc === '2.0' && typeof message.method === 'string')
  );
}

const VALID_ENVELOPE = {
  [META.version]: MODERN,
  [META.clientInfo]: { name: 'fuzz', version: '1.0.0' },
  [META.capabilities]: {},
};

/** The request with a valid 2026-07-28 `_meta` envelope merged into its params (when they are an object or absent). */
function withEnvelope<T extends { params?: unknown }>(message: T): T {
  const { params } = message;
  if (params === undefined) return { ...message, params: { _meta: VALID_ENVELOPE } };
  if (!isRecord(params)) return message;
  const meta = isRecord(params._meta) ? params._meta : {};
  return { ...message, params: { ...params, _meta: { ...meta, ...VALID_ENVELOPE } } };
}

/**
 * The request without the 2026-07-28 envelope keys in its `_meta`, as a 2025-era client sends it
 * (the generated params carry them often, and a 2025 header with a 2026 envelope is refused -32020).
 */
function withoutEnvelope<T extends { params?: unknown }>(message: T): T {
  const { params } = message;
  if (!isRecord(params) || !isRecord(params._meta)) return message;
  const meta = Object.fromEntries(
    Object.entries(params._meta).filter(
      ([key]) => !Object.values(META).includes(key as (typeof META)[keyof typeof META]),
    ),
  );
  return { ...message, params: { ...params, _meta: meta } };
}

function headerPairs(h: HeaderChoice, body: unknown): Array<readonly [string, string]> {
  const pairs: Array<readonly [string, string]> = [];
  if (h.contentType !== undefined) pairs.push(['Content-Type', h.contentType]);
  if (h.accept !== undefined) pairs.push(['Accept', h.accept]);
  if (h.protocolVersion !== undefined) pairs.push(['MCP-Protocol-Version', h.protocolVersion]);
  if (h.standardHeaders && isRecord(body) && typeof body.method === 'string') {
    pairs.push(['Mcp-Method', body.method]);
    const p = body.params;
    if (isRecord(p) && typeof p.name === 'string') pairs.push(['Mcp-Name', p.name]);
    else if (isRecord(p) && typeof p.uri === 'string') pairs.push(['Mcp-Name', p.uri]);
  }
  return [...pairs, ...h.extra];
}

/** HTTP field values cannot carry every code point; a client would percent-encode or refuse. */
function sendable(pairs: ReadonlyArray<readonly [string, string]>): Array<readonly [string, string]> {
  return pairs.map(
    ([name, value]) => [name, /^[\t\x20-\x7e\x80-\xff]*$/.test(value) ? value : encodeURIComponent(value)] as const,
  );
}

async function invokeWithin(options: EventOptions): Promise<HttpAnswer> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`handler did not resolve within ${CALL_BOUND_MS} ms`)), CALL_BOUND_MS);
  });
  try {
    const result = await Promise.race([handler(proxyEvent(options), lambdaContext()), timeout]);
    // fromProxyResult throws on anything API Gateway would call a malformed proxy response (502).
    return httpAnswer(result);
  } finally {
    clearTimeout(timer);
  }
}

/** An error answer's body: a JSON-RPC error response, its id null when the request's could not be read. */
function isJsonRpcErrorResponse(message: unknown): boolean {
  return isJsonRpcResponse(message) && isRecord(message) && 'error' in message;
}

/** The `{"message": ...}` shape API Gateway's own answers use; the function's non-MCP routes answer 404 with it too. */
function isGatewayShapedError(message: unknown): boolean {
  return (
    isRecord(message) &&
    Object.keys(message).length === 1 &&
    (typeof message.message === 'string' || message.message === null)
  );
}

/**
 * The checks every answer must pass; `sentId` is set when the body was one well-formed request.
 * `mcpRoute` is false for the health and metadata routes, whose 200 bodies are not JSON-RPC.
 */
function checkAnswer(
  answer: HttpAnswer,
  options: { sentId?: string | number; mcpRoute?: boolean; head?: boolean } = {},
): void {
  const { sentId, mcpRoute = true, head = false } = options;
  cases += 1;
  const counts = statuses.get(phase) ?? new Map<number, number>();
  counts.set(answer.status, (counts.get(answer.status) ?? 0) + 1);
  statuses.set(phase, counts);
  const shown = `${answer.status} ${answer.headers['content-type'] ?? '(no content-type)'} ${answer.text.slice(0, 300)}`;
  expect(answer.status, shown).toBeGreaterThanOrEqual(200);
  expect(answer.status, shown).toBeLessThan(500);
  const contentType = answer.headers['content-type'] ?? '';
  if (answer.status === 202 || head) expect(answer.text, shown).toBe('');
  if (head) return;
  if (answer.status >= 400) {
    // Every refusal says why in a body a client can parse: on /mcp a JSON-RPC error, elsewhere the
    // gateway's `{"message": ...}` shape (server/http/app.ts answers unknown routes 404 with it).
    expect(contentType, shown).toMatch(/^application\/json\b/);
    const ok = mcpRoute ? isJsonRpcErrorResponse(answer.json) : isGatewayShapedError(answer.json);
    expect(ok, shown).toBe(true);
    return;
  }
  if (answer.status !== 200) return;
  if (!mcpRoute) {
    expect(contentType, shown).toMatch(/^application\/json/);
    expect(answer.json, shown).toBeTypeOf('object');
    return;
  }
  if (contentType.startsWith('application/json')) {
    const json = answer.json;
    if (Array.isArray(json)) {
      expect(json.length).toBeGreaterThan(0);
      for (const message of json) expect(isJsonRpcResponse(message), JSON.stringify(message).slice(0, 300)).toBe(true);
    } else {
      expect(isJsonRpcResponse(json), answer.text.slice(0, 300)).toBe(true);
      if (sentId !== undefined) expect((json as { id: unknown }).id).toEqual(sentId);
    }
  } else if (contentType.startsWith('text/event-stream')) {
    const messages = sseMessages(answer.text);
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) expect(isJsonRpcMessage(message), JSON.stringify(message).slice(0, 300)).toBe(true);
  } else {
    expect.fail(`a 200 on /mcp must be application/json or text/event-stream: ${shown}`);
  }
}

describe('fuzzing the Lambda handler with generated JSON-RPC and HTTP envelopes', () => {
  // Coherent requests in each era (the headers a conforming client sends, and for 2026-07-28 a valid
  // `_meta` envelope), so most cases get past the transport into the method and tool handlers;
  // one case in five takes arbitrary headers instead.
  const era = fc.constantFrom(PROTOCOL_2025_03_26, PROTOCOL_2025_06_18, LEGACY_PROTOCOL, MODERN, 'arbitrary-headers');

  it(`requests with arbitrary methods, ids and params (${RUNS.requests} cases)`, async () => {
    phase = 'requests';
    await fc.assert(
      fc.asyncProperty(
        request,
        era,
        headers,
        authorizer,
        fc.boolean(),
        async (generated, chosenEra, arbitraryHeaders, context, base64) => {
          const message = chosenEra === MODERN ? withEnvelope(generated) : generated;
          const pairs =
            chosenEra === 'arbitrary-headers'
              ? headerPairs(arbitraryHeaders, message)
              : headerPairs(
                  {
                    contentType: 'application/json',
                    accept: ACCEPT_BOTH,
                    protocolVersion: chosenEra,
                    standardHeaders: chosenEra === MODERN,
                    extra: [],
                  },
                  message,
                );
          const answer = await invokeWithin({
            headers: sendable(pairs),
            body: JSON.stringify(message),
            base64,
            ...(context === undefined ? {} : { authorizer: context }),
          });
          checkAnswer(answer, { sentId: message.id });
        },
      ),
      { numRuns: RUNS.requests },
    );
  }, 150_000);

  const httpMethod = fc.oneof(
    { weight: 10, arbitrary: fc.constant('POST') },
    { weight: 1, arbitrary: fc.constantFrom('GET', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD') },
  );
  const path = fc.oneof(
    { weight: 10, arbitrary: fc.constant('/mcp') },
    { weight: 1, arbitrary: fc.constantFrom('/health', '/.well-known/oauth-protected-resource', '/mcp/x', '/') },
  );
  const body = fc.oneof(
    { weight: 4, arbitrary: looseMessage.map((m) => JSON.stringify(m)) },
    {
      weight: 2,
      arbitrary: fc.tuple(request, fc.nat()).map(([m, n]) => {
        const s = JSON.stringify(m);
        return s.slice(0, n % s.length);
      }),
    },
    { weight: 2, arbitrary: fc.json({ maxDepth: 4 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', '\ufeff{}', 'null', '[]', '[[]]', '{"jsonrpc":"2.0"}') },
    { weight: 1, arbitrary: fc.nat({ max: 2_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`) },
  );

  // Most envelopes carry the headers a conforming client sends (and some a well-formed request, in
  // its era's shape), so the arbitrary parts meet the method and tool handlers rather than all being
  // refused by the transport's header checks; one in four keeps fully arbitrary headers.
  const conformingHeaders: fc.Arbitrary<HeaderChoice> = fc.record({
    contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8'),
    accept: fc.constantFrom(ACCEPT_BOTH, 'text/event-stream, application/json'),
    protocolVersion: fc.constantFrom(PROTOCOL_2025_03_26, PROTOCOL_2025_06_18, LEGACY_PROTOCOL, MODERN),
    standardHeaders: fc.constant(true),
    extra: fc.array(fc.tuple(fieldName, fieldValue), { maxLength: 3 }),
  });
  const envelopeHeaders = fc.oneof({ weight: 3, arbitrary: conformingHeaders }, { weight: 1, arbitrary: headers });
  const envelopeBody = fc.oneof(
    { weight: 6, arbitrary: request.map((message) => ({ kind: 'request' as const, message })) },
    { weight: 11, arbitrary: body.map((payload) => ({ kind: 'raw' as const, payload })) },
  );

  it(`arbitrary HTTP envelopes and bodies (${RUNS.envelopes} cases)`, async () => {
    phase = 'envelopes';
    await fc.assert(
      fc.asyncProperty(
        httpMethod,
        path,
        envelopeBody,
        envelopeHeaders,
        authorizer,
        fc.boolean(),
        async (verb, route, generated, h, context, base64) => {
          let payload: string;
          let parsed: unknown;
          if (generated.kind === 'request') {
            parsed =
              h.protocolVersion === MODERN ? withEnvelope(generated.message) : withoutEnvelope(generated.message);
            payload = JSON.stringify(parsed);
          } else {
            payload = generated.payload;
            try {
              parsed = JSON.parse(payload);
            } catch {
              parsed = undefined;
            }
          }
          const answer = await invokeWithin({
            method: verb,
            path: route,
            resource: route,
            headers: sendable(headerPairs(h, parsed)),
            body: payload,
            base64,
            ...(context === undefined ? {} : { authorizer: context }),
          });
          const wellFormedPost = generated.kind === 'request' && verb === 'POST' && route === '/mcp';
          checkAnswer(answer, {
            mcpRoute: route === '/mcp',
            head: verb === 'HEAD',
            ...(wellFormedPost ? { sentId: generated.message.id } : {}),
          });
        },
      ),
      { numRuns: RUNS.envelopes },
    );
  }, 150_000);

  const notification = fc.record(
    {
      jsonrpc: fc.constant('2.0'),
      method: fc.constantFrom('notifications/initialized', 'notifications/cancelled', 'notifications/progress'),
      params,
    },
    { requiredKeys: ['jsonrpc', 'method'] },
  );
  const cleanBatch = fc.array(fc.oneof({ weight: 3, arbitrary: request }, { weight: 1, arbitrary: notification }), {
    maxLength: 6,
  });
  const mixedBatch = fc.array(
    fc.oneof(
      { weight: 4, arbitrary: request },
      { weight: 2, arbitrary: notification },
      { weight: 1, arbitrary: looseMessage },
    ),
    { maxLength: 6 },
  );
  const batch = fc.oneof(cleanBatch, mixedBatch);

  it(`batches of requests, notifications and loose messages (${RUNS.batches} cases)`, async () => {
    phase = 'batches';
    await fc.assert(
      fc.asyncProperty(
        batch,
        fc.constantFrom(PROTOCOL_2025_03_26, PROTOCOL_2025_03_26, LEGACY_PROTOCOL, MODERN),
        async (messages, version) => {
          const answer = await invokeWithin({
            headers: [
              ['Content-Type', 'application/json'],
              ['Accept', ACCEPT_BOTH],
              ['MCP-Protocol-Version', version],
            ],
            body: JSON.stringify(messages),
          });
          checkAnswer(answer);
        },
      ),
      { numRuns: RUNS.batches },
    );
  }, 150_000);

  it('ran at least 10,000 cases', () => {
    expect(cases).toBeGreaterThanOrEqual(10_000);
  });
});
