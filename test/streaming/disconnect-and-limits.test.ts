/**
 * What ends a streamed response through the emulated API Gateway, and what that does to the Lambda
 * invocation behind it, as AWS documents it:
 *
 * - A client that hangs up does not stop the function. Lambda: "streamed responses are not
 *   interrupted or stopped when the invoking client connection is broken. Customers will be billed
 *   for the full function duration" ("Response streaming for Lambda functions",
 *   https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html). That holds
 *   for the 2026-07-28 SDK client's own cancellation, which over HTTP is aborting the request's
 *   stream. A 2025-era `notifications/cancelled` is a separate POST: on a stateless server it reaches
 *   another invocation that does not know the request, so it cancels nothing either.
 * - The gateway cuts a stream idle for too long or running for too long; "the Lambda function might
 *   continue to run" ("Stream the integration response for your proxy integrations in API Gateway",
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode.html:
 *   15 minutes at most, 5 minutes idle on a Regional endpoint). The limits are shortened here
 *   through a RestApi of our own on the stack's function and authorizer.
 *
 * The REPORT line's Duration is the evidence: it covers the whole task, not the moment the client
 * left.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RestApi, type AccessLogEntry } from '../../emulator/gateway/rest-api.ts';
import { readRoutes } from '../../emulator/gateway/terraform-routes.ts';
import { readTerraformVariables } from '../../emulator/config/terraform-variables.ts';
import { repoRoot } from '../../shared/lambda-artifacts.ts';
import path from 'node:path';
import type { StreamLimits } from '../../emulator/gateway/streamed-integration.ts';
import type { RunningStack } from '../../emulator/stack.ts';
import { postJson } from '../support/mcp-http.ts';
import { LEGACY_PROTOCOL, MODERN_PROTOCOL } from '../support/mcp-protocol.ts';
import { progressOf, resultOf, startStreamingStack, streamLongTask, waitForReport } from './support.ts';

let stack: RunningStack & { token: string };
const access: AccessLogEntry[] = [];

beforeAll(async () => {
  stack = await startStreamingStack({ onAccess: (entry) => access.push(entry) });
});
afterAll(async () => {
  await stack?.stop();
});

/** A second stage in front of the same function and authorizer, with shortened streaming limits. */
async function gatewayWithLimits(
  streamLimits: StreamLimits,
): Promise<{ endpoint: string; access: AccessLogEntry[]; close(): Promise<void> }> {
  const entries: AccessLogEntry[] = [];
  const restApi = new RestApi({
    config: stack.config,
    invokeMcp: (event, requestId, onChunk) => stack.mcp.invoke(event, requestId, onChunk),
    authorizer: stack.authorizer,
    routes: await readRoutes(
      path.join(repoRoot, 'terraform'),
      await readTerraformVariables(path.join(repoRoot, 'terraform'), { varFiles: [], overrides: {} }),
    ),
    gatewayResponses: {},
    streamLimits,
    onAccess: (entry) => entries.push(entry),
  });
  const server: Server = createServer((req, res) => void restApi.handle(req, res));
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/${stack.config.stageName}/mcp`,
    access: entries,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function accessEntry(
  entries: AccessLogEntry[],
  match: (entry: AccessLogEntry) => boolean,
  timeoutMs = 5_000,
): Promise<AccessLogEntry> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const entry = entries.find(match);
    if (entry) return entry;
    if (performance.now() > deadline) throw new Error('no matching access log entry');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a client that disconnects mid-stream (AWS: the function is not interrupted)', () => {
  it('2026-07-28: the v2 SDK client cancels by aborting the stream; the invocation still runs the whole task', async () => {
    const client = new Client(
      { name: 'streaming-cancel', version: '1.0.0' },
      { versionNegotiation: { mode: { pin: MODERN_PROTOCOL } } },
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(stack.endpoint), { authProvider: { token: async () => stack.token } }),
    );
    try {
      const cancel = new AbortController();
      const progressAt: number[] = [];
      const started = performance.now();
      const call = client.callTool(
        { name: 'long_task', arguments: { steps: 6, stepMs: 500 } },
        {
          signal: cancel.signal,
          onprogress: () => {
            progressAt.push(performance.now() - started);
            cancel.abort(new Error('user pressed Ctrl-C'));
          },
        },
      );
      await expect(call).rejects.toThrow();
      const cancelledAt = performance.now() - started;
      expect(progressAt.length).toBe(1);

      const entry = await accessEntry(access, (e) => e.streamEnd === 'client-disconnected');
      // Right after the client left, the environment is still busy with the task.
      expect(stack.mcp.stats().busy).toBeGreaterThanOrEqual(1);
      const report = await waitForReport(stack, entry.requestId, 10_000);
      // 6 × 500 ms ran in full; the client left after the first step, long before the task's end
      // (the margin is the five remaining steps, so a slow machine cannot blur the two).
      expect(cancelledAt).toBeLessThan(6 * 500);
      expect(report.durationMs).toBeGreaterThanOrEqual(6 * 500 - 50);
      expect(report.status).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it('2025-11-25: a raw client that drops the connection leaves the invocation running to the end', async () => {
    const call = await streamLongTask({
      url: stack.endpoint,
      token: stack.token,
      steps: 6,
      stepMs: 500,
      onMessage: (message, abort) => {
        if (message.message.method === 'notifications/progress') abort();
      },
    });
    expect(call.status).toBe(200);
    expect(progressOf(call)).toHaveLength(1);
    expect(call.bodyError).toBeDefined();
    expect(call.endedAtMs).toBeLessThan(6 * 500);
    const report = await waitForReport(stack, call.requestId!, 10_000);
    expect(report.durationMs).toBeGreaterThanOrEqual(6 * 500 - 50);
  });

  it('2025-11-25: notifications/cancelled is accepted (202) but cannot reach the running invocation on a stateless server', async () => {
    let cancelled: Promise<{ status: number }> | undefined;
    const call = await streamLongTask({
      url: stack.endpoint,
      token: stack.token,
      id: 77,
      steps: 4,
      stepMs: 300,
      onMessage: (message) => {
        if (message.message.method === 'notifications/progress' && cancelled === undefined) {
          cancelled = postJson(
            stack.endpoint,
            {
              jsonrpc: '2.0',
              method: 'notifications/cancelled',
              params: { requestId: 77, reason: 'user pressed Ctrl-C' },
            },
            { authorization: `Bearer ${stack.token}`, 'mcp-protocol-version': LEGACY_PROTOCOL },
          );
        }
      },
    });
    expect((await cancelled!).status).toBe(202);
    // The task ran to completion and its result still arrived.
    expect(progressOf(call).map((m) => m.message.params?.progress)).toEqual([1, 2, 3, 4]);
    expect(resultOf(call)?.message.result?.structuredContent?.stepsCompleted).toBe(4);
  });
});

describe('streaming limits of the gateway (shortened; AWS: 5 min idle on a Regional endpoint, 15 min at most)', () => {
  it('cuts a stream idle for longer than the idle timeout; the function runs on', async () => {
    const gateway = await gatewayWithLimits({ idleTimeoutMs: 400 });
    try {
      // Progress every 2 s: the gap after the first one exceeds the 400 ms idle timeout five times over.
      const call = await streamLongTask({ url: gateway.endpoint, token: stack.token, steps: 2, stepMs: 2_000 });
      expect(call.status).toBe(200);
      const progress = progressOf(call);
      expect(progress.map((m) => m.message.params?.progress)).toEqual([1]);
      expect(resultOf(call)).toBeUndefined();
      // The client sees a truncated body no sooner than 400 ms after the last data (a timer never
      // fires early; how late it fires depends on the machine, so there is no upper bound here: the
      // missing second progress and result show the cut came before the next data).
      expect(call.bodyError).toBeDefined();
      const silence = call.bodyError!.atMs - progress[0]!.atMs;
      expect(silence).toBeGreaterThanOrEqual(350);
      expect((await accessEntry(gateway.access, (e) => e.requestId === call.requestId)).streamEnd).toBe('idle-timeout');
      const report = await waitForReport(stack, call.requestId!, 10_000);
      expect(report.durationMs).toBeGreaterThanOrEqual(2 * 2_000 - 50);
    } finally {
      await gateway.close();
    }
  });

  it('cuts a stream that is still sending when the maximum duration is reached; the function runs on', async () => {
    const gateway = await gatewayWithLimits({ maxDurationMs: 1_200 });
    try {
      // Progress every 200 ms: never idle, but 20 steps take 4 s, far past the 1.2 s maximum.
      const call = await streamLongTask({ url: gateway.endpoint, token: stack.token, steps: 20, stepMs: 200 });
      expect(call.status).toBe(200);
      const progress = progressOf(call);
      expect(progress.length).toBeGreaterThanOrEqual(1);
      expect(progress.length).toBeLessThan(20);
      expect(resultOf(call)).toBeUndefined();
      expect(call.bodyError).toBeDefined();
      // Not cut before the maximum duration (a timer never fires early); no upper bound, as above.
      expect(call.bodyError!.atMs).toBeGreaterThanOrEqual(1_100);
      expect((await accessEntry(gateway.access, (e) => e.requestId === call.requestId)).streamEnd).toBe('max-duration');
      const report = await waitForReport(stack, call.requestId!, 10_000);
      expect(report.durationMs).toBeGreaterThanOrEqual(20 * 200 - 50);
    } finally {
      await gateway.close();
    }
  });

  it('a stream that keeps within both limits completes', async () => {
    // Generous limits against 250 ms steps, so a loaded machine's late timers cannot cross them.
    const gateway = await gatewayWithLimits({ idleTimeoutMs: 3_000, maxDurationMs: 20_000 });
    try {
      const call = await streamLongTask({ url: gateway.endpoint, token: stack.token, steps: 4, stepMs: 250 });
      expect(call.bodyError).toBeUndefined();
      expect(resultOf(call)?.message.result?.structuredContent?.stepsCompleted).toBe(4);
      expect((await accessEntry(gateway.access, (e) => e.requestId === call.requestId)).streamEnd).toBe('complete');
    } finally {
      await gateway.close();
    }
  });
});
