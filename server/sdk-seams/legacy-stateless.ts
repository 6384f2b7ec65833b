/**
 * SDK SEAM (re-implemented behaviour): the SDK's `legacyStatelessFallback` (`createMcpHandler` with
 * `legacy: 'stateless'`) serves 2025-era requests with a fresh server and transport per request,
 * always over SSE. Why re-implemented: its transport answers every request as an SSE stream, while
 * ours answers as the modern leg's `responseMode: 'auto'` does (JSON unless the handler emits a
 * notification before its result: progress, logging), so both eras get JSON by default and never
 * lose a notification. It uses public SDK exports only (WebStandardStreamableHTTPServerTransport),
 * but copies the fallback's lifecycle (fresh server per request, teardown on abort and after the
 * last event): test/sdk-seams/seams.test.ts checks the fallback it mirrors still exists and still
 * answers over SSE, so an SDK release that changes either is judged here.
 */
import { Response } from '../http/fetch-lite.ts';
import {
  WebStandardStreamableHTTPServerTransport,
  type AuthInfo,
  type McpServerFactory,
} from '@modelcontextprotocol/server';
import { asBatchAnswer } from '../http/json-rpc-batch.ts';
import { jsonUnlessStreamed } from './sse-or-json.ts';

/** Methods whose handlers run our code, which may send progress or log notifications first. */
const METHODS_THAT_MAY_NOTIFY = new Set(['tools/call', 'prompts/get', 'resources/read', 'completion/complete']);

function mayNotifyBeforeResult(message: unknown): boolean {
  const method = (message as { method?: unknown } | null)?.method;
  return typeof method === 'string' && METHODS_THAT_MAY_NOTIFY.has(method);
}

export type LegacyStatelessHandler = (
  request: Request,
  parsedBody: unknown,
  authInfo: AuthInfo | undefined,
) => Promise<Response>;

/** Serves one 2025-era request (already classified by the SDK's `isLegacyRequest`) statelessly. */
export function createLegacyStatelessHandler(
  factory: McpServerFactory,
  onerror: ((error: Error) => void) | undefined,
): LegacyStatelessHandler {
  return serveLegacy;

  async function serveLegacy(request: Request, parsedBody: unknown, authInfo: AuthInfo | undefined): Promise<Response> {
    const server = await factory({ era: 'legacy', requestInfo: request, ...(authInfo ? { authInfo } : {}) });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      // Batches (2025-03-26 only) are answered as one JSON array, and requests whose handlers never
      // notify (lists, initialize, ping) as plain JSON; the rest get 'auto' below.
      enableJsonResponse: Array.isArray(parsedBody) || !mayNotifyBeforeResult(parsedBody),
    });
    if (onerror) transport.onerror = onerror;
    await server.connect(transport);
    const teardown = (): void => {
      transport.close().catch(() => {});
      server.close().catch(() => {});
    };
    // A request whose response can no longer be delivered (the stream broke) stops its tools, as
    // the SDK's own legacy fallback does.
    request.signal.addEventListener('abort', teardown, { once: true });
    const { response, streamed } = await jsonUnlessStreamed(
      await transport.handleRequest(request, { parsedBody, ...(authInfo ? { authInfo } : {}) }),
    );
    if (!streamed || response.body === null) {
      teardown();
      return Array.isArray(parsedBody) ? asBatchAnswer(response) : response;
    }
    // The stream ends after the terminal response; release the per-request server then.
    const body = response.body.pipeThrough(new TransformStream({ flush: teardown }));
    return new Response(body, { status: response.status, headers: response.headers });
  }
}
