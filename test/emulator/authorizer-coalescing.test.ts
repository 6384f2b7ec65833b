/**
 * The authorizer as API Gateway runs it: one invocation per identity however many requests carry
 * it at once, the returned policy cached for the TTL and evicted after it, refusals ("Unauthorized")
 * not cached, and the function's own reserved concurrency enforced.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunningStack } from '../../emulator/stack.ts';
import { callTool } from '../support/mcp-http.ts';
import { startTestStack } from '../support/stack.ts';

let stack: (RunningStack & { token: string }) | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe('authorizer invocations under a burst', () => {
  it('answers 60 concurrent requests of one fresh identity with one authorizer invocation', async () => {
    // The stage's bucket (burst 50 by default) must not refuse any of the 60 before the authorizer.
    stack = await startTestStack({
      overrides: { mcp_reserved_concurrency: 2, throttling_rate_limit: 1000, throttling_burst_limit: 1000 },
    });
    const answers = await Promise.all(
      Array.from({ length: 60 }, () => callTool(stack!.endpoint, stack!.token, 'ping')),
    );
    const statuses = new Set(answers.map((a) => a.status));
    // Allowed by the shared policy; beyond the MCP function's 2 environments Lambda throttles (500).
    expect([...statuses].every((s) => s === 200 || s === 500)).toBe(true);
    expect(statuses.has(200)).toBe(true);
    expect(stack.authorizerFunction.stats().invocations).toBe(1);
    expect(stack.authorizer.peakInvocationsInFlight).toBe(1);
  });

  it('throttles new identities beyond authorizer_reserved_concurrency with 500, never starting more environments', async () => {
    stack = await startTestStack({ overrides: { authorizer_reserved_concurrency: 1 } });
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => callTool(stack!.endpoint, `wrong-${randomBytes(8).toString('hex')}`, 'ping')),
    );
    const statuses = answers.map((a) => a.status);
    // Unknown tokens: 401 from the one invocation that ran, 500 for the throttled ones.
    expect(statuses.every((s) => s === 401 || s === 500)).toBe(true);
    expect(statuses).toContain(500);
    expect(stack.authorizerFunction.stats()).toMatchObject({ coldStarts: 1 });
    expect(stack.authorizerFunction.stats().throttles).toBeGreaterThan(0);
  });
});

describe('authorizer result cache', () => {
  it('does not cache an Unauthorized answer: each refused request invokes the authorizer again', async () => {
    stack = await startTestStack();
    for (let i = 0; i < 3; i++) expect((await callTool(stack.endpoint, 'not-a-valid-token', 'ping')).status).toBe(401);
    expect(stack.authorizerFunction.stats().invocations).toBe(3);
    expect(stack.authorizer.cacheSize).toBe(0);
  });

  it('reuses a cached policy within the TTL, then evicts it once expired', async () => {
    stack = await startTestStack({ overrides: { authorizer_result_ttl_seconds: 1 } });
    expect((await callTool(stack.endpoint, stack.token, 'ping')).status).toBe(200);
    expect((await callTool(stack.endpoint, stack.token, 'ping')).status).toBe(200);
    const invocations = stack.authorizerFunction.stats().invocations;
    expect(invocations).toBeGreaterThanOrEqual(1);
    expect(invocations).toBeLessThanOrEqual(2);
    expect(stack.authorizer.cacheSize).toBe(1);
    // No request comes back for this identity: the entry goes anyway.
    await vi.waitFor(() => expect(stack!.authorizer.cacheSize).toBe(0), { timeout: 10_000, interval: 200 });
  });
});
