/**
 * What API Gateway answers without the function, as terraform/ defines it and the embedded stack
 * renders it: GET and DELETE on /mcp (405, Allow: POST, no authorizer, no invocation), and the
 * invocations each protocol era's session costs, counted from the function's REPORT lines.
 */
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessLogEntry } from '../../emulator/gateway/rest-api.ts';
import type { RunningStack } from '../../emulator/stack.ts';
import { startTestStack } from '../support/stack.ts';
import { LEGACY_PROTOCOL, MODERN_PROTOCOL } from '../support/mcp-protocol.ts';

let stack: RunningStack & { token: string };
const access: AccessLogEntry[] = [];
beforeAll(async () => {
  // The default variables (mcp_reserved_concurrency = 10), except the function timeout: eight
  // simultaneous cold starts on a busy two-core CI machine can take longer than the default 10 s,
  // which is not what these tests are about (AWS's own cold starts take well under a second).
  stack = await startTestStack({ onAccess: (entry) => access.push(entry), overrides: { mcp_timeout_seconds: 29 } });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const reports = (group: string): number =>
  stack.logs.messages(group).filter((line) => line.startsWith('REPORT')).length;

describe('GET and DELETE on /mcp', () => {
  for (const method of ['GET', 'DELETE']) {
    it(`${method} answers 405 with Allow: POST from the gateway, with no token, no authorizer and no function invocation`, async () => {
      const before = {
        mcp: reports(stack.mcp.logGroupName),
        authorizer: reports(stack.authorizerFunction.logGroupName),
      };
      const response = await fetch(stack.endpoint, { method, headers: { Accept: 'text/event-stream' } });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
      expect(await response.json()).toEqual({
        jsonrpc: '2.0',
        error: { code: -32600, message: 'Method not allowed: this stateless endpoint accepts POST only.' },
        id: null,
      });
      expect(reports(stack.mcp.logGroupName)).toBe(before.mcp);
      expect(reports(stack.authorizerFunction.logGroupName)).toBe(before.authorizer);
    });
  }

  it('POST still goes through the authorizer (401 without a token)', async () => {
    const response = await fetch(stack.endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(401);
  });
});

/** Runs one session and returns the function invocations it cost and the requests it sent. */
async function measure(session: () => Promise<void>): Promise<{ invocations: number; requests: AccessLogEntry[] }> {
  const before = reports(stack.mcp.logGroupName);
  const from = access.length;
  await session();
  // REPORT is written when an invocation ends; the last response may be read just before.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { invocations: reports(stack.mcp.logGroupName) - before, requests: access.slice(from) };
}

const headers = (): Record<string, string> => ({ Authorization: `Bearer ${stack.token}` });

describe('function invocations per session', () => {
  it('2025-11-25 (SDK 1.x): initialize, initialized, tools/call; its GET stream costs no invocation', async () => {
    const { invocations, requests } = await measure(async () => {
      const client = new Client({ name: 'count-v1', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(stack.endpoint), { requestInit: { headers: headers() } }),
      );
      await client.callTool({ name: 'ping', arguments: {} });
      await client.close();
    });
    const gets = requests.filter((entry) => entry.method === 'GET');
    const posts = requests.filter((entry) => entry.method === 'POST');
    console.log(
      `2025-11-25 session: ${invocations} invocations (${posts.length} POST), ${gets.length} GET answered 405 by the gateway; before: ${invocations + gets.length}`,
    );
    expect(gets.length).toBeGreaterThanOrEqual(1);
    expect(gets.every((entry) => entry.status === 405)).toBe(true);
    expect(posts).toHaveLength(3);
    expect(invocations).toBe(3);
  });

  it('2026-07-28 (SDK 2.x pinned): every request is a POST the function serves', async () => {
    const { invocations, requests } = await measure(async () => {
      const client = new ClientV2(
        { name: 'count-v2', version: '1.0.0' },
        { versionNegotiation: { mode: { pin: MODERN_PROTOCOL } } },
      );
      await client.connect(new TransportV2(new URL(stack.endpoint), { requestInit: { headers: headers() } }));
      expect(client.getNegotiatedProtocolVersion()).toBe(MODERN_PROTOCOL);
      await client.callTool({ name: 'ping', arguments: {} });
      await client.close();
    });
    const posts = requests.filter((entry) => entry.method === 'POST');
    const others = requests.filter((entry) => entry.method !== 'POST');
    console.log(
      `2026-07-28 session: ${invocations} invocations (${posts.length} POST); ` +
        `${others.map((entry) => `${entry.method} ${entry.status}`).join(', ') || 'no other request'} answered by the gateway; ` +
        `before: ${invocations + others.length}`,
    );
    expect(others.every((entry) => entry.status === 405)).toBe(true);
    expect(invocations).toBe(posts.length);
  });
});

/** One tools/call over the stateless 2025 wire (no initialize needed), straight through the gateway. */
async function rawPing(): Promise<number> {
  const response = await fetch(stack.endpoint, {
    method: 'POST',
    headers: {
      ...headers(),
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      'MCP-Protocol-Version': LEGACY_PROTOCOL,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'ping', arguments: {} } }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('concurrency', () => {
  it('8 concurrent SDK 1.x clients all succeed against the default stack (mcp_reserved_concurrency = 10)', async () => {
    expect(stack.config.mcp.concurrencyLimit).toBe(10);
    // Eight environments first: eight simultaneous cold starts on a busy two-core machine can pass
    // Lambda's 10 s INIT limit, and cold starts are not the subject here; concurrency is.
    for (let round = 0; round < 6 && stack.mcp.stats().environments < 8; round++)
      await Promise.all(Array.from({ length: 8 }, rawPing));
    expect(stack.mcp.stats().environments).toBeGreaterThanOrEqual(8);
    const throttlesBefore = stack.mcp.stats().throttles;
    const from = access.length;

    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, async (_, index) => {
        const client = new Client({ name: `concurrent-${index}`, version: '1.0.0' });
        await client.connect(
          new StreamableHTTPClientTransport(new URL(stack.endpoint), { requestInit: { headers: headers() } }),
        );
        const result = await client.callTool({ name: 'ping', arguments: {} });
        await client.close();
        return result;
      }),
    );
    const failures = outcomes
      .filter((outcome) => outcome.status === 'rejected')
      .map((outcome) => String((outcome as PromiseRejectedResult).reason));
    expect(failures).toEqual([]);
    for (const outcome of outcomes)
      expect(
        (outcome as PromiseFulfilledResult<{ structuredContent?: { message?: string } }>).value.structuredContent
          ?.message,
      ).toBe('pong');
    // No invocation rejected for concurrency (LAMBDA_INVOKE_REJECTED), no 5xx at all.
    expect(stack.mcp.stats().throttles).toBe(throttlesBefore);
    expect(access.slice(from).filter((entry) => entry.status >= 500)).toEqual([]);
    console.log(
      `8 concurrent SDK 1.x sessions: ${access.slice(from).length} requests, peak environments ${stack.mcp.stats().environments}`,
    );
  }, 180_000);
});
