/**
 * The MCP Lambda entry (`server/handlers/mcp.ts`) driven directly with API Gateway REST proxy events
 * shaped like AWS's documented example: multi-value headers, base64 bodies, a requestContext carrying
 * the Lambda authorizer's context. One module instance serves every test, as one execution
 * environment serves many invocations, so each bad input is followed by a good request that must
 * still succeed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProxyHandler } from './support/lambda-http-server.ts';
import { LAMBDA_ENV, loadMcpHandler } from './support/load-handler.ts';
import {
  API_HOST,
  AUTHORIZER_CONTEXT,
  httpAnswer,
  lambdaContext,
  proxyEvent,
  sseMessages,
  type EventOptions,
  type HttpAnswer,
} from './support/proxy-events.ts';
import {
  jsonRpcRequest,
  LEGACY_PROTOCOL,
  LEGACY_PROTOCOLS,
  PROTOCOL_2025_03_26,
  PROTOCOL_2025_06_18,
} from '../support/mcp-protocol.ts';

const ERAS_2025 = LEGACY_PROTOCOLS;
const ACCEPT_BOTH = 'application/json, text/event-stream';
const TOOL_NAMES = ['ping', 'text_stats', 'lookup_region', 'whoami', 'long_task'];

let handler: ProxyHandler;
beforeAll(async () => {
  handler = await loadMcpHandler();
});

async function invoke(options: EventOptions): Promise<HttpAnswer> {
  return httpAnswer(await handler(proxyEvent(options), lambdaContext()));
}

function mcpHeaders(
  version: string | undefined,
  extra: ReadonlyArray<readonly [string, string]> = [],
): Array<readonly [string, string]> {
  return [
    ['Content-Type', 'application/json'],
    ['Accept', ACCEPT_BOTH],
    ...(version ? ([['MCP-Protocol-Version', version]] as const) : []),
    ['User-Agent', 'vitest-raw-client'],
    ...extra,
  ];
}

function initialize(protocolVersion: string): Record<string, unknown> {
  return jsonRpcRequest('initialize', {
    protocolVersion,
    capabilities: {},
    clientInfo: { name: 'raw-event-client', version: '1.0.0' },
  });
}

async function rpc(
  body: unknown,
  version: string | undefined = LEGACY_PROTOCOL,
  options: Omit<EventOptions, 'body'> = {},
): Promise<HttpAnswer> {
  return invoke({ headers: mcpHeaders(version), ...options, body: body as object });
}

interface JsonRpcAnswer {
  jsonrpc: '2.0';
  id: string | number | null;
  result?: Record<string, unknown> & {
    structuredContent?: Record<string, unknown>;
    isError?: boolean;
    content?: Array<{ type: string; text?: string }>;
  };
  error?: { code: number; message: string };
}

function jsonRpc(answer: HttpAnswer): JsonRpcAnswer {
  expect(answer.json, `not JSON: ${answer.text.slice(0, 200)}`).toBeTypeOf('object');
  return answer.json as JsonRpcAnswer;
}

async function callTool(
  name: string,
  args: Record<string, unknown>,
  version = LEGACY_PROTOCOL,
  options: Omit<EventOptions, 'body'> = {},
): Promise<JsonRpcAnswer> {
  const answer = await rpc(jsonRpcRequest('tools/call', { name, arguments: args }), version, options);
  expect(answer.status).toBe(200);
  return jsonRpc(answer);
}

/** The good request every bad input is followed by: a tool call on the same module instance. */
async function expectHealthyEnvironment(): Promise<void> {
  const answer = await callTool('ping', {});
  expect(answer.error).toBeUndefined();
  expect(answer.result?.structuredContent).toMatchObject({
    message: 'pong',
    logStream: LAMBDA_ENV.AWS_LAMBDA_LOG_STREAM_NAME,
  });
}

describe('proxy event fixtures', () => {
  it('carry a base64 body, multi-value headers and the authorizer context, as API Gateway REST sends them', () => {
    const body = initialize(PROTOCOL_2025_06_18);
    const event = proxyEvent({
      headers: [...mcpHeaders(undefined), ['Accept-Language', 'en'], ['Accept-Language', 'de']],
      body,
    });
    expect(event.isBase64Encoded).toBe(true);
    expect(JSON.parse(Buffer.from(event.body!, 'base64').toString('utf8'))).toEqual(body);
    expect(event.multiValueHeaders['Accept-Language']).toEqual(['en', 'de']);
    expect(event.headers['Accept-Language']).toBe('de');
    expect(event.headers['X-Forwarded-Proto']).toBe('https');
    expect(event.requestContext).toMatchObject({
      path: '/dev/mcp',
      stage: 'dev',
      resourcePath: '/mcp',
      httpMethod: 'POST',
    });
    expect(event.requestContext.authorizer).toMatchObject({
      principalId: 'alice',
      clientId: 'smoke-cli',
      scope: 'mcp:invoke mcp:read',
      authMode: 'static',
    });
  });
});

describe('2025-era lifecycle over proxy events', () => {
  it.each(ERAS_2025)(
    'initialize with %s answers 200 JSON, echoes the version and opens no session',
    async (version) => {
      const answer = await rpc(initialize(version), undefined);
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(answer.headers['mcp-session-id']).toBeUndefined();
      const { result, error } = jsonRpc(answer);
      expect(error).toBeUndefined();
      expect(result).toMatchObject({
        protocolVersion: version,
        serverInfo: { name: 'stateless-mcp-on-lambda' },
        capabilities: { tools: {}, resources: {}, prompts: {} },
      });
      expect(result?.instructions).toMatch(/stateless/i);
    },
  );

  it('answers in the documented proxy output format: statusCode, headers, multiValueHeaders, text body, isBase64Encoded false', async () => {
    const { result } = await rpc(initialize(LEGACY_PROTOCOL), undefined);
    expect(result).toMatchObject({
      statusCode: 200,
      isBase64Encoded: false,
      headers: { 'content-type': 'application/json' },
    });
    expect(result.multiValueHeaders).toBeTypeOf('object');
    expect(JSON.parse(result.body)).toMatchObject({ jsonrpc: '2.0', result: { protocolVersion: LEGACY_PROTOCOL } });
  });

  it('initialize with an unknown protocol version is answered with the latest 2025 version the server speaks', async () => {
    const { result } = jsonRpc(await rpc(initialize('1999-01-01'), undefined));
    expect(result?.protocolVersion).toBe(LEGACY_PROTOCOL);
  });

  it('accepts a body that API Gateway passed as plain text (isBase64Encoded false)', async () => {
    const answer = await rpc(initialize(PROTOCOL_2025_06_18), undefined, { base64: false });
    expect(answer.status).toBe(200);
    expect(jsonRpc(answer).result?.protocolVersion).toBe(PROTOCOL_2025_06_18);
  });

  it.each(ERAS_2025)('tools/list under %s lists the five tools with input and output schemas', async (version) => {
    const answer = await rpc(jsonRpcRequest('tools/list'), version);
    expect(answer.status).toBe(200);
    const tools = jsonRpc(answer).result?.tools as Array<{
      name: string;
      inputSchema: { type: string };
      outputSchema?: { type: string };
    }>;
    expect(tools.map((tool) => tool.name)).toEqual(TOOL_NAMES);
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
    }
  });

  it('a client notification is accepted with 202 and an empty body', async () => {
    const answer = await rpc({ jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(answer.status).toBe(202);
    expect(answer.text).toBe('');
  });

  it('a JSON-RPC response sent by the client is accepted with 202 and an empty body', async () => {
    const answer = await rpc({ jsonrpc: '2.0', id: 'server-request-1', result: {} });
    expect(answer.status).toBe(202);
    expect(answer.text).toBe('');
  });

  it('resources/list reaches the catalogue through the template, non-ASCII names intact', async () => {
    const { result } = jsonRpc(await rpc(jsonRpcRequest('resources/list')));
    const resources = result?.resources as Array<{ uri: string; title?: string }>;
    expect(resources.map((r) => r.uri)).toContain('info://server');
    expect(resources.find((r) => r.uri === 'aws-region://sa-east-1')?.title).toBe('South America (São Paulo)');
  });
});

describe('tools over proxy events', () => {
  it('whoami echoes the principal, client id, scopes and auth mode from requestContext.authorizer', async () => {
    const { result } = await callTool('whoami', {});
    expect(result?.structuredContent).toEqual({
      authenticated: true,
      principal: AUTHORIZER_CONTEXT.principalId,
      clientId: AUTHORIZER_CONTEXT.clientId,
      scopes: ['mcp:invoke', 'mcp:read'],
      authMode: AUTHORIZER_CONTEXT.authMode,
    });
    expect(JSON.parse(result?.content?.[0]?.text ?? '')).toEqual(result?.structuredContent);
  });

  it('whoami reports an anonymous caller when the event carries no authorizer context', async () => {
    const { result } = await callTool('whoami', {}, LEGACY_PROTOCOL, { authorizer: null });
    expect(result?.structuredContent).toMatchObject({
      authenticated: false,
      principal: null,
      clientId: null,
      scopes: [],
    });
  });

  it('ping names the execution environment and counts its invocations across events', async () => {
    const first = (await callTool('ping', {})).result?.structuredContent as {
      requestNumber: number;
      coldStart: boolean;
    };
    const second = (await callTool('ping', {})).result?.structuredContent as {
      requestNumber: number;
      coldStart: boolean;
    };
    expect(first).toMatchObject({
      message: 'pong',
      logStream: LAMBDA_ENV.AWS_LAMBDA_LOG_STREAM_NAME,
      functionName: LAMBDA_ENV.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: LAMBDA_ENV.AWS_LAMBDA_FUNCTION_VERSION,
    });
    expect(second.requestNumber).toBe(first.requestNumber + 1);
    expect(second.coldStart).toBe(false);
  });

  it('lookup_region with a well-formed but unknown code is a tool execution error (isError), not a JSON-RPC error', async () => {
    const answer = await callTool('lookup_region', { code: 'xx-nowhere-9' });
    expect(answer.error).toBeUndefined();
    expect(answer.result?.isError).toBe(true);
    expect(answer.result?.content?.[0]?.text).toMatch(/Unknown region code 'xx-nowhere-9'/);
  });

  it('long_task with a progress token answers over SSE: progress notifications in order, then the result', async () => {
    const answer = await rpc(
      jsonRpcRequest('tools/call', {
        name: 'long_task',
        arguments: { steps: 3, stepMs: 1 },
        _meta: { progressToken: 'tok-1' },
      }),
    );
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/event-stream/);
    const messages = sseMessages(answer.text) as Array<{
      method?: string;
      params?: { progress: number; progressToken: string };
      result?: { structuredContent: unknown };
    }>;
    expect(messages.map((m) => m.method ?? 'result')).toEqual([
      'notifications/progress',
      'notifications/progress',
      'notifications/progress',
      'result',
    ]);
    expect(messages.slice(0, 3).map((m) => m.params?.progress)).toEqual([1, 2, 3]);
    expect(messages.slice(0, 3).every((m) => m.params?.progressToken === 'tok-1')).toBe(true);
    expect(messages[3]?.result?.structuredContent).toMatchObject({ stepsCompleted: 3 });
  });

  it('long_task without a progress token answers plain JSON', async () => {
    const answer = await rpc(jsonRpcRequest('tools/call', { name: 'long_task', arguments: { steps: 1, stepMs: 1 } }));
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(jsonRpc(answer).result?.structuredContent).toMatchObject({ stepsCompleted: 1 });
  });
});

describe('unauthenticated routes', () => {
  it('GET /health answers 200 with the log stream, with no authorizer context', async () => {
    const answer = await invoke({ method: 'GET', path: '/health', authorizer: null });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: 'ok', logStream: LAMBDA_ENV.AWS_LAMBDA_LOG_STREAM_NAME });
  });

  it('RFC 9728 metadata derives the resource URL from X-Forwarded-Proto, Host and requestContext.path (stage included)', async () => {
    const answer = await invoke({ method: 'GET', path: '/.well-known/oauth-protected-resource', authorizer: null });
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('max-age=300');
    expect(answer.json).toEqual({
      resource: `https://${API_HOST}/dev/mcp`,
      authorization_servers: ['https://auth.example.com/realms/mcp'],
      scopes_supported: ['mcp:invoke', 'mcp:read'],
      bearer_methods_supported: ['header'],
      resource_name: 'Stateless MCP on AWS Lambda',
    });
  });

  it('RFC 9728 metadata behind a custom domain keeps the base path the client used', async () => {
    const answer = await invoke({
      method: 'GET',
      path: '/.well-known/oauth-protected-resource',
      stage: 'v1',
      host: 'mcp.example.com',
      authorizer: null,
    });
    expect((answer.json as { resource: string }).resource).toBe('https://mcp.example.com/v1/mcp');
  });
});

interface BadInput {
  readonly name: string;
  readonly event: () => EventOptions;
  readonly status: number;
  readonly check: (answer: HttpAnswer) => void;
}

function expectJsonRpcError(code: number, message?: RegExp): (answer: HttpAnswer) => void {
  return (answer) => {
    const { error, result } = jsonRpc(answer);
    expect(result).toBeUndefined();
    expect(error?.code).toBe(code);
    if (message) expect(error?.message).toMatch(message);
  };
}

function expectToolError(field: string): (answer: HttpAnswer) => void {
  return (answer) => {
    const { error, result } = jsonRpc(answer);
    expect(error).toBeUndefined();
    expect(result?.isError).toBe(true);
    expect(result?.content?.[0]?.text).toMatch(new RegExp(`Input validation error.*\\b${field}\\b`));
  };
}

const BAD_INPUTS: BadInput[] = [
  {
    name: 'GET /mcp → 405, Allow: POST, JSON-RPC error body',
    event: () => ({ method: 'GET', headers: [['Accept', 'text/event-stream']] }),
    status: 405,
    check: (answer) => {
      expect(answer.headers.allow).toBe('POST');
      expectJsonRpcError(-32600, /POST only/)(answer);
      expect(jsonRpc(answer).id).toBeNull();
    },
  },
  {
    name: 'DELETE /mcp → 405, Allow: POST, JSON-RPC error body',
    event: () => ({ method: 'DELETE', headers: mcpHeaders(LEGACY_PROTOCOL) }),
    status: 405,
    check: (answer) => {
      expect(answer.headers.allow).toBe('POST');
      expectJsonRpcError(-32600)(answer);
    },
  },
  {
    name: 'malformed JSON → 400 -32700',
    event: () => ({ headers: mcpHeaders(LEGACY_PROTOCOL), body: '{"jsonrpc": "2.0", "id": ' }),
    status: 400,
    check: expectJsonRpcError(-32700, /Parse error/),
  },
  {
    name: 'empty body → 400 -32700',
    event: () => ({ headers: mcpHeaders(LEGACY_PROTOCOL) }),
    status: 400,
    check: expectJsonRpcError(-32700),
  },
  {
    name: 'valid JSON that is not JSON-RPC → 400 -32600',
    event: () => ({ headers: mcpHeaders(LEGACY_PROTOCOL), body: { hello: 'world' } }),
    status: 400,
    check: expectJsonRpcError(-32600, /not a valid JSON-RPC message/),
  },
  {
    name: 'JSON-RPC 1.0 envelope → 400 -32600',
    event: () => ({ headers: mcpHeaders(LEGACY_PROTOCOL), body: { jsonrpc: '1.0', id: 1, method: 'tools/list' } }),
    status: 400,
    check: expectJsonRpcError(-32600),
  },
  {
    name: 'unknown method → -32601 with the request id',
    event: () => ({
      headers: mcpHeaders(LEGACY_PROTOCOL),
      body: { jsonrpc: '2.0', id: 'unknown-1', method: 'tools/explode' },
    }),
    status: 200,
    check: (answer) => {
      expectJsonRpcError(-32601, /Method not found/)(answer);
      expect(jsonRpc(answer).id).toBe('unknown-1');
    },
  },
  {
    name: 'unknown tool → -32602 (a protocol error, not an isError result)',
    event: () => ({
      headers: mcpHeaders(LEGACY_PROTOCOL),
      body: jsonRpcRequest('tools/call', { name: 'no_such_tool', arguments: {} }),
    }),
    status: 200,
    check: expectJsonRpcError(-32602, /no_such_tool/),
  },
  // Spec 2025-11-25 (Tools, Error Handling): input validation errors are tool execution errors, so
  // the model can correct them. The SDK answers the same way on the older 2025 revisions.
  ...ERAS_2025.map(
    (version): BadInput => ({
      name: `bad tool argument type under ${version} → isError result naming the field`,
      event: () => ({
        headers: mcpHeaders(version),
        body: jsonRpcRequest('tools/call', { name: 'text_stats', arguments: { text: 42 } }),
      }),
      status: 200,
      check: expectToolError('text'),
    }),
  ),
  {
    name: 'tool argument failing its pattern → isError result naming the field and the rule',
    event: () => ({
      headers: mcpHeaders(LEGACY_PROTOCOL),
      body: jsonRpcRequest('tools/call', { name: 'lookup_region', arguments: { code: 'Ireland' } }),
    }),
    status: 200,
    check: (answer) => {
      expectToolError('code')(answer);
      expect(jsonRpc(answer).result?.content?.[0]?.text).toMatch(/must look like an AWS region code/);
    },
  },
  {
    name: 'missing required tool argument → isError result naming the field',
    event: () => ({
      headers: mcpHeaders(PROTOCOL_2025_06_18),
      body: jsonRpcRequest('tools/call', { name: 'lookup_region', arguments: {} }),
    }),
    status: 200,
    check: expectToolError('code'),
  },
  {
    name: 'Accept without text/event-stream → 406',
    event: () => ({
      headers: [
        ['Content-Type', 'application/json'],
        ['Accept', 'application/json'],
      ],
      body: initialize(PROTOCOL_2025_06_18),
    }),
    status: 406,
    check: expectJsonRpcError(-32000, /Not Acceptable/),
  },
  {
    name: 'Accept: text/html → 406',
    event: () => ({
      headers: [
        ['Content-Type', 'application/json'],
        ['Accept', 'text/html'],
      ],
      body: initialize(PROTOCOL_2025_03_26),
    }),
    status: 406,
    check: expectJsonRpcError(-32000, /Not Acceptable/),
  },
  {
    name: 'Content-Type: text/plain → 415',
    event: () => ({
      headers: [
        ['Content-Type', 'text/plain'],
        ['Accept', ACCEPT_BOTH],
      ],
      body: initialize(PROTOCOL_2025_06_18),
    }),
    status: 415,
    check: expectJsonRpcError(-32000, /Unsupported Media Type/),
  },
  {
    name: 'unsupported MCP-Protocol-Version header → 400 naming the version',
    event: () => ({ headers: mcpHeaders('1999-01-01'), body: jsonRpcRequest('tools/list') }),
    status: 400,
    check: expectJsonRpcError(-32000, /Unsupported protocol version: 1999-01-01/),
  },
  {
    name: 'body over the 6 MB Lambda payload quota → 413 JSON-RPC error',
    event: () => ({
      headers: mcpHeaders(LEGACY_PROTOCOL),
      body: jsonRpcRequest('tools/call', {
        name: 'text_stats',
        arguments: { text: 'a '.repeat(3 * 1024 * 1024 + 16) },
      }),
    }),
    status: 413,
    check: expectJsonRpcError(-32600, /too large/),
  },
  {
    name: 'POST to an unknown path → 404 JSON',
    event: () => ({ path: '/nope', headers: mcpHeaders(LEGACY_PROTOCOL), body: jsonRpcRequest('tools/list') }),
    status: 404,
    check: (answer) => expect(answer.json).toEqual({ message: 'Not Found' }),
  },
];

describe('bad input never poisons the execution environment', () => {
  it.each(BAD_INPUTS)('$name; the next good request succeeds', async ({ event, status, check }) => {
    const answer = await invoke(event());
    expect(answer.status).toBe(status);
    check(answer);
    await expectHealthyEnvironment();
  });
});

describe('repeated headers', () => {
  // API Gateway REST puts only the LAST value of a repeated header in `headers`; all of them are
  // in `multiValueHeaders` (AWS doc, input format). serverless-http 4 builds the request from
  // `headers` and overwrites the joined multi-value headers, so an Accept split over two lines
  // (legal HTTP, RFC 9110 §5.3) reaches the SDK as "text/event-stream" only and is refused 406.
  it('an Accept header split over two lines (multiValueHeaders) is honoured like the combined header', async () => {
    const answer = await invoke({
      headers: [
        ['Content-Type', 'application/json'],
        ['Accept', 'application/json'],
        ['Accept', 'text/event-stream'],
      ],
      body: initialize(PROTOCOL_2025_06_18),
    });
    expect(answer.status).toBe(200);
  });
});
