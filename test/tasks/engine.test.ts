/**
 * The tasks engine over the in-memory store with a clock the test moves: advance on access (a
 * `working` task finishes when it is next read after its work is due), compare-and-set, TTL,
 * owner binding, partial input, idempotent cancel.
 */
import { describe, expect, it } from 'vitest';
import { TaskConflictError, TaskEngine, TaskNotFoundError, type TaskProgram } from '../../server/mcp/tasks/engine.ts';
import { MemoryTaskStore } from '../../server/mcp/tasks/memory-store.ts';
import type { TaskStore } from '../../server/mcp/tasks/store.ts';
import type { JsonObject, TaskRecord } from '../../server/mcp/tasks/types.ts';

const T0 = Date.parse('2026-07-28T12:00:00.000Z');
const ALICE = 'alice';
const text = (value: string): JsonObject => ({ content: [{ type: 'text', text: value }] });
const elicit = (message: string): JsonObject => ({
  method: 'elicitation/create',
  params: { message, requestedSchema: { type: 'object' }, mode: 'form' },
});

const PROGRAMS = new Map<string, TaskProgram>([
  ['sleep', { finish: (task) => ({ status: 'completed', result: text(`slept ${String(task.args.ms)} ms`) }) }],
  [
    'two_stage',
    {
      finish: (task) =>
        task.statusMessage === 'stage 1'
          ? { status: 'working', delayMs: 500, statusMessage: 'stage 2' }
          : { status: 'completed', result: text('both stages') },
    },
  ],
  [
    'ask_two',
    {
      resume: (_task, answers) => ({
        status: 'completed',
        result: text(`answers: ${Object.keys(answers).sort().join(',')}`),
      }),
    },
  ],
]);

function setup(options: { ttlMs?: number; store?: TaskStore } = {}) {
  let now = T0;
  const clock = { advance: (ms: number) => void (now += ms), now: () => now };
  const store = options.store ?? new MemoryTaskStore(clock.now);
  const engine = new TaskEngine({
    store,
    programs: PROGRAMS,
    now: clock.now,
    ...(options.ttlMs ? { ttlMs: options.ttlMs } : {}),
  });
  return { engine, store, clock };
}

describe('advance on access', () => {
  it('keeps a task working until its work is due, then completes it on the next read, stamped at the due time', async () => {
    const { engine, clock } = setup();
    const created = await engine.create(ALICE, 'sleep', { ms: 2000 }, { status: 'working', delayMs: 2000 });
    expect(created).toMatchObject({
      status: 'working',
      createdAt: '2026-07-28T12:00:00.000Z',
      lastUpdatedAt: '2026-07-28T12:00:00.000Z',
      version: 1,
    });

    clock.advance(1999);
    expect((await engine.get(ALICE, created.taskId)).status).toBe('working');

    clock.advance(5_000);
    const done = await engine.get(ALICE, created.taskId);
    expect(done).toMatchObject({
      status: 'completed',
      result: text('slept 2000 ms'),
      lastUpdatedAt: '2026-07-28T12:00:02.000Z',
      version: 2,
    });
    expect(done.readyAt).toBeUndefined();
    // Terminal: later reads change nothing.
    clock.advance(60_000);
    expect(await engine.get(ALICE, created.taskId)).toEqual(done);
  });

  it('runs every step that fell due since the last read', async () => {
    const { engine, clock } = setup();
    const created = await engine.create(
      ALICE,
      'two_stage',
      {},
      { status: 'working', delayMs: 1000, statusMessage: 'stage 1' },
    );
    clock.advance(10_000);
    expect(await engine.get(ALICE, created.taskId)).toMatchObject({
      status: 'completed',
      result: text('both stages'),
      lastUpdatedAt: '2026-07-28T12:00:01.500Z',
    });
  });

  it('answers an already-due task as finished at creation', async () => {
    const { engine } = setup();
    const created = await engine.create(ALICE, 'sleep', { ms: 0 }, { status: 'working', delayMs: 0 });
    expect(created.status).toBe('completed');
  });

  it('fails a due task whose tool has no program, rather than leaving it working forever', async () => {
    const { engine, clock } = setup();
    const created = await engine.create(ALICE, 'unknown_tool', {}, { status: 'working', delayMs: 10 });
    clock.advance(10);
    expect(await engine.get(ALICE, created.taskId)).toMatchObject({ status: 'failed', error: { code: -32603 } });
  });
});

describe('compare-and-set', () => {
  it('a completion computed on a stale read loses to a cancel written first, and the reader sees the cancel', async () => {
    const { engine: first, store, clock } = setup();
    const created = await first.create(ALICE, 'sleep', { ms: 1000 }, { status: 'working', delayMs: 1000 });
    clock.advance(1000);
    // Another environment (whose cancel was read just before the work was due) writes between
    // this engine's read and its write.
    let raced = false;
    const racing: TaskStore = {
      create: (record) => store.create(record),
      get: (taskId) => store.get(taskId),
      update: async (taskId, expected, next) => {
        if (!raced) {
          raced = true;
          const current = (await store.get(taskId))!;
          await store.update(taskId, current.version, {
            ...current,
            status: 'cancelled',
            version: current.version + 1,
          });
        }
        return store.update(taskId, expected, next);
      },
    };
    const second = new TaskEngine({ store: racing, programs: PROGRAMS, now: clock.now });
    const seen = await second.get(ALICE, created.taskId);
    expect(seen.status).toBe('cancelled');
    expect(seen.result).toBeUndefined();
    expect((await store.get(created.taskId))?.status).toBe('cancelled');
  });

  it('gives up with a conflict when every write loses', async () => {
    const { store, clock } = setup();
    const losing: TaskStore = { create: (r) => store.create(r), get: (id) => store.get(id), update: async () => false };
    const engine = new TaskEngine({ store: losing, programs: PROGRAMS, now: clock.now });
    const created = await engine.create(ALICE, 'sleep', { ms: 1 }, { status: 'working', delayMs: 1 });
    clock.advance(1);
    await expect(engine.get(ALICE, created.taskId)).rejects.toBeInstanceOf(TaskConflictError);
  });
});

describe('TTL', () => {
  it('keeps a task until its TTL and forgets it after', async () => {
    const { engine, clock } = setup({ ttlMs: 60_000 });
    const created = await engine.create(ALICE, 'sleep', { ms: 1 }, { status: 'working', delayMs: 1 });
    expect(created.ttlMs).toBe(60_000);
    clock.advance(59_999);
    expect((await engine.get(ALICE, created.taskId)).status).toBe('completed');
    clock.advance(1);
    await expect(engine.get(ALICE, created.taskId)).rejects.toBeInstanceOf(TaskNotFoundError);
  });
});

describe('owner binding', () => {
  it('hides a task from every other caller, exactly like a missing one, and lets them change nothing', async () => {
    const { engine, store } = setup();
    const created = await engine.create(
      ALICE,
      'ask_two',
      {},
      { status: 'input_required', inputRequests: { a: elicit('a?') } },
    );
    await expect(engine.get('mallory', created.taskId)).rejects.toBeInstanceOf(TaskNotFoundError);
    await expect(engine.cancel('mallory', created.taskId)).rejects.toBeInstanceOf(TaskNotFoundError);
    await expect(
      engine.provideInput('mallory', created.taskId, { a: { action: 'accept', content: {} } }),
    ).rejects.toBeInstanceOf(TaskNotFoundError);
    await expect(engine.get(ALICE, 'no-such-task')).rejects.toBeInstanceOf(TaskNotFoundError);
    expect(await store.get(created.taskId)).toEqual(created);
  });
});

describe('input (tasks/update)', () => {
  const start = (engine: TaskEngine) =>
    engine.create(
      ALICE,
      'ask_two',
      {},
      { status: 'input_required', inputRequests: { name: elicit('name?'), confirm: elicit('confirm?') } },
    );

  it('records a partial answer, keeps asking for the rest, and completes once everything is answered', async () => {
    const { engine } = setup();
    const created = await start(engine);
    const partial = await engine.provideInput(ALICE, created.taskId, {
      name: { action: 'accept', content: { name: 'Ada' } },
    });
    expect(partial.status).toBe('input_required');
    expect(Object.keys(partial.inputRequests ?? {})).toEqual(['confirm']);
    expect((await engine.get(ALICE, created.taskId)).inputRequests).toEqual({ confirm: elicit('confirm?') });

    const done = await engine.provideInput(ALICE, created.taskId, { confirm: { action: 'decline' } });
    expect(done).toMatchObject({ status: 'completed', result: text('answers: confirm,name') });
    expect(done.inputRequests).toBeUndefined();
    expect(done.answers).toEqual({
      name: { action: 'accept', content: { name: 'Ada' } },
      confirm: { action: 'decline' },
    });
  });

  it('ignores unknown keys and values that do not answer their request, without an error or a write', async () => {
    const { engine } = setup();
    const created = await start(engine);
    const unchanged = await engine.provideInput(ALICE, created.taskId, {
      'unknown-key': { ignored: true },
      name: { ignored: true },
      confirm: 'yes',
    });
    expect(unchanged).toEqual(created);
  });

  it('leaves a terminal task as it is', async () => {
    const { engine } = setup();
    const created = await start(engine);
    const cancelled = await engine.cancel(ALICE, created.taskId);
    expect(await engine.provideInput(ALICE, created.taskId, { name: { action: 'accept', content: {} } })).toEqual(
      cancelled,
    );
  });
});

describe('cancel', () => {
  it('cancels a working task once, drops what it was waiting for, and is a no-op after (idempotent)', async () => {
    const { engine, clock } = setup();
    const created = await engine.create(ALICE, 'sleep', { ms: 60_000 }, { status: 'working', delayMs: 60_000 });
    const cancelled = await engine.cancel(ALICE, created.taskId);
    expect(cancelled).toMatchObject({ status: 'cancelled', statusMessage: 'Cancelled by client', version: 2 });
    expect(cancelled.readyAt).toBeUndefined();
    clock.advance(120_000);
    expect(await engine.cancel(ALICE, created.taskId)).toEqual(cancelled);
    expect(await engine.get(ALICE, created.taskId)).toEqual(cancelled);
  });

  it('does not cancel work that finished before the cancel arrived', async () => {
    const { engine, clock } = setup();
    const created: TaskRecord = await engine.create(ALICE, 'sleep', { ms: 1000 }, { status: 'working', delayMs: 1000 });
    clock.advance(1500);
    expect((await engine.cancel(ALICE, created.taskId)).status).toBe('completed');
  });
});
