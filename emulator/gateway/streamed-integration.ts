/**
 * API Gateway's side of a Lambda proxy integration in STREAM transfer mode: it waits for the
 * metadata prelude (JSON, then 8 NUL bytes), sends status and headers, then forwards the body as
 * the function writes it (https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode-lambda.html).
 * Limits from https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode.html:
 * a stream lasts at most 15 minutes and is closed after 5 minutes without data (Regional endpoint).
 */
import type { ServerResponse } from 'node:http';
import { fromProxyResult, MalformedProxyResultError } from '../../server/gateway/proxy-event.ts';
import type { InvokeOutcome } from '../lambda/function-pool.ts';

export const STREAM_MAX_DURATION_MS = 15 * 60_000;
export const STREAM_IDLE_TIMEOUT_MS = 5 * 60_000;
const PRELUDE_DELIMITER = Buffer.alloc(8);

export type StreamInvoke = (onChunk: (chunk: Buffer) => void) => Promise<InvokeOutcome>;

/** What happened before the status line went out; after it, failures can only cut the stream. */
export type StreamStart =
  | { readonly kind: 'started'; readonly statusCode: number; readonly done: Promise<void> }
  | { readonly kind: 'timed-out' }
  | { readonly kind: 'throttled' }
  | { readonly kind: 'function-error' };

export interface StreamOptions {
  readonly integrationTimeoutMs: number;
  readonly idleTimeoutMs?: number;
  readonly maxDurationMs?: number;
  readonly extraHeaders: ReadonlyArray<readonly [string, string]>;
  readonly remap: (headers: ReadonlyArray<readonly [string, string]>) => Array<[string, string]>;
}

export function streamIntegration(res: ServerResponse, invoke: StreamInvoke, options: StreamOptions): Promise<StreamStart> {
  return new Promise<StreamStart>((resolve) => {
    let buffered = Buffer.alloc(0);
    let started = false;
    let settled = false;
    let idleTimer: NodeJS.Timeout | undefined;
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolveDone) => {
      finish = resolveDone;
    });
    const settle = (start: StreamStart): void => {
      if (settled) return;
      settled = true;
      clearTimeout(integrationTimer);
      resolve(start);
    };
    const cut = (): void => {
      clearTimeout(idleTimer);
      clearTimeout(maxTimer);
      if (!res.writableEnded) res.destroy();
      finish();
    };
    const touch = (): void => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(cut, options.idleTimeoutMs ?? STREAM_IDLE_TIMEOUT_MS);
    };
    const integrationTimer = setTimeout(() => settle({ kind: 'timed-out' }), options.integrationTimeoutMs);
    const maxTimer = setTimeout(cut, options.maxDurationMs ?? STREAM_MAX_DURATION_MS);

    const onChunk = (chunk: Buffer): void => {
      if (settled && !started) return;
      touch();
      if (started) {
        res.write(chunk);
        return;
      }
      buffered = Buffer.concat([buffered, chunk]);
      const at = buffered.indexOf(PRELUDE_DELIMITER);
      if (at < 0) return;
      let statusCode: number;
      let headers: Array<[string, string]>;
      try {
        const metadata = fromProxyResult({ ...(JSON.parse(buffered.subarray(0, at).toString('utf8')) as object), body: '' });
        statusCode = metadata.statusCode;
        headers = options.remap(metadata.headers);
      } catch (error) {
        if (error instanceof SyntaxError || error instanceof MalformedProxyResultError) return settle({ kind: 'function-error' });
        throw error;
      }
      started = true;
      for (const [name, value] of [...headers, ...options.extraHeaders]) res.appendHeader(name, value);
      res.writeHead(statusCode);
      const rest = buffered.subarray(at + PRELUDE_DELIMITER.length);
      if (rest.length > 0) res.write(rest);
      settle({ kind: 'started', statusCode, done });
    };

    invoke(onChunk).then((outcome) => {
      if (started) {
        // The function ended: a clean end closes the stream, a failure cuts it.
        if (outcome.kind === 'result') {
          clearTimeout(idleTimer);
          clearTimeout(maxTimer);
          res.end();
          finish();
        } else cut();
        return;
      }
      clearTimeout(idleTimer);
      clearTimeout(maxTimer);
      finish();
      if (outcome.kind === 'throttled') settle({ kind: 'throttled' });
      else settle({ kind: 'function-error' });
    });
  });
}
