/**
 * API Gateway's side of the REST API (v1) Lambda proxy integration: the event the gateway builds
 * from an HTTP request, and the HTTP response it makes of the function's result. The function's
 * side (event → web Request, web Response → result) is server/gateway/proxy-event.ts. Field by
 * field this follows "Input format of a Lambda function for proxy integration" and "Output format
 * of a Lambda function for proxy integration" in the API Gateway developer guide:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
 * (test/fixtures/aws-events/ holds the documented examples both sides are tested against).
 */
import {
  groupPairs,
  headerValue,
  mediaTypeOf,
  type AuthorizerContext,
  type GatewayHttpResponse,
  type ProxyEvent,
} from '../../server/gateway/proxy-event.ts';

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

function matchesMediaType(mediaType: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    const p = pattern.toLowerCase();
    if (p === '*/*') return true;
    if (p.endsWith('/*')) return mediaType.startsWith(p.slice(0, -1));
    return p === mediaType;
  });
}

/** `headers` carries the last value of each name, `multiValueHeaders` all of them (AWS doc, input format). */
function lastValues(grouped: Record<string, string[]>): Record<string, string> {
  const last: Record<string, string> = {};
  for (const name in grouped) {
    const values = grouped[name]!;
    last[name] = values[values.length - 1]!;
  }
  return last;
}

export function toProxyEvent(request: GatewayHttpRequest, route: GatewayRoute): ProxyEvent {
  const headerGroups = groupPairs(request.headers);
  const queryGroups = groupPairs(request.query.entries());
  const hasQuery = Object.keys(queryGroups).length > 0;
  const isBinary = matchesMediaType(mediaTypeOf(headerValue(request.headers, 'content-type')), route.binaryMediaTypes);
  const hasBody = request.body.length > 0;
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
      requestTime: formatRequestTime(route.requestTimeEpoch),
      requestTimeEpoch: route.requestTimeEpoch,
      resourceId: route.resourcePath,
      resourcePath: route.resourcePath,
      stage: route.stage,
    },
  } as ProxyEvent;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The last second formatted: requests arriving within one second share its text. */
let formattedSecond = Number.NaN;
let formattedText = '';

/** `requestTime` is CLF-formatted, e.g. `09/Apr/2015:12:34:56 +0000`. */
function formatRequestTime(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second !== formattedSecond) {
    const date = new Date(second * 1000);
    const pad = (n: number): string => String(n).padStart(2, '0');
    formattedText = `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
    formattedSecond = second;
  }
  return formattedText;
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
 * in both keeps the values of both, as API Gateway does. `bodyBytes`, when given, is the result's
 * string `body` as UTF-8, delivered apart from the rest of the result.
 */
export function fromProxyResult(result: unknown, bodyBytes?: Buffer): GatewayHttpResponse {
  // Stryker disable next-line StringLiteral: diagnostic text only; the gateway answers 502 whatever it says
  if (!isRecord(result)) throw new MalformedProxyResultError('result is not an object');
  const { statusCode, headers = {}, multiValueHeaders = {}, body = '', isBase64Encoded = false } = result;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    // Stryker disable next-line StringLiteral: diagnostic text only; the gateway answers 502 whatever it says
    throw new MalformedProxyResultError('statusCode is not an HTTP status');
  }
  if (!isRecord(headers) || !isRecord(multiValueHeaders)) {
    // Stryker disable next-line StringLiteral: diagnostic text only; the gateway answers 502 whatever it says
    throw new MalformedProxyResultError('headers are not objects');
  }
  if (body !== null && typeof body !== 'string') {
    // Stryker disable next-line StringLiteral: diagnostic text only; the gateway answers 502 whatever it says
    throw new MalformedProxyResultError('body is not a string');
  }
  const pairs: Array<[string, string]> = [];
  for (const [name, values] of Object.entries(multiValueHeaders)) {
    // Stryker disable next-line StringLiteral: diagnostic text only; the gateway answers 502 whatever it says
    if (!Array.isArray(values)) throw new MalformedProxyResultError(`multiValueHeaders.${name} is not an array`);
    for (const value of values) pairs.push([name, String(value)]);
  }
  const multiNames = new Set(Object.keys(multiValueHeaders).map((name) => name.toLowerCase()));
  for (const [name, value] of Object.entries(headers)) {
    const duplicate =
      multiNames.has(name.toLowerCase()) &&
      pairs.some(([n, v]) => n.toLowerCase() === name.toLowerCase() && v === String(value));
    if (!duplicate) pairs.push([name, String(value)]);
  }
  const base64 = isBase64Encoded === true;
  let bytes: Buffer;
  if (bodyBytes === undefined) bytes = Buffer.from(body ?? '', base64 ? 'base64' : 'utf8');
  else bytes = base64 ? Buffer.from(bodyBytes.toString('utf8'), 'base64') : bodyBytes;
  return { statusCode, headers: pairs, body: bytes };
}
