/**
 * The default tool set's task: long_task answers a client that declares the tasks extension with a
 * task at once, instead of holding the request open for steps × stepMs, and the task completes with
 * the same result the inline call gives. Through the embedded stack, default profile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../support/stack.ts';
import { isTerminal, pollTask, resultOf, rpc, WITHOUT_TASKS, type RpcAnswer } from './support/modern-rpc.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let stack: Stack;

const call = (method: string, params: Record<string, unknown>, capabilities?: object): Promise<RpcAnswer> =>
  rpc((request) => fetch(request), stack.endpoint, method, params, {
    headers: { authorization: `Bearer ${stack.token}` },
    ...(capabilities ? { capabilities } : {}),
  });

beforeAll(async () => {
  stack = await startTestStack();
  // Warm the authorizer and one environment.
  resultOf(await call('tools/list', {}));
});
afterAll(async () => {
  await stack?.stop();
});

describe('long_task as a task (default profile, tasks_enabled)', () => {
  it('answers with a working task instead of holding the request open for steps × stepMs', async () => {
    // 4 × 5 s: a server that ran the steps inline (or waited for them) could not answer in time.
    const started = performance.now();
    const created = resultOf(await call('tools/call', { name: 'long_task', arguments: { steps: 4, stepMs: 5_000 } }));
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(created).toMatchObject({ resultType: 'task', status: 'working' });
    const taskId = String(created.taskId);
    expect(resultOf(await call('tasks/get', { taskId }))).toMatchObject({ taskId, status: 'working' });
    expect(resultOf(await call('tasks/cancel', { taskId })).resultType).toBe('complete');
  });

  it('completes the task, no sooner than steps × stepMs, with the result the inline call gives', async () => {
    const started = performance.now();
    const created = resultOf(await call('tools/call', { name: 'long_task', arguments: { steps: 4, stepMs: 300 } }));
    expect(created).toMatchObject({ resultType: 'task' });
    const done = await pollTask(() => call('tasks/get', { taskId: String(created.taskId) }), isTerminal);
    // Started before the call, so whatever the machine's load this holds for a task that waits its time.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_200);
    expect(done).toMatchObject({
      status: 'completed',
      result: { structuredContent: { stepsCompleted: 4, elapsedMs: 1_200 } },
    });
  });

  it('runs inline, as before, for a client without the extension', async () => {
    const answer = resultOf(
      await call('tools/call', { name: 'long_task', arguments: { steps: 2, stepMs: 100 } }, WITHOUT_TASKS),
    );
    expect(answer.resultType).toBe('complete');
    expect(answer.structuredContent).toMatchObject({ stepsCompleted: 2 });
    expect(answer.taskId).toBeUndefined();
  });

  it('can be cancelled while working', async () => {
    const taskId = String(
      resultOf(await call('tools/call', { name: 'long_task', arguments: { steps: 50, stepMs: 5_000 } })).taskId,
    );
    expect(resultOf(await call('tasks/cancel', { taskId })).resultType).toBe('complete');
    expect(resultOf(await call('tasks/get', { taskId })).status).toBe('cancelled');
  });
});
