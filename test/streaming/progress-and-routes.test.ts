/**
 * Streaming mode (`streaming_enabled = true`) through the emulated API Gateway and Lambda:
 * 2026-07-28 progress notifications arrive as they are written, spaced in time and before the
 * result, over raw fetch (the `_meta` envelope and Mcp-Method/Mcp-Name headers) and through the v2
 * SDK client; the routes the streaming handler answers from the buffered app (health, RFC 9728
 * metadata, the 405 for GET /mcp) and the gateway's own 401 are unchanged.
 */
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  Client,
  PROTOCOL_VERSION_META_KEY,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStack } from '../../emulator/stack.ts';
import { MODERN_PROTOCOL } from '../support/mcp-protocol.ts';
import { progressOf, resultOf, streamLongTask, startStreamingStack } from './support.ts';

let stack: RunningStack & { token: string };

beforeAll(async () => {
  stack = await startStreamingStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('2026-07-28 progress through the streaming stack', () => {
  it('raw fetch: progress notifications arrive in order, spaced by the step time, before the result', async () => {
    const call = await streamLongTask({
      url: stack.endpoint,
      token: stack.token,
      protocol: MODERN_PROTOCOL,
      steps: 4,
      stepMs: 300,
    });
    expect(call.status).toBe(200);
    expect(call.contentType).toBe('text/event-stream');
    expect(call.bodyError).toBeUndefined();
    const progress = progressOf(call);
    expect(progress.map((m) => [m.message.params?.progress, m.message.params?.total])).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
    expect(progress.every((m) => m.message.params?.progressToken === 'progress-1')).toBe(true);
    const result = resultOf(call)!;
    expect(result.message.id).toBe(1);
    expect(result.message.result?.structuredContent?.stepsCompleted).toBe(4);
    expect(call.messages.at(-1)).toBe(result);
    // Each notification arrives when its step ends, not all at once with the result.
    for (let i = 1; i < progress.length; i += 1)
      expect(progress[i]!.atMs - progress[i - 1]!.atMs).toBeGreaterThanOrEqual(200);
    expect(result.atMs - progress[0]!.atMs).toBeGreaterThanOrEqual(3 * 200);
  });

  it('v2 SDK client: onprogress fires during the call, spaced in time, before callTool resolves', async () => {
    const client = new Client(
      { name: 'streaming-progress', version: '1.0.0' },
      { versionNegotiation: { mode: { pin: MODERN_PROTOCOL } } },
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(stack.endpoint), { authProvider: { token: async () => stack.token } }),
    );
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe(MODERN_PROTOCOL);
      const started = performance.now();
      const updates: Array<{ progress: number; total?: number; atMs: number }> = [];
      const result = await client.callTool(
        { name: 'long_task', arguments: { steps: 4, stepMs: 300 } },
        {
          onprogress: (p) =>
            updates.push({
              progress: p.progress,
              ...(p.total === undefined ? {} : { total: p.total }),
              atMs: performance.now() - started,
            }),
        },
      );
      const resolvedAt = performance.now() - started;
      expect(result.structuredContent).toMatchObject({ stepsCompleted: 4 });
      expect(updates.map((u) => u.progress)).toEqual([1, 2, 3, 4]);
      for (let i = 1; i < updates.length; i += 1)
        expect(updates[i]!.atMs - updates[i - 1]!.atMs).toBeGreaterThanOrEqual(200);
      expect(resolvedAt - updates[0]!.atMs).toBeGreaterThanOrEqual(3 * 200);
    } finally {
      await client.close();
    }
  });

  it('a 2026-07-28 call that sends no progress token is answered as plain JSON', async () => {
    const response = await fetch(stack.endpoint, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': MODERN_PROTOCOL,
        'mcp-method': 'tools/call',
        'mcp-name': 'long_task',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 9,
        method: 'tools/call',
        params: {
          name: 'long_task',
          arguments: { steps: 2, stepMs: 10 },
          _meta: {
            [PROTOCOL_VERSION_META_KEY]: MODERN_PROTOCOL,
            [CLIENT_INFO_META_KEY]: { name: 'raw', version: '1' },
            [CLIENT_CAPABILITIES_META_KEY]: {},
          },
        },
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(
      ((await response.json()) as { result: { structuredContent: unknown } }).result.structuredContent,
    ).toMatchObject({ stepsCompleted: 2 });
  });
});

describe('the other routes in streaming mode', () => {
  it('GET /health answers 200 JSON without a token', async () => {
    const response = await fetch(`${stack.baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('x-amzn-requestid')).toBeTruthy();
    expect(await response.json()).toMatchObject({ status: 'ok', logStream: expect.stringContaining('[$LATEST]') });
  });

  it.each(['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp'])(
    'GET %s serves the RFC 9728 metadata without a token',
    async (path) => {
      const response = await fetch(`${stack.baseUrl}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.headers.get('cache-control')).toBe('max-age=300');
      expect(await response.json()).toMatchObject({ resource: stack.endpoint, bearer_methods_supported: ['header'] });
    },
  );

  it('GET /mcp with a token answers 405 with Allow: POST', async () => {
    const response = await fetch(stack.endpoint, {
      headers: { authorization: `Bearer ${stack.token}`, accept: 'text/event-stream' },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(((await response.json()) as { error: { code: number } }).error.code).toBe(-32600);
  });

  it('POST /mcp without a token gets the gateway 401 with the discovery challenge, not a stream', async () => {
    const response = await fetch(stack.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${stack.baseUrl}/.well-known/oauth-protected-resource"`,
    );
  });
});
