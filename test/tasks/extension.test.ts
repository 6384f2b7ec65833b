/**
 * The tasks extension as a client sees it, through the SDK's own handler in process (the
 * conformance profile over a file store): advertisement, the -32021 gate before any lookup,
 * -32602 for unknown ids, wire shapes, owner binding, partial input, idempotent cancel. The
 * embedded-stack runs of the official suite (npm run conformance) cover the same ground end to end.
 */
import { createMcpHandler, type AuthInfo } from '@modelcontextprotocol/server';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serverFactoryFor } from '../fixtures/test-server/in-process.ts';
import {
  isTerminal,
  pollTask,
  resultOf,
  rpc,
  TASKS_EXT,
  WITH_TASKS,
  WITHOUT_TASKS,
  type RpcAnswer,
} from './support/modern-rpc.ts';

const URL_ = 'http://127.0.0.1/dev/mcp';
const KEY = 'tasks-extension-test-key-0123456789abcdef';
const MISSING_CAPABILITY = -32021;
const INVALID_PARAMS = -32602;
const ENVELOPE_KEYS = ['taskId', 'status', 'result', 'error', 'inputRequests'];

const caller = (principal: string): AuthInfo => ({
  token: `token-${principal}`,
  clientId: principal,
  scopes: [],
  extra: { principal },
});

function serve(env: Record<string, string>) {
  const handler = createMcpHandler(
    serverFactoryFor({ MCP_PROFILE: 'conformance', MCP_REQUEST_STATE_KEY: KEY, ...env }),
    { legacy: 'stateless' },
  );
  const as =
    (principal: string) =>
    (method: string, params: Record<string, unknown>, capabilities: object = WITH_TASKS) =>
      rpc((request) => handler.fetch(request, { authInfo: caller(principal) }), URL_, method, params, { capabilities });
  return { handler, as };
}

const withStore = serve({ MCP_TASK_STORE_DIR: mkdtempSync(path.join(tmpdir(), 'tasks-extension-')) });
const withoutStore = serve({});
const alice = withStore.as('alice');
const bob = withStore.as('bob');

afterAll(async () => {
  await withStore.handler.close();
  await withoutStore.handler.close();
});

const taskIdOf = (answer: RpcAnswer): string => String(resultOf(answer).taskId);
const get = (taskId: string) => () => alice('tasks/get', { taskId });

describe('advertisement', () => {
  it('advertises the extension in server/discover when a store is configured, never as capabilities.tasks', async () => {
    const capabilities = resultOf(await alice('server/discover', {})).capabilities as Record<string, unknown>;
    expect(capabilities.extensions).toEqual({ [TASKS_EXT]: {} });
    expect(capabilities.tasks).toBeUndefined();
    // The tools capability is still advertised as before (the extension hooks it in first).
    expect(capabilities.tools).toEqual({ listChanged: false });
  });

  it('without a store: no extension, no task fixtures, and tasks/get is an unknown method', async () => {
    const noStore = withoutStore.as('alice');
    const capabilities = resultOf(await noStore('server/discover', {})).capabilities as Record<string, unknown>;
    expect(capabilities.extensions).toBeUndefined();
    const tools = (resultOf(await noStore('tools/list', {})).tools as Array<{ name: string }>).map((tool) => tool.name);
    expect(tools).not.toContain('slow_compute');
    expect((await noStore('tasks/get', { taskId: 'x' })).error?.code).toBe(-32601);
  });
});

describe('errors', () => {
  it.each(['tasks/get', 'tasks/update', 'tasks/cancel'])(
    '%s without the extension is -32021 naming it, before any lookup (the id does not exist)',
    async (method) => {
      const answer = await alice(
        method,
        { taskId: 'gate-test', ...(method === 'tasks/update' ? { inputResponses: {} } : {}) },
        WITHOUT_TASKS,
      );
      expect(answer.status).toBe(400);
      expect(answer.error).toMatchObject({
        code: MISSING_CAPABILITY,
        data: { requiredCapabilities: { extensions: { [TASKS_EXT]: {} } } },
      });
    },
  );

  it.each(['tasks/get', 'tasks/update', 'tasks/cancel'])('%s of an unknown id is -32602', async (method) => {
    const answer = await alice(method, {
      taskId: 'tasks-nonexistent-12345',
      ...(method === 'tasks/update' ? { inputResponses: {} } : {}),
    });
    expect(answer.error).toMatchObject({ code: INVALID_PARAMS, message: expect.stringMatching(/Task not found/) });
  });

  it('refuses a tool that only runs as a task to a client without the extension (-32021), and runs an optional one inline', async () => {
    const refused = await alice('tools/call', { name: 'failing_job', arguments: {} }, WITHOUT_TASKS);
    expect(refused.status).toBe(400);
    expect(refused.error).toMatchObject({
      code: MISSING_CAPABILITY,
      data: { requiredCapabilities: { extensions: { [TASKS_EXT]: {} } } },
    });
    const inline = resultOf(
      await alice('tools/call', { name: 'slow_compute', arguments: { seconds: 0, label: 'inline' } }, WITHOUT_TASKS),
    );
    expect(inline.resultType).toBe('complete');
    expect(inline.taskId).toBeUndefined();
    expect(inline.content).toEqual([{ type: 'text', text: 'slow_compute inline finished after 0s' }]);
  });
});

describe('a task from creation to completion', () => {
  it('answers tools/call with a flat CreateTaskResult, reports working, then the completed result', async () => {
    const created = resultOf(
      await alice('tools/call', { name: 'slow_compute', arguments: { seconds: 3, label: 'flow' } }),
    );
    expect(created).toMatchObject({
      resultType: 'task',
      status: 'working',
      ttlMs: expect.any(Number),
      pollIntervalMs: expect.any(Number),
    });
    expect(created.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    for (const key of ['task', 'result', 'error', 'inputRequests', 'requestState', 'ttl', 'pollInterval'])
      expect(created, key).not.toHaveProperty(key);

    const taskId = String(created.taskId);
    const first = resultOf(await get(taskId)());
    expect(first).toMatchObject({ taskId, status: 'working', resultType: 'complete' });
    const done = await pollTask(get(taskId), isTerminal);
    expect(done).toMatchObject({
      status: 'completed',
      result: { content: [{ type: 'text', text: 'slow_compute flow finished after 3s' }] },
    });
    expect(done).not.toHaveProperty('error');
    expect(
      (done.result as { _meta?: Record<string, unknown> })._meta?.['io.modelcontextprotocol/related-task'],
    ).toBeUndefined();
  });

  it('reports a tool failure as completed with isError, and a protocol failure as failed with an error', async () => {
    const failing = await pollTask(
      get(taskIdOf(await alice('tools/call', { name: 'failing_job', arguments: {} }))),
      isTerminal,
    );
    expect(failing).toMatchObject({ status: 'completed', result: { isError: true } });
    const broken = await pollTask(
      get(taskIdOf(await alice('tools/call', { name: 'protocol_error_job', arguments: {} }))),
      isTerminal,
    );
    expect(broken).toMatchObject({ status: 'failed', error: { code: -32603, message: expect.any(String) } });
    expect(broken).not.toHaveProperty('result');
  });
});

describe('input through tasks/update', () => {
  it('keeps asking for what is unanswered, ignores unknown keys, and completes once everything is answered', async () => {
    const taskId = taskIdOf(await alice('tools/call', { name: 'multi_input', arguments: {} }));
    const asking = resultOf(await get(taskId)());
    expect(asking.status).toBe('input_required');
    const [first, second] = Object.keys(asking.inputRequests as object);
    expect(first && second).toBeTruthy();

    const ignored = resultOf(
      await alice('tasks/update', { taskId, inputResponses: { 'unknown-key': { ignored: true } } }),
    );
    expect(ignored.resultType).toBe('complete');
    for (const key of ENVELOPE_KEYS) expect(ignored).not.toHaveProperty(key);

    await alice('tasks/update', {
      taskId,
      inputResponses: { [first!]: { action: 'accept', content: { name: 'partial-1', confirm: true } } },
    });
    const partial = resultOf(await get(taskId)());
    expect(partial.status).toBe('input_required');
    expect(Object.keys(partial.inputRequests as object)).toEqual([second]);

    await alice('tasks/update', {
      taskId,
      inputResponses: { [second!]: { action: 'accept', content: { name: 'partial-2', confirm: true } } },
    });
    expect(await pollTask(get(taskId), isTerminal)).toMatchObject({ status: 'completed' });
  });
});

describe('cancel and ownership', () => {
  it('cancels with an empty acknowledgement, and cancelling again (terminal) is acknowledged the same way', async () => {
    const taskId = taskIdOf(await alice('tools/call', { name: 'slow_compute', arguments: { seconds: 60 } }));
    for (let round = 0; round < 2; round += 1) {
      const ack = resultOf(await alice('tasks/cancel', { taskId }));
      expect(ack.resultType).toBe('complete');
      for (const key of ENVELOPE_KEYS) expect(ack).not.toHaveProperty(key);
    }
    expect(resultOf(await get(taskId)())).toMatchObject({ status: 'cancelled' });
  });

  it('hides a task from another caller, who can neither read nor cancel it', async () => {
    const taskId = taskIdOf(await alice('tools/call', { name: 'slow_compute', arguments: { seconds: 60 } }));
    expect((await bob('tasks/get', { taskId })).error?.code).toBe(INVALID_PARAMS);
    expect((await bob('tasks/cancel', { taskId })).error?.code).toBe(INVALID_PARAMS);
    expect(resultOf(await get(taskId)()).status).toBe('working');
  });
});
