import { Request, Response } from './fetch-lite.ts';
import {
  createMcpHandler,
  hostHeaderValidationResponse,
  originValidationResponse,
  isLegacyRequest,
  type AuthInfo,
  type McpServerFactory,
} from '@modelcontextprotocol/server';
import { createLegacyStatelessHandler } from '../sdk-seams/legacy-stateless.ts';
import { withCorsHeaders } from './cors.ts';
import { invalidParamsAnswer } from './invalid-params.ts';
import { batchRejection } from './json-rpc-batch.ts';
import { JSON_RPC, jsonRpcErrorBody } from './json-rpc-error.ts';
import { isWellFormedHost } from './request-host.ts';

/** One HTTP request to the MCP route, body already read (the HTTP layer enforces its size limit). */
export interface McpHttpRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: string;
  readonly signal?: AbortSignal | undefined;
}

/** A web-standard MCP endpoint: one request in, one response out, nothing kept in between. */
export type McpEndpoint = (request: McpHttpRequest, authInfo?: AuthInfo) => Promise<Response>;

export interface McpEndpointOptions {
  readonly maxRequestBodyBytes: number;
  /** DNS-rebinding defence: hosts and origins allowed in `Host`/`Origin`; empty lists check nothing. */
  readonly allowedHosts: readonly string[];
  readonly allowedOrigins: readonly string[];
  /** Browser origins that get CORS headers (server/http/cors.ts); none when absent. */
  readonly corsAllowedOrigins?: readonly string[];
  readonly onError?: ((error: Error) => void) | undefined;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    // RFC 8259 section 8.1 lets a parser ignore a leading byte order mark; the SDK's modern path does.
    return { ok: true, value: JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Serves both protocol eras from one POST route.
 *
 * 2026-07-28 traffic goes to the SDK's modern per-request path (`responseMode: 'auto'`: JSON
 * unless the handler emits a notification first). 2025-era traffic is served statelessly by a
 * fresh server and transport per request, as the SDK's own `legacy: 'stateless'` fallback does,
 * with one difference: its transport always answers over SSE, while ours answers as the modern
 * leg does (JSON unless the handler emits a notification before its result: progress, logging),
 * so both eras get JSON by default and never lose a notification. JSON-RPC batches are answered
 * only on the revisions that have them (2025-03-26 and earlier).
 */
export function createMcpEndpoint(factory: McpServerFactory, options: McpEndpointOptions): McpEndpoint {
  const onerror = options.onError;
  const modern = createMcpHandler(factory, {
    legacy: 'reject',
    responseMode: 'auto',
    maxRequestBodySize: options.maxRequestBodyBytes,
    ...(onerror ? { onerror } : {}),
  });

  const serveLegacy = createLegacyStatelessHandler(factory, onerror);

  const cors = options.corsAllowedOrigins ?? [];
  const json = (status: number, body: string): Response =>
    new Response(body, { status, headers: { 'content-type': 'application/json' } });

  async function serve(incoming: McpHttpRequest, authInfo: AuthInfo | undefined): Promise<Response> {
    if (Buffer.byteLength(incoming.body) > options.maxRequestBodyBytes) {
      return json(413, jsonRpcErrorBody(JSON_RPC.invalidRequest, 'Request body too large'));
    }
    // A Host that is not host[:port] (userinfo, a path, a list) cannot make a request URL: a
    // client error, never a 500.
    const host = incoming.headers.get('host');
    if (host !== null && !isWellFormedHost(host))
      return json(400, jsonRpcErrorBody(JSON_RPC.invalidRequest, 'Bad Request: malformed Host header'));
    // One Request per exchange; with the parsed body supplied, neither the classifier nor the
    // transports read it again.
    const request = new Request(incoming.url, {
      method: incoming.method,
      headers: incoming.headers,
      body: incoming.body,
      signal: incoming.signal ?? null,
    });
    const rejected =
      (options.allowedHosts.length > 0
        ? hostHeaderValidationResponse(request, [...options.allowedHosts])
        : undefined) ??
      (options.allowedOrigins.length > 0 ? originValidationResponse(request, [...options.allowedOrigins]) : undefined);
    if (rejected) return rejected;
    const parsed = parseJson(incoming.body);
    // Unparseable bodies go to the modern path, which owns the -32700 answer for both eras.
    const batch = parsed.ok ? batchRejection(request, parsed.value) : undefined;
    if (batch) return batch;
    const legacy =
      parsed.ok && (await isLegacyRequest(request, parsed.value, { maxRequestBodySize: options.maxRequestBodyBytes }));
    const invalid = parsed.ok ? invalidParamsAnswer(parsed.value, legacy ? 'legacy' : 'modern') : undefined;
    if (invalid) return json(200, invalid);
    if (legacy) return serveLegacy(request, parsed.value, authInfo);
    return modern.fetch(request, {
      ...(authInfo ? { authInfo } : {}),
      ...(parsed.ok ? { parsedBody: parsed.value } : {}),
    });
  }

  return async (incoming, authInfo) =>
    withCorsHeaders(await serve(incoming, authInfo), incoming.headers.get('origin'), cors);
}
