import type { Context } from 'aws-lambda';
import type { Writable } from 'node:stream';
import { authInfoFromAuthorizer } from '../gateway/authorizer-context.ts';
import { toProxyResult, type ProxyEvent, type ProxyResult } from '../gateway/proxy-event.ts';
import type { McpEndpoint } from '../http/mcp-endpoint.ts';
import { recordInvocation } from '../runtime/environment-stats.ts';
import { isMcpPost, mcpRequestFromProxyEvent, responseHeaderPairs } from './mcp-route.ts';

/**
 * The global the Lambda Node.js runtime provides for response streaming (typed by @types/aws-lambda;
 * absent outside Lambda) (https://docs.aws.amazon.com/lambda/latest/dg/config-rs-write-functions.html).
 */
function lambdaRuntime(): typeof awslambda | undefined {
  return (globalThis as { awslambda?: typeof awslambda }).awslambda;
}

/**
 * A signal that aborts when the response stream fails or closes before the response was written.
 *
 * What it catches: the runtime's stream breaking (on Lambda it is an HTTP request to the Runtime
 * API; a failure there surfaces as `error`/`close` on it) and, in tests, a stream destroyed on
 * purpose. What it does not catch: a client that hangs up on API Gateway. Lambda documents that
 * "streamed responses are not interrupted or stopped when the invoking client connection is broken"
 * ("Response streaming for Lambda functions",
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html), so the stream
 * stays writable, writes go nowhere, and the invocation runs, billed, until it returns or times out.
 * See docs/streaming.md.
 */
export function abortWhenStreamLost(stream: Writable): AbortSignal {
  const controller = new AbortController();
  // The listener also keeps a failed write from becoming an uncaught 'error' event.
  stream.on('error', (error: Error) => controller.abort(error));
  stream.once('close', () => {
    if (!stream.writableFinished)
      controller.abort(new Error('The response stream closed before the response was written'));
  });
  return controller.signal;
}

function drained(stream: Writable, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    stream.once('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The metadata prelude API Gateway reads before the body: a proxy result without its body. */
type Prelude = Pick<ProxyResult, 'statusCode' | 'headers' | 'multiValueHeaders'>;

function preludeOf(response: Response): Prelude {
  // The proxy-result mapping without a body: repeated headers (several Set-Cookie) stay apart.
  const { statusCode, headers, multiValueHeaders } = toProxyResult({
    statusCode: response.status,
    headers: responseHeaderPairs(response),
    body: Buffer.alloc(0),
  });
  return { statusCode, headers, multiValueHeaders };
}

/** Writes status and headers, then the body as it is produced; stops reading the body once the stream is lost. */
async function writeResponse(
  stream: Writable,
  prelude: Prelude,
  body: ReadableStream<Uint8Array> | null,
  signal: AbortSignal,
): Promise<void> {
  const out = lambdaRuntime()!.HttpResponseStream.from(stream, { ...prelude });
  if (body) {
    const reader = body.getReader();
    // Cancelling the body tells the MCP transport that no one reads this exchange any more.
    const stop = (): void => void reader.cancel(signal.reason).catch(() => undefined);
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || signal.aborted) break;
        if (!out.write(value)) await drained(out, signal);
      }
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }
  if (signal.aborted) return;
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

/**
 * The opt-in streaming integration (API Gateway `response_transfer_mode = STREAM`, Lambda invoked
 * with InvokeWithResponseStream): MCP responses, SSE included, reach the client as they are
 * written, which carries progress notifications and lets tools outlive the 29 s buffered limit
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode-lambda.html).
 * Other routes are answered by the buffered handler and written in one piece.
 *
 * The MCP request's signal follows the response stream (abortWhenStreamLost): if the stream is lost
 * the exchange is abandoned and the tool's `ctx.mcpReq.signal` aborts.
 */
export function createStreamingHandler(
  endpoint: McpEndpoint,
  buffered: (event: ProxyEvent, context: Context) => Promise<ProxyResult>,
): unknown {
  const runtime = lambdaRuntime();
  if (!runtime)
    throw new Error('STREAMING_ENABLED=true needs the Lambda Node.js runtime (global awslambda is missing)');
  return runtime.streamifyResponse(async (event: ProxyEvent, responseStream, context) => {
    recordInvocation();
    const signal = abortWhenStreamLost(responseStream);
    if (isMcpPost(event)) {
      let response: Response;
      try {
        response = await endpoint(
          mcpRequestFromProxyEvent(event, signal),
          authInfoFromAuthorizer(event.requestContext?.authorizer),
        );
      } catch (error) {
        // Closing the exchange early rejects the pending answer; nothing is left to write it to.
        if (signal.aborted) return;
        throw error;
      }
      await writeResponse(responseStream, preludeOf(response), response.body, signal);
      return;
    }
    // Other routes: the buffered answer, its (multi-value) headers as they are, the body in one piece.
    const result = await buffered(event, context);
    const body = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
    const prelude: Prelude = {
      statusCode: result.statusCode,
      ...(result.headers ? { headers: result.headers } : {}),
      ...(result.multiValueHeaders ? { multiValueHeaders: result.multiValueHeaders } : {}),
    };
    await writeResponse(responseStream, prelude, body.length > 0 ? new Blob([body]).stream() : null, signal);
  });
}
