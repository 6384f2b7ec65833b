import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStack } from '../../emulator/stack.ts';
import { callTool, pingResult } from '../support/mcp-http.ts';
import { startTestStack } from '../support/stack.ts';

let stack: RunningStack & { token: string };

beforeAll(async () => {
  stack = await startTestStack({ overrides: { mcp_reserved_concurrency: 4 } });
});
afterAll(async () => {
  await stack?.stop();
});

describe('Lambda scaling in the embedded stack', () => {
  it('starts one execution environment per concurrent request, each with a cold start, then reuses them', async () => {
    // Warm the authorizer first so that all four MCP invocations overlap.
    expect((await callTool(stack.endpoint, stack.token, 'lookup_region', { code: 'eu-west-1' })).status).toBe(200);
    const firstEnvironment = stack.mcp.stats().environments;
    expect(firstEnvironment).toBe(1);

    // Four invocations in flight at once need four environments. The test waits until the pool
    // reports four busy environments (the overlap itself), then checks the counts: the long steps
    // only leave room for a slow machine to dispatch all four before the first one finishes.
    const inFlight = Promise.all(
      Array.from({ length: 4 }, () => callTool(stack.endpoint, stack.token, 'long_task', { steps: 1, stepMs: 4_000 })),
    );
    await expect.poll(() => stack.mcp.stats().busy, { timeout: 20_000, interval: 20 }).toBe(4);
    expect(stack.mcp.stats()).toMatchObject({ environments: 4, coldStarts: 4 });
    const concurrent = await inFlight;
    expect(concurrent.map((r) => r.status)).toEqual([200, 200, 200, 200]);

    const pings = [];
    for (let i = 0; i < 8; i += 1) pings.push(pingResult(await callTool(stack.endpoint, stack.token, 'ping')));
    expect(pings.every((p) => !p.coldStart)).toBe(true);
    expect(stack.mcp.stats().coldStarts).toBe(4);
    // Lambda prefers the most recently used environment, so sequential calls stay on one.
    expect(new Set(pings.map((p) => p.logStream)).size).toBe(1);
  });

  it("runs each execution environment on lambda_runtime's Node major, with Lambda's memory size and region", async () => {
    expect(stack.runtime, 'no Node binary matching lambda_runtime: run `npm run tools:install`').toMatchObject({
      lambdaRuntime: 'nodejs22.x',
      matches: true,
    });
    const ping = pingResult(await callTool(stack.endpoint, stack.token, 'ping')) as unknown as {
      nodeVersion: string;
      memorySizeMb: number;
      region: string;
    };
    expect(ping.nodeVersion).toMatch(/^v22\./);
    expect(ping.memorySizeMb).toBe(stack.config.mcp.memorySizeMb);
    expect(ping.region).toBe(stack.config.region);
    const initStarts = stack.logs.messages(stack.mcp.logGroupName).filter((m) => m.startsWith('INIT_START'));
    expect(initStarts.length).toBeGreaterThan(0);
    expect(
      initStarts.every((m) => m.startsWith(`INIT_START Runtime Version: nodejs:22.v${ping.nodeVersion.slice(1)}`)),
    ).toBe(true);
  });

  it('gives each execution environment its own log stream with START, END and REPORT lines', async () => {
    expect((await callTool(stack.endpoint, stack.token, 'ping')).status).toBe(200);
    const group = stack.logs.groups.get(stack.mcp.logGroupName)!;
    // One stream per environment ever started, whatever ran before this test.
    expect(group.streams.size).toBe(stack.mcp.stats().coldStarts);
    expect(group.streams.size).toBeGreaterThan(0);
    for (const stream of group.streams.values()) {
      const messages = stream.events.map((e) => e.message);
      expect(messages[0]).toMatch(/^INIT_START /);
      const reports = messages.filter((m) => m.startsWith('REPORT RequestId: '));
      expect(reports.length).toBeGreaterThan(0);
      expect(reports[0]).toMatch(/Init Duration: [\d.]+ ms/);
      expect(reports.slice(1).every((m) => !m.includes('Init Duration'))).toBe(true);
      expect(messages.filter((m) => m.startsWith('START RequestId: ')).length).toBe(reports.length);
    }
  });

  it('reclaims environments that stay idle longer than the idle timeout', async () => {
    const short = await startTestStack({ idleTimeoutMs: 300 });
    try {
      expect((await callTool(short.endpoint, short.token, 'ping')).status).toBe(200);
      expect(short.mcp.stats().environments).toBe(1);
      await expect.poll(() => short.mcp.stats().environments, { timeout: 10_000, interval: 50 }).toBe(0);
      expect(pingResult(await callTool(short.endpoint, short.token, 'ping')).coldStart).toBe(true);
    } finally {
      await short.stop();
    }
  });
});
