/**
 * The function's side of the API Gateway REST API (v1) Lambda proxy integration: the request a
 * proxy event carries, and the proxy result a response becomes. The gateway's side (building
 * events, reading results) is emulator/gateway/proxy-event-builder.ts. Field by field both follow
 * "Input format of a Lambda function for proxy integration" and "Output format of a Lambda
 * function for proxy integration" in the API Gateway developer guide:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
 * (test/fixtures/aws-events/ holds the documented examples both sides are tested against).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

export type ProxyEvent = APIGatewayProxyEvent;
export type ProxyResult = APIGatewayProxyResult;
export type AuthorizerContext = Record<string, string | number | boolean | null | undefined>;

/** An HTTP response ready to write; header pairs keep repeats (e.g. several Set-Cookie). */
export interface GatewayHttpResponse {
  readonly statusCode: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
}

export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export function groupPairs(pairs: Iterable<readonly [string, string]>): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  for (const [name, value] of pairs) {
    grouped[name] ??= [];
    grouped[name].push(value);
  }
  return grouped;
}

export function headerValue(headers: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let found: string | undefined;
  for (const [key, value] of headers) if (key.toLowerCase() === wanted) found = value;
  return found;
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

/**
 * The URL the client called, as the function sees it: the scheme API Gateway reports in
 * `X-Forwarded-Proto` (https on AWS; the documented input example carries it), the `Host` header,
 * the event's `path` (after the stage) and the query string rebuilt from
 * `multiValueQueryStringParameters` (every value, in order) or else `queryStringParameters`.
 */
export function urlFromProxyEvent(event: ProxyEvent): URL {
  const headers = headersFromProxyEvent(event);
  const forwarded = headerValue(headers, 'x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  const scheme = forwarded === 'http' || forwarded === 'https' ? forwarded : 'https';
  const url = new URL(`${scheme}://${headerValue(headers, 'host') ?? 'localhost'}`);
  url.pathname = event.path;
  const query = new URLSearchParams();
  const multi = event.multiValueQueryStringParameters;
  if (multi) {
    for (const [name, values] of Object.entries(multi)) for (const value of values ?? []) query.append(name, value);
  } else {
    for (const [name, value] of Object.entries(event.queryStringParameters ?? {}))
      if (value !== undefined) query.append(name, value);
  }
  url.search = query.toString();
  return url;
}

export function bodyFromProxyEvent(event: ProxyEvent): Buffer {
  if (event.body === null || event.body === undefined) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

/** Bodies API Gateway passes through as text; anything else travels base64 (`isBase64Encoded`). */
function isTextual(mediaType: string): boolean {
  return (
    mediaType.startsWith('text/') || mediaType === 'application/json' || mediaType.endsWith('+json') || mediaType === ''
  );
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
    headers: Object.fromEntries(
      grouped.filter(([, values]) => values.length === 1).map(([name, values]) => [name, values[0]!]),
    ),
    multiValueHeaders: Object.fromEntries(grouped.filter(([, values]) => values.length > 1)),
    body: response.body.toString(text ? 'utf8' : 'base64'),
    isBase64Encoded: !text,
  };
}
