import {
  createMcpHandler,
  hostHeaderValidationResponse,
  originValidationResponse,
  isLegacyRequest,
  WebStandardStreamableHTTPServerTransport,
  type AuthInfo,
  type McpServerFactory,
} from '@modelcontextprotocol/server';

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
  readonly onError?: ((error: Error) => void) | undefined;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Revisions whose wire has JSON-RPC batches: 2025-06-18 removed them (and 2026-07-28 keeps them
 * out). A 2025-era request without MCP-Protocol-Version is taken as 2025-03-26, as that spec says.
 */
const BATCH_REVISIONS = new Set(['2024-11-05', '2025-03-26']);

function batchRejection(request: Request, message: unknown): Response | undefined {
  if (!Array.isArray(message)) return undefined;
  const version = request.headers.get('mcp-protocol-version')?.trim();
  if (version === undefined || version === '' || BATCH_REVISIONS.has(version)) return undefined;
  return Response.json(
    { jsonrpc: '2.0', id: null, error: { code: -32600, message: `Invalid Request: protocol revision ${version} has no JSON-RPC batches` } },
    { status: 400 },
  );
}

/** The `data:` of one SSE event, or undefined for an event without data. */
function sseData(event: string): string | undefined {
  const lines = event.split(/\r?\n/).filter((line) => line.startsWith('data:'));
  return lines.length === 0 ? undefined : lines.map((line) => line.slice(5).replace(/^ /, '')).join('\n');
}

function isResponse(data: string | undefined): boolean {
  if (data === undefined) return false;
  try {
    const message = JSON.parse(data) as { id?: unknown; result?: unknown; error?: unknown } | null;
    return message !== null && message.id !== undefined && (message.result !== undefined || message.error !== undefined);
  } catch {
    return false;
  }
}

/**
 * The 2025-era twin of the modern leg's `responseMode: 'auto'`: the transport answers over SSE;
 * when the first event is already the response (the handler emitted nothing before it), the
 * answer is that response as plain JSON; otherwise the stream goes on from its first event, so
 * progress and log notifications reach the client.
 */
async function jsonUnlessStreamed(response: Response): Promise<{ response: Response; streamed: boolean }> {
  if (response.body === null || !response.headers.get('content-type')?.startsWith('text/event-stream')) return { response, streamed: false };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const seen: Uint8Array[] = [];
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    seen.push(value);
    text += decoder.decode(value, { stream: true });
    const end = text.search(/\r?\n\r?\n/);
    if (end === -1) continue;
    const data = sseData(text.slice(0, end));
    if (isResponse(data)) {
      await reader.cancel().catch(() => {});
      const headers = new Headers(response.headers);
      headers.set('content-type', 'application/json');
      return { response: new Response(data, { status: response.status, headers }), streamed: false };
    }
    break;
  }
  const replay = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of seen) controller.enqueue(chunk);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { response: new Response(replay, { status: response.status, headers: response.headers }), streamed: true };
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

  async function serveLegacy(request: Request, parsedBody: unknown, authInfo: AuthInfo | undefined): Promise<Response> {
    const server = await factory({ era: 'legacy', requestInfo: request, ...(authInfo ? { authInfo } : {}) });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      // Batches (2025-03-26 only) are answered as one JSON array; single requests use 'auto' below.
      enableJsonResponse: Array.isArray(parsedBody),
    });
    if (onerror) transport.onerror = onerror;
    await server.connect(transport);
    const teardown = (): void => {
      transport.close().catch(() => {});
      server.close().catch(() => {});
    };
    const { response, streamed } = await jsonUnlessStreamed(
      await transport.handleRequest(request, { parsedBody, ...(authInfo ? { authInfo } : {}) }),
    );
    if (!streamed || response.body === null) {
      teardown();
      return response;
    }
    // The stream ends after the terminal response; release the per-request server then.
    const body = response.body.pipeThrough(new TransformStream({ flush: teardown }));
    return new Response(body, { status: response.status, headers: response.headers });
  }

  return async (incoming, authInfo) => {
    // One Request per exchange; with the parsed body supplied, neither the classifier nor the
    // transports read it again.
    const request = new Request(incoming.url, { method: incoming.method, headers: incoming.headers, body: incoming.body, signal: incoming.signal ?? null });
    const rejected =
      (options.allowedHosts.length > 0 ? hostHeaderValidationResponse(request, [...options.allowedHosts]) : undefined) ??
      (options.allowedOrigins.length > 0 ? originValidationResponse(request, [...options.allowedOrigins]) : undefined);
    if (rejected) return rejected;
    const parsed = parseJson(incoming.body);
    // Unparseable bodies go to the modern path, which owns the -32700 answer for both eras.
    const batch = parsed.ok ? batchRejection(request, parsed.value) : undefined;
    if (batch) return batch;
    if (parsed.ok && (await isLegacyRequest(request, parsed.value, { maxRequestBodySize: options.maxRequestBodyBytes }))) {
      return serveLegacy(request, parsed.value, authInfo);
    }
    return modern.fetch(request, { ...(authInfo ? { authInfo } : {}), ...(parsed.ok ? { parsedBody: parsed.value } : {}) });
  };
}
