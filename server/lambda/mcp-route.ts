import { Headers } from '../http/fetch-lite.ts';
import { authInfoFromAuthorizer } from '../gateway/authorizer-context.ts';
import {
  bodyFromProxyEvent,
  headersFromProxyEvent,
  toProxyResult,
  urlFromProxyEvent,
  type ProxyEvent,
  type ProxyResult,
} from '../gateway/proxy-event.ts';
import { JSON_RPC, jsonRpcErrorBody } from '../http/json-rpc-error.ts';
import type { McpEndpoint, McpHttpRequest } from '../http/mcp-endpoint.ts';

/** The MCP route's events, served straight from the proxy event by the web-standard endpoint. */
export function isMcpPost(event: ProxyEvent): boolean {
  return event.httpMethod === 'POST' && event.resource === '/mcp';
}

/**
 * The MCP request a proxy event carries, through the one event mapping (server/gateway/proxy-event.ts).
 * `signal` aborts the exchange (and with it the handler's `ctx.mcpReq.signal`) when the response can
 * no longer be delivered; the streaming handler ties it to its response stream.
 */
export function mcpRequestFromProxyEvent(event: ProxyEvent, signal?: AbortSignal): McpHttpRequest {
  const headers = new Headers();
  for (const [name, value] of headersFromProxyEvent(event)) headers.append(name, value);
  const url = urlFromProxyEvent(event).href;
  return { url, method: 'POST', headers, body: bodyFromProxyEvent(event).toString('utf8'), signal };
}

/** Response headers as pairs; `Headers` folds repeated Set-Cookie values unless asked for them apart. */
export function responseHeaderPairs(response: Response): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') pairs.push([name, value]);
  });
  for (const cookie of response.headers.getSetCookie()) pairs.push(['set-cookie', cookie]);
  return pairs;
}

/**
 * Serves one buffered MCP invocation: event → web Request → endpoint → proxy result. Express and
 * serverless-http stay for the other routes; on this one they cost more than the MCP exchange itself
 * (`npm run bench`), and the endpoint already speaks web-standard Request/Response.
 */
export async function serveMcpEvent(
  endpoint: McpEndpoint,
  event: ProxyEvent,
  onError?: (error: Error) => void,
): Promise<ProxyResult> {
  try {
    const response = await endpoint(
      mcpRequestFromProxyEvent(event),
      authInfoFromAuthorizer(event.requestContext?.authorizer),
    );
    return toProxyResult({
      statusCode: response.status,
      headers: responseHeaderPairs(response),
      body: Buffer.from(await response.arrayBuffer()),
    });
  } catch (error) {
    onError?.(error instanceof Error ? error : new Error(String(error)));
    return toProxyResult({
      statusCode: 500,
      headers: [['content-type', 'application/json']],
      body: Buffer.from(jsonRpcErrorBody(JSON_RPC.internalError, 'Internal error')),
    });
  }
}
