/**
 * 2026-07-28 JSON-RPC requests as the conformance suite's stateless client sends them: no session,
 * the per-request `_meta` envelope, and the `Mcp-Method` / `Mcp-Name` headers (tasks/* name the
 * task id). Works over any fetch: the embedded stack over HTTP, or the SDK handler in process.
 */
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  PROTOCOL_VERSION_META_KEY,
} from '@modelcontextprotocol/client';
import { MODERN_PROTOCOL as MODERN, nextRequestId } from '../../support/mcp-protocol.ts';

export const TASKS_EXT = 'io.modelcontextprotocol/tasks';
/** What a client that opts in to tasks declares (plus elicitation, for the input fixtures). */
export const WITH_TASKS = { elicitation: {}, extensions: { [TASKS_EXT]: {} } } as const;
export const WITHOUT_TASKS = {} as const;

export type FetchLike = (request: Request) => Promise<Response>;

export interface RpcAnswer {
  readonly status: number;
  readonly result?: Record<string, unknown>;
  readonly error?: { code: number; message: string; data?: unknown };
}

export async function rpc(
  fetchLike: FetchLike,
  url: string,
  method: string,
  params: Record<string, unknown>,
  options: { capabilities?: object; headers?: Record<string, string> } = {},
): Promise<RpcAnswer> {
  const name = method === 'tools/call' ? params.name : method.startsWith('tasks/') ? params.taskId : undefined;
  const body = {
    jsonrpc: '2.0',
    id: nextRequestId(),
    method,
    params: {
      ...params,
      _meta: {
        [PROTOCOL_VERSION_META_KEY]: MODERN,
        [CLIENT_INFO_META_KEY]: { name: 'tasks-test', version: '1.0.0' },
        [CLIENT_CAPABILITIES_META_KEY]: options.capabilities ?? WITH_TASKS,
      },
    },
  };
  const response = await fetchLike(
    new Request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': MODERN,
        'mcp-method': method,
        ...(typeof name === 'string' ? { 'mcp-name': name } : {}),
        ...options.headers,
      },
      body: JSON.stringify(body),
    }),
  );
  const text = await response.text();
  // SSE or JSON: the answer is the last `data:` line, or the body itself.
  const dataLine = text
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .at(-1);
  const json = JSON.parse(dataLine ? dataLine.slice(5) : text) as {
    result?: Record<string, unknown>;
    error?: RpcAnswer['error'];
  };
  return {
    status: response.status,
    ...(json.result ? { result: json.result } : {}),
    ...(json.error ? { error: json.error } : {}),
  };
}

/** The result, or a thrown error naming the JSON-RPC error. */
export function resultOf(answer: RpcAnswer): Record<string, unknown> {
  if (!answer.result) throw new Error(`expected a result, got HTTP ${answer.status} ${JSON.stringify(answer.error)}`);
  return answer.result;
}

/** Polls tasks/get until the task is terminal (or `status`), as the suite does (every 100 ms). */
export async function pollTask(
  get: () => Promise<RpcAnswer>,
  until: (status: string) => boolean,
  timeoutMs = 10_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = resultOf(await get());
    if (until(String(task.status))) return task;
    if (Date.now() > deadline) throw new Error(`task still ${String(task.status)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const isTerminal = (status: string): boolean =>
  status === 'completed' || status === 'failed' || status === 'cancelled';
