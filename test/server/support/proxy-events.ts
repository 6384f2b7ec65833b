/**
 * API Gateway REST (v1) proxy events for the MCP Lambda, built with the project's one mapping module
 * (`server/gateway/proxy-event.ts`) and shaped like the documented example in "Input format of a
 * Lambda function for proxy integration":
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
 * (multi-value headers, the headers API Gateway adds, a base64 body, a requestContext carrying the
 * Lambda authorizer's context).
 */
import type { Context } from 'aws-lambda';
import { fromProxyResult, toProxyEvent, type GatewayRoute } from '../../../emulator/gateway/proxy-event-builder.ts';
import type { AuthorizerContext, ProxyEvent, ProxyResult } from '../../../server/gateway/proxy-event.ts';

export const STAGE = 'dev';
export const API_ID = 'a1b2c3d4e5';
export const ACCOUNT_ID = '123456789012';
export const API_HOST = `${API_ID}.execute-api.us-east-1.amazonaws.com`;

/** What our authorizer puts in its policy context (principalId is added by API Gateway itself). */
export const AUTHORIZER_CONTEXT = {
  principalId: 'alice',
  clientId: 'smoke-cli',
  scope: 'mcp:invoke mcp:read',
  authMode: 'static',
  // API Gateway adds the authorizer's latency to requestContext.authorizer (AWS doc example).
  integrationLatency: 0,
} as const satisfies AuthorizerContext;

/** Headers API Gateway adds in front of the integration (AWS doc example: Host, X-Forwarded-*, trace id). */
function gatewayHeaders(host: string): Array<[string, string]> {
  return [
    ['Host', host],
    ['X-Amzn-Trace-Id', 'Root=1-5e66d96f-7491f09xmpl79d18acf3d050'],
    ['X-Forwarded-For', '198.51.100.23'],
    ['X-Forwarded-Port', '443'],
    ['X-Forwarded-Proto', 'https'],
  ];
}

export interface EventOptions {
  readonly method?: string;
  /** Path after the stage, e.g. `/mcp`. */
  readonly path?: string;
  /** The API resource that matched; defaults to `path`. */
  readonly resource?: string;
  /** Client headers, repeats allowed; API Gateway's own headers are appended unless `host` is null. */
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  readonly body?: string | Buffer | object;
  /** true (default): the API's binary media types cover everything, so the body arrives base64. */
  readonly base64?: boolean;
  readonly authorizer?: AuthorizerContext | null;
  readonly host?: string;
  readonly stage?: string;
}

let requestCounter = 0;

export function proxyEvent(options: EventOptions = {}): ProxyEvent {
  const method = options.method ?? 'POST';
  const path = options.path ?? '/mcp';
  const body =
    options.body === undefined
      ? Buffer.alloc(0)
      : Buffer.isBuffer(options.body)
        ? options.body
        : Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body), 'utf8');
  requestCounter += 1;
  const requestId = `c6af9ac6-7b61-11e6-9a41-93e8deadbe${String(requestCounter).padStart(2, '0')}`;
  const route: GatewayRoute = {
    resourcePath: options.resource ?? path,
    stage: options.stage ?? STAGE,
    apiId: API_ID,
    accountId: ACCOUNT_ID,
    domainName: API_HOST,
    requestId,
    requestTimeEpoch: Date.UTC(2026, 7, 1, 12, 0, 0),
    binaryMediaTypes: options.base64 === false ? [] : ['*/*'],
    authorizer: options.authorizer === null ? undefined : (options.authorizer ?? AUTHORIZER_CONTEXT),
  };
  return toProxyEvent(
    {
      method,
      path,
      query: new URLSearchParams(),
      headers: [...(options.headers ?? []), ...gatewayHeaders(options.host ?? API_HOST)],
      body,
      sourceIp: '198.51.100.23',
    },
    route,
  );
}

/** A Lambda context as the Node.js runtime passes it. */
export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'stateless-mcp-server',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:stateless-mcp-server`,
    memoryLimitInMB: '512',
    awsRequestId: `req-${requestCounter}`,
    logGroupName: '/aws/lambda/stateless-mcp-server',
    logStreamName: '2026/08/01/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => 29_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

export interface HttpAnswer {
  readonly status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
  readonly result: ProxyResult;
}

/** Maps a proxy result back to HTTP exactly as the gateway does (through `fromProxyResult`). */
export function httpAnswer(result: ProxyResult): HttpAnswer {
  const mapped = fromProxyResult(result);
  const headers: Record<string, string> = {};
  for (const [name, value] of mapped.headers) {
    const key = name.toLowerCase();
    headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
  }
  const text = mapped.body.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: mapped.statusCode, headers, text, json, result };
}

/** Parses an SSE body into the JSON payloads of its `data:` events, in order. */
export function sseMessages(text: string): unknown[] {
  return text
    .split(/\r?\n\r?\n/)
    .map((block) =>
      block
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n'),
    )
    .filter((data) => data.length > 0)
    .map((data) => JSON.parse(data) as unknown);
}
