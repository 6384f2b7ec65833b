import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStack } from '../../emulator/stack.ts';
import { LEGACY_PROTOCOL } from '../support/mcp-protocol.ts';
import { startTestStack } from '../support/stack.ts';

interface TimedEvent {
  readonly atMs: number;
  readonly message: {
    method?: string;
    params?: { progress?: number };
    result?: { structuredContent?: { stepsCompleted?: number } };
  };
}

/** Posts a long_task call with a progress token and records when each SSE message arrives. */
async function streamLongTask(
  endpoint: string,
  token: string,
  steps: number,
  stepMs: number,
): Promise<{ status: number; contentType: string | null; events: TimedEvent[] }> {
  const started = performance.now();
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': LEGACY_PROTOCOL,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'long_task', arguments: { steps, stepMs }, _meta: { progressToken: 'progress-1' } },
    }),
  });
  const events: TimedEvent[] = [];
  if (response.body) {
    const decoder = new TextDecoder();
    let pending = '';
    for await (const chunk of response.body) {
      pending += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = pending.indexOf('\n\n')) >= 0) {
        const frame = pending.slice(0, end);
        pending = pending.slice(end + 2);
        const data = frame.split('\n').find((line) => line.startsWith('data: '));
        if (data)
          events.push({
            atMs: performance.now() - started,
            message: JSON.parse(data.slice(6)) as TimedEvent['message'],
          });
      }
    }
  }
  return { status: response.status, contentType: response.headers.get('content-type'), events };
}

describe('API Gateway response streaming (streaming_enabled)', () => {
  let streaming: RunningStack & { token: string };
  let buffered: RunningStack & { token: string };

  beforeAll(async () => {
    [streaming, buffered] = await Promise.all([
      startTestStack({ overrides: { streaming_enabled: true, mcp_timeout_seconds: 10 }, integrationTimeoutMs: 2_000 }),
      startTestStack({ integrationTimeoutMs: 2_000 }),
    ]);
    // Warm both so timings measure the stream, not cold starts (a cold start on a busy machine can
    // itself exceed the short integration timeout these tests use).
    for (const stack of [streaming, buffered]) {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        if ((await streamLongTask(stack.endpoint, stack.token, 1, 0)).status === 200) break;
      }
    }
  });
  afterAll(async () => {
    await Promise.all([streaming?.stop(), buffered?.stop()]);
  });

  it('delivers progress notifications in order, each as it happens, before the result', async () => {
    const { status, contentType, events } = await streamLongTask(streaming.endpoint, streaming.token, 4, 500);
    expect(status).toBe(200);
    expect(contentType).toBe('text/event-stream');
    const progress = events.filter((e) => e.message.method === 'notifications/progress');
    expect(progress.map((e) => e.message.params?.progress)).toEqual([1, 2, 3, 4]);
    expect(events.at(-1)?.message.result?.structuredContent?.stepsCompleted).toBe(4);
    // Chunks reach the client as written: the first progress arrives before the function could have
    // produced the result (4 × 500 ms of work), which a buffered response cannot do.
    expect(progress[0]!.atMs).toBeLessThan(4 * 500);
    expect(events.at(-1)!.atMs).toBeGreaterThanOrEqual(4 * 500 - 50);
  });

  it('lets a streamed tool run past the integration timeout once the stream has started', async () => {
    const { status, events } = await streamLongTask(streaming.endpoint, streaming.token, 6, 500);
    expect(status).toBe(200);
    expect(events.at(-1)?.message.result?.structuredContent?.stepsCompleted).toBe(6);
    expect(events.at(-1)!.atMs).toBeGreaterThan(2_000);
  });

  it('keeps the buffered integration unchanged: the whole SSE body arrives at once, and long calls answer 504', async () => {
    const { status, events } = await streamLongTask(buffered.endpoint, buffered.token, 3, 200);
    expect(status).toBe(200);
    expect(events.map((e) => e.message.params?.progress ?? 'result')).toEqual([1, 2, 3, 'result']);
    // Buffered: nothing reaches the client before the whole task (3 × 200 ms) has run, not even
    // the first progress notification, which the function sent after 200 ms.
    expect(events[0]!.atMs).toBeGreaterThanOrEqual(3 * 200 - 50);
    const long = await fetch(buffered.endpoint, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${buffered.token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': LEGACY_PROTOCOL,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'long_task', arguments: { steps: 5, stepMs: 500 } },
      }),
    });
    expect(long.status).toBe(504);
  });
});
