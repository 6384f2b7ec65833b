/**
 * The streaming handler in process, with a stand-in for the Lambda runtime's `awslambda` global: the
 * MCP request's AbortSignal follows the response stream. When the stream is lost mid-response
 * (destroyed, failed, stuck with backpressure and then destroyed) the signal aborts, the handler
 * returns instead of hanging, and long_task stops at its next step. A stream that finishes normally
 * never aborts it. (A client hanging up on API Gateway is a different matter: Lambda keeps that
 * stream open, see test/streaming/disconnect-and-limits.test.ts and docs/streaming.md.)
 */
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  McpServer,
  PROTOCOL_VERSION_META_KEY,
  type CallToolResult,
} from '@modelcontextprotocol/server';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxyEvent, ProxyResult } from '../../server/gateway/proxy-event.ts';
import { createMcpEndpoint, type McpEndpoint, type McpHttpRequest } from '../../server/http/mcp-endpoint.ts';
import { createStreamingHandler } from '../../server/lambda/streaming-handler.ts';
import { registerLongTask } from '../../server/mcp/tools/long-task.ts';
import { lambdaContext, proxyEvent } from '../server/support/proxy-events.ts';
import { LEGACY_PROTOCOL as LEGACY, MODERN_PROTOCOL as MODERN } from '../support/mcp-protocol.ts';

type StreamingHandler = (
  event: ProxyEvent,
  stream: Writable,
  context: ReturnType<typeof lambdaContext>,
) => Promise<void>;

const PRELUDE_DELIMITER = Buffer.alloc(8);

/** What the Node.js runtime provides (https://docs.aws.amazon.com/lambda/latest/dg/config-rs-write-functions.html). */
const fakeAwsLambda = {
  streamifyResponse: (handler: unknown) => handler,
  HttpResponseStream: {
    from(stream: Writable, metadata: Record<string, unknown>): Writable {
      stream.write(Buffer.concat([Buffer.from(JSON.stringify(metadata)), PRELUDE_DELIMITER]));
      return stream;
    },
  },
};

/** long_task on a per-request server, with every result it returns recorded (delivered or not), by `steps`. */
const outcomes = new Map<number, CallToolResult>();
const seenRequests: McpHttpRequest[] = [];
function longTaskServer(): McpServer {
  const server = new McpServer({ name: 'stream-signal-test', version: '1.0.0' });
  const register = server.registerTool.bind(server) as (...args: unknown[]) => unknown;
  (server as unknown as { registerTool: (...args: unknown[]) => unknown }).registerTool = (name, config, callback) =>
    register(name, config, async (args: unknown, ctx: unknown) => {
      const result = await (callback as (a: unknown, c: unknown) => Promise<CallToolResult>)(args, ctx);
      outcomes.set((args as { steps: number }).steps, result);
      return result;
    });
  registerLongTask(server);
  return server;
}

let handler: StreamingHandler;
beforeAll(() => {
  (globalThis as Record<string, unknown>).awslambda = fakeAwsLambda;
  const endpoint = createMcpEndpoint(() => longTaskServer(), {
    maxRequestBodyBytes: 1024 * 1024,
    allowedHosts: [],
    allowedOrigins: [],
  });
  const recording: McpEndpoint = (request, authInfo) => {
    seenRequests.push(request);
    return endpoint(request, authInfo);
  };
  const unusedBuffered = async (): Promise<ProxyResult> => ({ statusCode: 500, body: '' });
  handler = createStreamingHandler(recording, unusedBuffered) as StreamingHandler;
});
afterAll(() => {
  delete (globalThis as Record<string, unknown>).awslambda;
});

function longTaskEvent(protocol: string, steps: number, stepMs: number): ProxyEvent {
  const modern = protocol === MODERN;
  const meta = modern
    ? {
        progressToken: 'p1',
        [PROTOCOL_VERSION_META_KEY]: MODERN,
        [CLIENT_INFO_META_KEY]: { name: 'signal-test', version: '1.0.0' },
        [CLIENT_CAPABILITIES_META_KEY]: {},
      }
    : { progressToken: 'p1' };
  return proxyEvent({
    headers: [
      ['content-type', 'application/json'],
      ['accept', 'application/json, text/event-stream'],
      ['mcp-protocol-version', protocol],
      ...(modern
        ? ([
            ['mcp-method', 'tools/call'],
            ['mcp-name', 'long_task'],
          ] as Array<[string, string]>)
        : []),
    ],
    body: {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'long_task', arguments: { steps, stepMs }, _meta: meta },
    },
  });
}

/** A response stream that records what is written and lets a test break it. */
function recordingStream(options: { stuck?: boolean } = {}): Writable & { text(): string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: options.stuck ? 1 : 16 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      // A stuck stream never acknowledges a write: backpressure that never drains.
      if (!options.stuck) callback();
    },
  });
  return Object.assign(stream, { text: () => Buffer.concat(chunks).toString('utf8') });
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function cancelledAfter(result: CallToolResult | undefined): number | undefined {
  const text = result?.content.find((c) => c.type === 'text')?.text ?? '';
  const match = /Cancelled after (\d+) of (\d+) steps/.exec(text);
  return match ? Number(match[1]) : undefined;
}

describe('streaming handler: the MCP request signal follows the response stream', () => {
  // Both legs stop: the 2025 one tears its per-request server down when `request.signal` aborts
  // (server/http/mcp-endpoint.ts serveLegacy), as the SDK's own legacy fallback does. The step
  // count (40, 41) tells the two calls' outcomes apart.
  it.each([
    [MODERN, 40],
    [LEGACY, 41],
  ] as const)(
    '%s: a stream destroyed after the first progress aborts the request, and long_task stops early',
    async (protocol, steps) => {
      seenRequests.length = 0;
      const stream = recordingStream();
      const run = handler(longTaskEvent(protocol, steps, 50), stream, lambdaContext());
      await until(() => stream.text().includes('notifications/progress'), 5_000);
      stream.destroy();
      await run;
      expect(seenRequests[0]?.signal?.aborted).toBe(true);
      await until(() => outcomes.has(steps), 5_000);
      expect(outcomes.get(steps)!.isError).toBe(true);
      // The tool stopped early: it reports how many of its steps ran, and that is fewer than all.
      // (No wall-clock bound: the step count is the evidence, whatever the machine's speed.)
      const done = cancelledAfter(outcomes.get(steps));
      expect(done).toBeGreaterThanOrEqual(1);
      expect(done).toBeLessThan(steps);
      expect(stream.text()).not.toContain('"stepsCompleted"');
    },
  );

  it('a stream stuck on backpressure and then destroyed does not leave the handler waiting for drain', async () => {
    const stream = recordingStream({ stuck: true });
    const run = handler(longTaskEvent(MODERN, 42, 50), stream, lambdaContext());
    // The prelude's write is never acknowledged; later writes queue up until the handler waits for 'drain'.
    await until(() => stream.writableNeedDrain, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    stream.destroy(new Error('runtime API connection reset'));
    await expect(
      Promise.race([run.then(() => 'returned'), new Promise((resolve) => setTimeout(() => resolve('hung'), 1_500))]),
    ).resolves.toBe('returned');
    await until(() => outcomes.has(42), 2_000);
    expect(cancelledAfter(outcomes.get(42))).toBeLessThan(10);
  });

  it('a stream that finishes normally never aborts the signal, and the result is written', async () => {
    seenRequests.length = 0;
    const stream = recordingStream();
    await handler(longTaskEvent(MODERN, 3, 20), stream, lambdaContext());
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.writableFinished).toBe(true);
    expect(seenRequests[0]?.signal?.aborted).toBe(false);
    expect(outcomes.get(3)?.structuredContent).toMatchObject({ stepsCompleted: 3 });
    const body = stream.text();
    // Progress was sent at all (else the order check below would hold vacuously), and before the result.
    expect(body.indexOf('notifications/progress')).toBeGreaterThanOrEqual(0);
    expect(body.indexOf('notifications/progress')).toBeLessThan(body.indexOf('"stepsCompleted":3'));
  });
});
