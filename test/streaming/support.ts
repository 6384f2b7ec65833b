/**
 * Helpers for the response-streaming tests: streamed long_task calls over raw fetch with the arrival
 * time of every SSE message, and the REPORT line of an invocation from the stack's logs.
 */
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  PROTOCOL_VERSION_META_KEY,
} from '@modelcontextprotocol/client';
import { parseReportLine, type ParsedReport } from '../../shared/lambda-log-lines.ts';
import type { RunningStack, StartStackOptions } from '../../emulator/stack.ts';
import { startTestStack } from '../support/stack.ts';
import { LEGACY_PROTOCOL, MODERN_PROTOCOL } from '../support/mcp-protocol.ts';

export interface SseMessage {
  readonly atMs: number;
  readonly message: {
    id?: number;
    method?: string;
    params?: { progress?: number; total?: number; progressToken?: unknown };
    result?: { isError?: boolean; structuredContent?: { stepsCompleted?: number } };
    error?: unknown;
  };
}

export interface StreamedCall {
  readonly status: number;
  readonly contentType: string | null;
  readonly requestId: string | null;
  readonly messages: SseMessage[];
  /** Set when the body ended abnormally (cut by the gateway, or aborted by us). */
  readonly bodyError: { readonly atMs: number; readonly message: string } | undefined;
  /** When the body ended, cleanly or not. */
  readonly endedAtMs: number;
}

export interface LongTaskCall {
  readonly url: string;
  readonly token: string;
  readonly steps: number;
  readonly stepMs: number;
  readonly protocol?: typeof LEGACY_PROTOCOL | typeof MODERN_PROTOCOL;
  readonly id?: number;
  /** Called for each SSE message as it arrives; may abort the request. */
  readonly onMessage?: (message: SseMessage, abort: () => void) => void;
}

/** The request a conforming client sends: 2026-07-28 with the `_meta` envelope and Mcp-Method/Mcp-Name, or 2025-era. */
export function longTaskRequest(call: Pick<LongTaskCall, 'steps' | 'stepMs' | 'protocol' | 'id'>): {
  headers: Record<string, string>;
  body: string;
} {
  const protocol = call.protocol ?? LEGACY_PROTOCOL;
  const modern = protocol === MODERN_PROTOCOL;
  const meta = modern
    ? {
        progressToken: 'progress-1',
        [PROTOCOL_VERSION_META_KEY]: MODERN_PROTOCOL,
        [CLIENT_INFO_META_KEY]: { name: 'streaming-test', version: '1.0.0' },
        [CLIENT_CAPABILITIES_META_KEY]: {},
      }
    : { progressToken: 'progress-1' };
  return {
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': protocol,
      ...(modern ? { 'mcp-method': 'tools/call', 'mcp-name': 'long_task' } : {}),
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: call.id ?? 1,
      method: 'tools/call',
      params: { name: 'long_task', arguments: { steps: call.steps, stepMs: call.stepMs }, _meta: meta },
    }),
  };
}

/** Posts a long_task call and records when each SSE message arrives, and how the body ended. */
export async function streamLongTask(call: LongTaskCall): Promise<StreamedCall> {
  const started = performance.now();
  const controller = new AbortController();
  const { headers, body } = longTaskRequest(call);
  const response = await fetch(call.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${call.token}`, ...headers },
    body,
    signal: controller.signal,
  });
  const messages: SseMessage[] = [];
  let bodyError: StreamedCall['bodyError'];
  if (response.body) {
    const decoder = new TextDecoder();
    let pending = '';
    try {
      for await (const chunk of response.body) {
        pending += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = pending.indexOf('\n\n')) >= 0) {
          const frame = pending.slice(0, end);
          pending = pending.slice(end + 2);
          const data = frame.split('\n').find((line) => line.startsWith('data: '));
          if (!data) continue;
          const message: SseMessage = {
            atMs: performance.now() - started,
            message: JSON.parse(data.slice(6)) as SseMessage['message'],
          };
          messages.push(message);
          call.onMessage?.(message, () => controller.abort());
        }
      }
    } catch (error) {
      bodyError = {
        atMs: performance.now() - started,
        message:
          error instanceof Error
            ? `${error.message} ${String((error as { cause?: unknown }).cause ?? '')}`
            : String(error),
      };
    }
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    requestId: response.headers.get('x-amzn-requestid'),
    messages,
    bodyError,
    endedAtMs: performance.now() - started,
  };
}

export function progressOf(call: StreamedCall): SseMessage[] {
  return call.messages.filter((m) => m.message.method === 'notifications/progress');
}

export function resultOf(call: StreamedCall): SseMessage | undefined {
  return call.messages.find((m) => m.message.result !== undefined || m.message.error !== undefined);
}

/** Waits for the REPORT line Lambda writes when the invocation `requestId` ends. */
export async function waitForReport(stack: RunningStack, requestId: string, timeoutMs: number): Promise<ParsedReport> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const line = stack.logs
      .messages(stack.mcp.logGroupName)
      .find((m) => m.startsWith('REPORT') && m.includes(`RequestId: ${requestId}`));
    const report = line === undefined ? undefined : parseReportLine(line);
    if (report) return report;
    if (performance.now() > deadline) throw new Error(`no REPORT line for ${requestId} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Warms the stack so timings measure the stream, not a cold start. */
export async function warm(stack: RunningStack & { token: string }): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    if ((await streamLongTask({ url: stack.endpoint, token: stack.token, steps: 1, stepMs: 0 })).status === 200) return;
  }
}

/** An embedded stack in streaming mode (function timeout 20 s), warmed so tests time the streams, not a cold start. */
export async function startStreamingStack(options: StartStackOptions = {}): Promise<RunningStack & { token: string }> {
  const stack = await startTestStack({
    ...options,
    overrides: { streaming_enabled: true, mcp_timeout_seconds: 20, ...options.overrides },
  });
  await warm(stack);
  return stack;
}
