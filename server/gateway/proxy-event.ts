/**
 * The one mapping between HTTP and API Gateway REST API (v1) Lambda proxy integration payloads.
 *
 * The embedded gateway builds events with it and maps results back; the Lambda path reads the
 * authorizer context with it; tests build their fixtures with it. Field by field it follows
 * "Input format of a Lambda function for proxy integration" and "Output format of a Lambda
 * function for proxy integration" in the API Gateway developer guide:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

export type ProxyEvent = APIGatewayProxyEvent;
export type ProxyResult = APIGatewayProxyResult;
export type AuthorizerContext = Record<string, string | number | boolean | null | undefined>;

/** An HTTP request as the gateway received it; header pairs keep their order and repeats. */
export interface GatewayHttpRequest {
  readonly method: string;
  /** Path after the stage, e.g. `/mcp` for `/dev/mcp`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
  readonly sourceIp: string;
}

export interface GatewayRoute {
  /** The API resource that matched, e.g. `/mcp`. */
  readonly resourcePath: string;
  readonly stage: string;
  readonly apiId: string;
  readonly accountId: string;
  readonly domainName: string;
  readonly requestId: string;
  readonly requestTimeEpoch: number;
  /** Media types the API treats as binary (`binary_media_types`); their bodies arrive base64. */
  readonly binaryMediaTypes: readonly string[];
  readonly authorizer?: AuthorizerContext | undefined;
}

/** An HTTP response ready to write; header pairs keep repeats (e.g. several Set-Cookie). */
export interface GatewayHttpResponse {
  readonly statusCode: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
}

function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function matchesMediaType(mediaType: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    const p = pattern.toLowerCase();
    if (p === '*/*') return true;
    if (p.endsWith('/*')) return mediaType.startsWith(p.slice(0, -1));
    return p === mediaType;
  });
}

function groupPairs(pairs: Iterable<readonly [string, string]>): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  for (const [name, value] of pairs) (grouped[name] ??= []).push(value);
  return grouped;
}

/** `headers` carries the last value of each name, `multiValueHeaders` all of them (AWS doc, input format). */
function lastValues(grouped: Record<string, string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(grouped).map(([name, values]) => [name, values[values.length - 1]!]));
}

export function headerValue(headers: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let found: string | undefined;
  for (const [key, value] of headers) if (key.toLowerCase() === wanted) found = value;
  return found;
}

export function toProxyEvent(request: GatewayHttpRequest, route: GatewayRoute): ProxyEvent {
  const headerGroups = groupPairs(request.headers);
  const queryGroups = groupPairs(request.query.entries());
  const hasQuery = Object.keys(queryGroups).length > 0;
  const isBinary = matchesMediaType(mediaTypeOf(headerValue(request.headers, 'content-type')), route.binaryMediaTypes);
  const hasBody = request.body.length > 0;
  const requestTime = new Date(route.requestTimeEpoch);
  return {
    resource: route.resourcePath,
    path: request.path,
    httpMethod: request.method,
    headers: lastValues(headerGroups),
    multiValueHeaders: headerGroups,
    queryStringParameters: hasQuery ? lastValues(queryGroups) : null,
    multiValueQueryStringParameters: hasQuery ? queryGroups : null,
    pathParameters: null,
    stageVariables: null,
    body: hasBody ? request.body.toString(isBinary ? 'base64' : 'utf8') : null,
    isBase64Encoded: hasBody && isBinary,
    requestContext: {
      accountId: route.accountId,
      apiId: route.apiId,
      authorizer: route.authorizer,
      domainName: route.domainName,
      domainPrefix: route.domainName.split('.')[0],
      extendedRequestId: route.requestId,
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user: null,
        userAgent: headerValue(request.headers, 'user-agent') ?? null,
        userArn: null,
      },
      // The full path as the client sent it, stage included (unlike `path`).
      path: `/${route.stage}${request.path}`,
      protocol: 'HTTP/1.1',
      requestId: route.requestId,
      requestTime: formatRequestTime(requestTime),
      requestTimeEpoch: route.requestTimeEpoch,
      resourceId: route.resourcePath,
      resourcePath: route.resourcePath,
      stage: route.stage,
    },
  } as ProxyEvent;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `requestTime` is CLF-formatted, e.g. `09/Apr/2015:12:34:56 +0000`. */
function formatRequestTime(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

export class MalformedProxyResultError extends Error {
  override readonly name = 'MalformedProxyResultError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Maps a Lambda proxy result back to HTTP. API Gateway answers 502 when the result is not of the
 * documented shape ("Malformed Lambda proxy response"), so the caller turns the thrown error into
 * that gateway response. Values from `headers` and `multiValueHeaders` are merged; a header name
 * in both keeps the values of both, as API Gateway does.
 */
export function fromProxyResult(result: unknown): GatewayHttpResponse {
  if (!isRecord(result)) throw new MalformedProxyResultError('result is not an object');
  const { statusCode, headers = {}, multiValueHeaders = {}, body = '', isBase64Encoded = false } = result;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new MalformedProxyResultError('statusCode is not an HTTP status');
  }
  if (!isRecord(headers) || !isRecord(multiValueHeaders)) throw new MalformedProxyResultError('headers are not objects');
  if (body !== null && typeof body !== 'string') throw new MalformedProxyResultError('body is not a string');
  const pairs: Array<[string, string]> = [];
  for (const [name, values] of Object.entries(multiValueHeaders)) {
    if (!Array.isArray(values)) throw new MalformedProxyResultError(`multiValueHeaders.${name} is not an array`);
    for (const value of values) pairs.push([name, String(value)]);
  }
  const multiNames = new Set(Object.keys(multiValueHeaders).map((name) => name.toLowerCase()));
  for (const [name, value] of Object.entries(headers)) {
    const duplicate = multiNames.has(name.toLowerCase()) && pairs.some(([n, v]) => n.toLowerCase() === name.toLowerCase() && v === String(value));
    if (!duplicate) pairs.push([name, String(value)]);
  }
  const text = body ?? '';
  return {
    statusCode,
    headers: pairs,
    body: Buffer.from(text, isBase64Encoded === true ? 'base64' : 'utf8'),
  };
}

/**
 * The request a proxy event describes, with every header value: API Gateway keeps only the last
 * value of a repeated header in `headers` and all of them in `multiValueHeaders`.
 */
export function headersFromProxyEvent(event: ProxyEvent): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const multi = event.multiValueHeaders ?? {};
  for (const [name, values] of Object.entries(multi)) for (const value of values ?? []) pairs.push([name, value]);
  const seen = new Set(Object.keys(multi).map((name) => name.toLowerCase()));
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (!seen.has(name.toLowerCase()) && value !== undefined) pairs.push([name, value]);
  }
  return pairs;
}

export function bodyFromProxyEvent(event: ProxyEvent): Buffer {
  if (event.body === null || event.body === undefined) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

/** Bodies API Gateway passes through as text; anything else travels base64 (`isBase64Encoded`). */
function isTextual(mediaType: string): boolean {
  return mediaType.startsWith('text/') || mediaType === 'application/json' || mediaType.endsWith('+json') || mediaType === '';
}

/**
 * Maps an HTTP response to a Lambda proxy result ("Output format of a Lambda function for proxy
 * integration"): single headers in `headers`, repeated ones (several Set-Cookie) in
 * `multiValueHeaders`, a textual body as text, any other body base64 with `isBase64Encoded`.
 */
export function toProxyResult(response: GatewayHttpResponse): ProxyResult {
  const text = isTextual(mediaTypeOf(headerValue(response.headers, 'content-type')));
  // A name in both maps would be sent with the values of both, so each name goes in exactly one.
  const grouped = Object.entries(groupPairs(response.headers));
  return {
    statusCode: response.statusCode,
    headers: Object.fromEntries(grouped.filter(([, values]) => values.length === 1).map(([name, values]) => [name, values[0]!])),
    multiValueHeaders: Object.fromEntries(grouped.filter(([, values]) => values.length > 1)),
    body: response.body.toString(text ? 'utf8' : 'base64'),
    isBase64Encoded: !text,
  };
}
