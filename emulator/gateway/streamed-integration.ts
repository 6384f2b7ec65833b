/**
 * API Gateway's side of a Lambda proxy integration in STREAM transfer mode: it waits for the
 * metadata prelude (JSON, then 8 NUL bytes), sends status and headers, then forwards the body as
 * the function writes it (https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode-lambda.html).
 *
 * Limits, from "Stream the integration response for your proxy integrations in API Gateway"
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode.html,
 * "Considerations for response payload streaming"): a stream lasts at most 15 minutes, and is
 * closed after 5 minutes without data on a Regional or private endpoint (30 s on an edge-optimized
 * one; terraform/api_gateway.tf deploys a Regional endpoint). Either cut ends the client's response
 * mid-body: the status line is long gone, so the client sees a truncated stream, not an error status.
 *
 * What a cut or a client disconnect does NOT do is stop the function. The same page: "When the
 * connection between the client and API Gateway or between API Gateway and Lambda is closed
 * because of a timeout, the Lambda function might continue to run"; and the Lambda developer guide,
 * "Response streaming for Lambda functions"
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html): "streamed
 * responses are not interrupted or stopped when the invoking client connection is broken.
 * Customers will be billed for the full function duration". So here too the invocation runs on
 * until it returns or hits the function timeout; its later chunks are discarded, and its response
 * stream never sees the disconnect.
 */
import type { ServerResponse } from 'node:http';
import { fromProxyResult, MalformedProxyResultError } from './proxy-event-builder.ts';
import type { InvokeOutcome } from '../lambda/function-pool.ts';

export const STREAM_MAX_DURATION_MS = 15 * 60_000;
export const STREAM_IDLE_TIMEOUT_MS = 5 * 60_000;
const PRELUDE_DELIMITER = Buffer.alloc(8);

export type StreamInvoke = (onChunk: (chunk: Buffer) => void) => Promise<InvokeOutcome>;

/** What happened before the status line went out; after it, failures can only cut the stream. */
export type StreamStart =
  | {
      readonly kind: 'started';
      readonly statusCode: number;
      /** Settles when the client's response is over: ended, cut by a limit, or the client went away. */
      readonly done: Promise<StreamEnd>;
    }
  | { readonly kind: 'timed-out' }
  | { readonly kind: 'throttled' }
  | { readonly kind: 'function-error' }
  /** The client hung up before the status line went out; there is no one left to answer. */
  | { readonly kind: 'client-disconnected' };

/** How the client's side of a started stream ended. */
export type StreamEnd = 'complete' | 'function-error' | 'idle-timeout' | 'max-duration' | 'client-disconnected';

/** API Gateway's streaming limits; unset means AWS's values. Shorter ones let tests watch the cuts. */
export interface StreamLimits {
  readonly idleTimeoutMs?: number;
  readonly maxDurationMs?: number;
}

export interface StreamOptions extends StreamLimits {
  readonly integrationTimeoutMs: number;
  readonly extraHeaders: ReadonlyArray<readonly [string, string]>;
  readonly remap: (headers: ReadonlyArray<readonly [string, string]>) => Array<[string, string]>;
}

export function streamIntegration(
  res: ServerResponse,
  invoke: StreamInvoke,
  options: StreamOptions,
): Promise<StreamStart> {
  return new Promise<StreamStart>((resolve) => {
    let buffered = Buffer.alloc(0);
    // waiting: no prelude yet; streaming: forwarding chunks; over: the client's response is done,
    // and whatever the function still writes is dropped.
    let state: 'waiting' | 'streaming' | 'over' = 'waiting';
    let settled = false;
    let idleTimer: NodeJS.Timeout | undefined;
    let finish: (end: StreamEnd) => void = () => undefined;
    const done = new Promise<StreamEnd>((resolveDone) => {
      finish = resolveDone;
    });
    const settle = (start: StreamStart): void => {
      if (settled) return;
      settled = true;
      clearTimeout(integrationTimer);
      resolve(start);
    };
    const close = (end: StreamEnd): void => {
      if (state === 'over') return;
      state = 'over';
      clearTimeout(idleTimer);
      clearTimeout(maxTimer);
      if (end === 'complete') res.end();
      else if (!res.writableEnded) res.destroy();
      finish(end);
    };
    const touch = (): void => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => close('idle-timeout'), options.idleTimeoutMs ?? STREAM_IDLE_TIMEOUT_MS);
    };
    const integrationTimer = setTimeout(() => {
      // The gateway answers 504; the function keeps running, unseen.
      state = 'over';
      clearTimeout(idleTimer);
      clearTimeout(maxTimer);
      settle({ kind: 'timed-out' });
    }, options.integrationTimeoutMs);
    const maxTimer = setTimeout(() => close('max-duration'), options.maxDurationMs ?? STREAM_MAX_DURATION_MS);
    // The client hung up before the response was over. API Gateway stops forwarding; the function is
    // not told (see the header comment), so the invocation goes on.
    res.once('close', () => {
      if (res.writableFinished) return;
      if (state === 'waiting') {
        state = 'over';
        clearTimeout(idleTimer);
        clearTimeout(maxTimer);
        settle({ kind: 'client-disconnected' });
      } else close('client-disconnected');
    });

    const onChunk = (chunk: Buffer): void => {
      if (state === 'over') return;
      touch();
      if (state === 'streaming') {
        res.write(chunk);
        return;
      }
      buffered = Buffer.concat([buffered, chunk]);
      const at = buffered.indexOf(PRELUDE_DELIMITER);
      if (at < 0) return;
      let statusCode: number;
      let headers: Array<[string, string]>;
      try {
        const metadata = fromProxyResult({
          ...(JSON.parse(buffered.subarray(0, at).toString('utf8')) as object),
          body: '',
        });
        statusCode = metadata.statusCode;
        headers = options.remap(metadata.headers);
      } catch (error) {
        if (error instanceof SyntaxError || error instanceof MalformedProxyResultError) {
          state = 'over';
          clearTimeout(idleTimer);
          clearTimeout(maxTimer);
          return settle({ kind: 'function-error' });
        }
        throw error;
      }
      state = 'streaming';
      for (const [name, value] of [...headers, ...options.extraHeaders]) res.appendHeader(name, value);
      res.writeHead(statusCode);
      const rest = buffered.subarray(at + PRELUDE_DELIMITER.length);
      if (rest.length > 0) res.write(rest);
      settle({ kind: 'started', statusCode, done });
    };

    invoke(onChunk).then((outcome) => {
      if (state === 'streaming') {
        // The function ended while the client was still listening: a clean end closes the stream,
        // a failure (error, timeout, crash) cuts it.
        close(outcome.kind === 'result' ? 'complete' : 'function-error');
        return;
      }
      const wasWaiting = state === 'waiting';
      state = 'over';
      clearTimeout(idleTimer);
      clearTimeout(maxTimer);
      if (!wasWaiting) return;
      if (outcome.kind === 'throttled') settle({ kind: 'throttled' });
      else settle({ kind: 'function-error' });
    });
  });
}
