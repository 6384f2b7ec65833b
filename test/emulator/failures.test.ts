import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStack } from '../../emulator/stack.ts';
import { callTool, pingResult } from '../support/mcp-http.ts';
import { startTestStack } from '../support/stack.ts';

let stack: RunningStack & { token: string };

beforeAll(async () => {
  stack = await startTestStack({
    overrides: { mcp_reserved_concurrency: 2, mcp_timeout_seconds: 4 },
    build: { test: true },
    mcpEnvironment: { MCP_FAULT_TOOLS: 'on' },
    integrationTimeoutMs: 10_000,
  });
  // Two warm environments, so the tests below measure behaviour rather than cold-start time.
  await Promise.all([0, 1].map(() => callTool(stack.endpoint, stack.token, 'long_task', { steps: 1, stepMs: 300 })));
});
afterAll(async () => {
  await stack?.stop();
});

const INTERNAL_SERVER_ERROR = { message: 'Internal server error' };

describe('failures the embedded stack answers as API Gateway and Lambda do', () => {
  it('answers 500 when Lambda throttles an invocation beyond the concurrency limit', async () => {
    const results = await Promise.all(
      Array.from({ length: 4 }, () => callTool(stack.endpoint, stack.token, 'long_task', { steps: 1, stepMs: 1_000 })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 500, 500]);
    expect(results.filter((r) => r.status === 500).map((r) => r.json)).toEqual([
      INTERNAL_SERVER_ERROR,
      INTERNAL_SERVER_ERROR,
    ]);
    expect(stack.mcp.stats().throttles).toBe(2);
    expect(stack.mcp.stats().environments).toBe(2);
  });

  it('answers 502 when the function times out, discards that environment, and keeps serving', async () => {
    // Make sure two environments exist (whatever ran before), so the timeout leaves exactly one.
    await Promise.all([0, 1].map(() => callTool(stack.endpoint, stack.token, 'long_task', { steps: 1, stepMs: 300 })));
    const before = stack.mcp.stats();
    expect(before.environments).toBe(2);
    const timedOut = await callTool(stack.endpoint, stack.token, 'fault_sleep', { ms: 6_000 });
    expect(timedOut.status).toBe(502);
    expect(timedOut.json).toEqual(INTERNAL_SERVER_ERROR);
    const messages = stack.logs.messages(stack.mcp.logGroupName);
    expect(messages.some((m) => /Task timed out after 4\.00 seconds/.test(m))).toBe(true);
    expect(messages.some((m) => m.startsWith('REPORT') && m.includes('Status: timeout'))).toBe(true);
    // Lambda resets a timed-out environment: it no longer counts, and nothing new was started.
    expect(stack.mcp.stats()).toMatchObject({ environments: 1, busy: 0, coldStarts: before.coldStarts });

    const next = await callTool(stack.endpoint, stack.token, 'ping');
    expect(next.status).toBe(200);
    expect(pingResult(next).coldStart).toBe(false);
  });

  it('answers 502 when the environment crashes, replaces it, and the next request succeeds', async () => {
    // Make sure two environments exist, so the crash leaves exactly one behind.
    await Promise.all([0, 1].map(() => callTool(stack.endpoint, stack.token, 'long_task', { steps: 1, stepMs: 300 })));
    const before = stack.mcp.stats();
    expect(before.environments).toBe(2);
    const crashed = await callTool(stack.endpoint, stack.token, 'fault_crash');
    expect(crashed.status).toBe(502);
    expect(crashed.json).toEqual(INTERNAL_SERVER_ERROR);
    expect(stack.logs.messages(stack.mcp.logGroupName).some((m) => m.includes('Runtime.ExitError'))).toBe(true);
    expect(stack.mcp.stats()).toMatchObject({ environments: 1, busy: 0 });
    const next = await callTool(stack.endpoint, stack.token, 'ping');
    expect(next.status).toBe(200);
    expect(pingResult(next).logStream).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  });

  it('answers 502 for every request while the function fails INIT, without using up its concurrency', async () => {
    // The conformance profile refuses to start without a requestState key: a real INIT failure.
    const broken = await startTestStack({
      overrides: { mcp_reserved_concurrency: 2 },
      build: { test: true },
      mcpEnvironment: { MCP_PROFILE: 'conformance' },
    });
    try {
      for (let attempt = 1; attempt <= 4; attempt++) {
        const response = await callTool(broken.endpoint, broken.token, 'ping');
        expect(response.status, `attempt ${attempt}`).toBe(502);
        expect(response.json).toEqual(INTERNAL_SERVER_ERROR);
        expect(broken.mcp.stats()).toMatchObject({ busy: 0, throttles: 0 });
      }
      expect(broken.mcp.stats().coldStarts).toBe(4);
      expect(
        broken.logs
          .messages(broken.mcp.logGroupName)
          .filter((m) => m.startsWith('INIT_REPORT') && m.includes('Status: error')),
      ).toHaveLength(4);
    } finally {
      await broken.stop();
    }
  });

  it('answers 504 when the integration takes longer than the integration timeout', async () => {
    const slow = await startTestStack({
      overrides: { mcp_timeout_seconds: 5 },
      build: { test: true },
      mcpEnvironment: { MCP_FAULT_TOOLS: 'on' },
      integrationTimeoutMs: 500,
    });
    try {
      const response = await callTool(slow.endpoint, slow.token, 'fault_sleep', { ms: 1_500 });
      expect(response.status).toBe(504);
      expect(response.json).toEqual({ message: 'Endpoint request timed out' });
    } finally {
      await slow.stop();
    }
  });

  it('answers 413 above API Gateway’s 10 MB payload limit and 500 above Lambda’s 6 MB invocation limit', async () => {
    const huge = await fetch(stack.endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' },
      body: 'x'.repeat(10 * 1024 * 1024 + 1),
    });
    expect(huge.status).toBe(413);
    const text = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'text_stats', arguments: { text: 'y'.repeat(7 * 1024 * 1024) } },
    });
    const large = await fetch(stack.endpoint, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: text,
    });
    expect(large.status).toBe(500);
    expect(await large.json()).toEqual(INTERNAL_SERVER_ERROR);
    expect((await callTool(stack.endpoint, stack.token, 'ping')).status).toBe(200);
  });

  it('answers 429 Too Many Requests once a method spent its burst, other methods unaffected', async () => {
    // A rate of 0 never refills the bucket, so however slow a cold start is the fourth request finds
    // it empty. The refill arithmetic is checked with a controlled clock in stage-throttle.test.ts.
    const throttled = await startTestStack({ overrides: { throttling_burst_limit: 3, throttling_rate_limit: 0 } });
    try {
      const health = `${throttled.baseUrl}/health`;
      const burst = [];
      for (let i = 0; i < 4; i++) burst.push(await fetch(health));
      expect(burst.map((r) => r.status)).toEqual([200, 200, 200, 429]);
      expect(await burst[3]!.json()).toEqual({ message: 'Too Many Requests' });
      // Each API method has its own bucket: the metadata route still has its whole burst.
      expect((await fetch(`${throttled.baseUrl}/.well-known/oauth-protected-resource`)).status).toBe(200);
      expect((await fetch(health)).status).toBe(429);
      // /health and the metadata are served by the function: four answered requests, the throttled ones never reached it.
      expect(throttled.mcp.stats().invocations).toBe(4);
    } finally {
      await throttled.stop();
    }
  });

  it('answers 403 Missing Authentication Token for paths and methods the API does not define', async () => {
    for (const [method, path] of [
      ['GET', '/dev/nope'],
      ['POST', '/prod/mcp'],
      ['POST', '/dev/health'],
    ] as const) {
      const response = await fetch(`${stack.logsEndpoint}${path}`, { method });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
    }
  });
});
