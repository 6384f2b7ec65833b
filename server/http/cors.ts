/**
 * CORS headers on the function's own responses, for the origins Terraform's `cors_allowed_origins`
 * lists (MCP_CORS_ALLOWED_ORIGINS). The preflight never reaches the function: API Gateway answers
 * OPTIONS itself (terraform/cors.tf), and its 401/403 gateway responses carry the same headers.
 * "Enabling CORS for a REST API resource": for Lambda proxy integrations the backend must return
 * the CORS headers itself (https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html).
 */
import { Headers, Response } from './fetch-lite.ts';

/** What a browser script may read besides the CORS-safelisted response headers. */
export const CORS_EXPOSED_HEADERS = 'WWW-Authenticate, Mcp-Session-Id, Mcp-Protocol-Version';

/**
 * `Vary: Origin` whenever an allowlist is configured (the answer differs per origin), and the
 * allow headers when the request's `Origin` is on it; nothing at all when CORS is off.
 */
export function corsResponseHeaders(
  origin: string | null | undefined,
  allowedOrigins: readonly string[],
): Array<[string, string]> {
  if (allowedOrigins.length === 0) return [];
  if (!origin || !allowedOrigins.includes(origin)) return [['Vary', 'Origin']];
  return [
    ['Vary', 'Origin'],
    ['Access-Control-Allow-Origin', origin],
    ['Access-Control-Expose-Headers', CORS_EXPOSED_HEADERS],
  ];
}

/** The response with the CORS headers added (a new Response: SDK responses may have immutable headers). */
export function withCorsHeaders(
  response: Response,
  origin: string | null,
  allowedOrigins: readonly string[],
): Response {
  const extra = corsResponseHeaders(origin, allowedOrigins);
  if (extra.length === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of extra) {
    if (name === 'Vary') headers.append(name, value);
    else headers.set(name, value);
  }
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
