/**
 * Why the task store is durable and shared: on Lambda a poll may reach any execution environment.
 * Through the embedded stack (API Gateway, authorizer, one process per environment), a task is
 * created in one environment and read, advanced and cancelled from another while the first is busy.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../support/stack.ts';
import { isTerminal, pollTask, resultOf, rpc, TASKS_EXT, WITHOUT_TASKS, type RpcAnswer } from './support/modern-rpc.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

const CONFORMANCE_PROFILE = {
  MCP_PROFILE: 'conformance',
  MCP_REQUEST_STATE_KEY: randomBytes(32).toString('base64url'),
};

function client(stack: Stack) {
  return (method: string, params: Record<string, unknown>, capabilities?: object): Promise<RpcAnswer> =>
    rpc((request) => fetch(request), stack.endpoint, method, params, {
      headers: { authorization: `Bearer ${stack.token}` },
      ...(capabilities ? { capabilities } : {}),
    });
}

/** Waits until the pool reports `busy` environments serving requests. */
async function untilBusy(stack: Stack, busy: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (stack.mcp.stats().busy < busy) {
    if (Date.now() > deadline) throw new Error(`never ${busy} busy environments: ${JSON.stringify(stack.mcp.stats())}`);
    await sleep(20);
  }
}

describe('tasks across execution environments (embedded stack, tasks_enabled)', () => {
  let stack: Stack;
  beforeAll(async () => {
    // The 12 s hold below must outlast the checks, not the function timeout (10 s by default).
    stack = await startTestStack({
      build: { test: true },
      mcpEnvironment: CONFORMANCE_PROFILE,
      overrides: { mcp_timeout_seconds: 30 },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('reads, completes and cancels from a second environment the tasks the first one created', async () => {
    const call = client(stack);
    // Environment A creates both tasks (it is the only one).
    const quick = String(
      resultOf(await call('tools/call', { name: 'slow_compute', arguments: { seconds: 1, label: 'shared' } })).taskId,
    );
    const long = String(
      resultOf(await call('tools/call', { name: 'slow_compute', arguments: { seconds: 60, label: 'shared-long' } }))
        .taskId,
    );
    expect(stack.mcp.stats().environments).toBe(1);

    // Keep A busy with an inline call; every request below must start or use another environment.
    // (12 s: long enough that a loaded machine still finds A busy at the end of the checks below.)
    const busy = call('tools/call', { name: 'slow_compute', arguments: { seconds: 12, label: 'hold' } }, WITHOUT_TASKS);
    await untilBusy(stack, 1);

    const seen = resultOf(await call('tasks/get', { taskId: quick }));
    expect(seen).toMatchObject({ taskId: quick, status: expect.stringMatching(/^(working|completed)$/) });
    expect(stack.mcp.stats().environments).toBe(2);
    const done = await pollTask(() => call('tasks/get', { taskId: quick }), isTerminal);
    expect(done).toMatchObject({
      status: 'completed',
      result: { content: [{ type: 'text', text: 'slow_compute shared finished after 1s' }] },
    });

    expect(resultOf(await call('tasks/cancel', { taskId: long })).resultType).toBe('complete');
    expect(resultOf(await call('tasks/get', { taskId: long })).status).toBe('cancelled');
    expect(stack.mcp.stats().busy).toBe(1); // A was busy throughout
    expect(resultOf(await busy).content).toEqual([{ type: 'text', text: 'slow_compute hold finished after 12s' }]);

    // Back on A (now idle, and the most recently used): it sees what B wrote.
    expect(resultOf(await call('tasks/get', { taskId: long })).status).toBe('cancelled');
  }, 90_000);
});

describe('tasks_enabled = false', () => {
  it('leaves the extension unadvertised and the task fixtures unregistered', async () => {
    const stack = await startTestStack({
      build: { test: true },
      mcpEnvironment: CONFORMANCE_PROFILE,
      overrides: { tasks_enabled: false },
    });
    try {
      const call = client(stack);
      const capabilities = resultOf(await call('server/discover', {})).capabilities as {
        extensions?: Record<string, unknown>;
      };
      expect(capabilities.extensions?.[TASKS_EXT]).toBeUndefined();
      expect((await call('tools/call', { name: 'slow_compute', arguments: { seconds: 0 } })).error).toBeDefined();
    } finally {
      await stack.stop();
    }
  });
});
