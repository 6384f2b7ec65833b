/**
 * The Lambda runtime of one emulated execution environment (a child process): loads the function
 * bundle once (the INIT phase), then serves one invocation at a time from the emulator, with a
 * Lambda-shaped `context` and console output formatted as the Node.js runtime formats it
 * (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html).
 */
import { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { format } from 'node:util';
import { pathToFileURL } from 'node:url';
import {
  LAMBDA_PAYLOAD_BYTES,
  type FunctionErrorPayload,
  type InvokeMessage,
  type RuntimeMessage,
} from './runtime-protocol.ts';
import { encodeFrame, frameReader, RUNTIME_CHANNEL_FD } from './runtime-channel.ts';

type Handler = (event: unknown, context: Record<string, unknown>) => Promise<unknown>;
type StreamingHandler = (
  event: unknown,
  responseStream: Writable,
  context: Record<string, unknown>,
) => Promise<unknown>;

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
/** Separates the HTTP metadata prelude from the body in a streamed proxy response: 8 NUL bytes. */
const PRELUDE_DELIMITER = Buffer.alloc(8);

const env = process.env;
let currentRequestId: string | undefined;
const channel = new Socket({ fd: RUNTIME_CHANNEL_FD, readable: true, writable: true });

function send(message: RuntimeMessage, payload?: Buffer | string): void {
  channel.write(encodeFrame(message, payload));
}

function toPayload(error: unknown): FunctionErrorPayload {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
  }
  return { errorType: 'Error', errorMessage: String(error) };
}

// Text-format lines: timestamp, request id, level, message; newlines become \r so one log event
// stays one line, as the Node.js runtime does.
function patchConsole(): void {
  const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' } as const;
  for (const [method, level] of Object.entries(levels)) {
    (console as unknown as Record<string, (...args: unknown[]) => void>)[method] = (...args: unknown[]) => {
      const line = `${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\t${level}\t${format(...args).replace(/\n/g, '\r')}\n`;
      (level === 'ERROR' || level === 'WARN' ? process.stderr : process.stdout).write(line);
    };
  }
}

/**
 * An upper bound of `value`'s size as UTF-8 JSON, without serialising it: a UTF-16 unit takes at
 * most 6 bytes (`\u00XX`), a number at most 24, and each key, bracket and separator is counted. It
 * stops once the bound passes `limit` (returning a value above it): only then is the result measured
 * exactly, so a result is serialised once (for its frame on the runtime channel), not twice.
 */
export function jsonSizeBound(value: unknown, limit: number): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') total += 6 * item.length + 2;
    else if (item === null || typeof item !== 'object') total += 24;
    else if (typeof (item as { toJSON?: unknown }).toJSON === 'function') return Number.POSITIVE_INFINITY;
    else if (Array.isArray(item)) {
      total += 2 + item.length;
      for (const element of item) stack.push(element);
    } else {
      total += 2;
      for (const key in item as Record<string, unknown>) {
        if (!Object.hasOwn(item, key)) continue;
        total += 6 * key.length + 4;
        stack.push((item as Record<string, unknown>)[key]);
      }
    }
    if (total > limit) return total;
  }
  return total;
}

/** Lambda's response quota applies to the serialised payload (gettingstarted-limits.html). */
function payloadBytesOf(result: unknown): number {
  const bound = jsonSizeBound(result, LAMBDA_PAYLOAD_BYTES);
  return bound <= LAMBDA_PAYLOAD_BYTES ? bound : Buffer.byteLength(JSON.stringify(result ?? null) ?? 'null');
}

/**
 * A result object's string `body`, when it can travel apart from the rest as bytes: a plain object
 * (no `toJSON`, no prototype of its own) whose `body` JSON would serialise as that string.
 */
function separableBody(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return undefined;
  const prototype = Object.getPrototypeOf(result) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  const { body, toJSON } = result as { body?: unknown; toJSON?: unknown };
  if (typeof body !== 'string' || toJSON !== undefined) return undefined;
  return Object.prototype.propertyIsEnumerable.call(result, 'body') ? body : undefined;
}

function sendResult(requestId: string, result: unknown): void {
  const payloadBytes = payloadBytesOf(result);
  const body = separableBody(result);
  const common = { type: 'result', requestId, payloadBytes, maxRssBytes: maxRssBytes() } as const;
  if (body === undefined) {
    send({ ...common, result, bodyInPayload: false });
    return;
  }
  const { body: _sentApart, ...rest } = result as Record<string, unknown>;
  send({ ...common, result: rest, bodyInPayload: true }, body);
}

function maxRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/**
 * The `awslambda` global the Node.js runtime provides for response streaming
 * (https://docs.aws.amazon.com/lambda/latest/dg/config-rs-write-functions.html): a streamified
 * handler writes to `responseStream`; `HttpResponseStream.from` writes the proxy metadata prelude
 * API Gateway expects before the body
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode-lambda.html).
 */
function installAwsLambdaGlobal(): void {
  (globalThis as Record<string, unknown>).awslambda = {
    streamifyResponse(handler: StreamingHandler) {
      return Object.assign(handler, { [STREAMING]: 'response' });
    },
    HttpResponseStream: {
      from(stream: Writable, metadata: Record<string, unknown>): Writable {
        stream.write(Buffer.concat([Buffer.from(JSON.stringify(metadata)), PRELUDE_DELIMITER]));
        return stream;
      },
    },
  };
}

/**
 * The response stream of one streamed invocation: every write goes to the emulator as it happens.
 * Nothing on the client's side ever closes it: Lambda documents that "streamed responses are not
 * interrupted or stopped when the invoking client connection is broken"
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html), so after a
 * client hangs up the function's writes still succeed and the gateway drops them
 * (emulator/gateway/streamed-integration.ts).
 */
function responseStreamFor(requestId: string): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      send({ type: 'chunk', requestId }, chunk);
      callback();
    },
  });
}

async function invokeStreaming(handler: StreamingHandler, message: InvokeMessage): Promise<void> {
  const stream = responseStreamFor(message.requestId);
  // An 'error' while the handler runs must not become an uncaught exception of the runtime; the
  // outcome is read from the stream once the handler returns.
  stream.on('error', () => undefined);
  await handler(message.event, stream, contextFor(message));
  if (!stream.writableEnded && !stream.destroyed) stream.end();
  // Resolves once the stream finished; rejects if it errored or was destroyed before finishing.
  await finished(stream);
}

async function loadHandler(): Promise<Handler> {
  const [file, exportName] = (env._HANDLER ?? 'index.handler').split('.') as [string, string];
  const module = (await import(pathToFileURL(`${env.LAMBDA_TASK_ROOT}/${file}.mjs`).href)) as Record<string, unknown>;
  const handler = module[exportName];
  if (typeof handler !== 'function')
    throw Object.assign(new Error(`${file}.${exportName} is undefined or not exported`), {
      name: 'Runtime.HandlerNotFound',
    });
  return handler as Handler;
}

function contextFor(message: InvokeMessage): Record<string, unknown> {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: message.invokedFunctionArn,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: message.requestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, message.deadlineEpochMs - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function main(): Promise<void> {
  patchConsole();
  installAwsLambdaGlobal();
  process.on('uncaughtException', (error) => {
    console.error('Uncaught Exception', JSON.stringify(toPayload(error)));
    process.exit(129);
  });
  // The emulator is gone (stopped, killed, crashed): an environment nobody can invoke ends too, so
  // no runtime process outlives the stack that started it.
  channel.on('end', () => process.exit(0));
  channel.on('error', () => process.exit(0));
  // Ctrl+C reaches the whole process group: the emulator decides when environments end (after
  // draining requests in flight), so the signal alone does not end this one.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  process.on('unhandledRejection', (reason) => {
    console.error('Unhandled Promise Rejection', JSON.stringify(toPayload(reason)));
    process.exit(128);
  });

  let handler: Handler;
  try {
    handler = await loadHandler();
  } catch (error) {
    send({ type: 'init-error', error: toPayload(error) });
    return;
  }

  const onInvoke = (message: InvokeMessage): void => {
    currentRequestId = message.requestId;
    const streaming = (handler as unknown as Record<symbol, unknown>)[STREAMING] === 'response';
    Promise.resolve()
      .then(() =>
        streaming
          ? invokeStreaming(handler as unknown as StreamingHandler, message)
          : handler(message.event, contextFor(message)),
      )
      .then(
        (result) => sendResult(message.requestId, result),
        (error: unknown) => {
          const payload = toPayload(error);
          console.error('Invoke Error', JSON.stringify(payload));
          send({ type: 'error', requestId: message.requestId, error: payload, maxRssBytes: maxRssBytes() });
        },
      );
  };
  channel.on(
    'data',
    frameReader((header) => {
      if ((header as { type?: unknown }).type === 'invoke') onInvoke(header as InvokeMessage);
    }),
  );
  send({ type: 'ready' });
}

await main();
