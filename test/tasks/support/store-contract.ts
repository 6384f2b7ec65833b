/**
 * What every TaskStore must do, run against each backend: the engine relies on exactly these
 * guarantees (create-if-absent, read-your-write, compare-and-set, expiry).
 */
import { describe, expect, it } from 'vitest';
import { TaskExistsError, type Clock, type TaskStore } from '../../../server/mcp/tasks/store.ts';
import type { TaskRecord } from '../../../server/mcp/tasks/types.ts';

export const T0 = Date.parse('2026-07-28T12:00:00.000Z');

let serial = 0;
export function sampleTask(overrides: Partial<TaskRecord> = {}): TaskRecord {
  serial += 1;
  return {
    taskId: `task-${process.pid}-${Date.now()}-${serial}`,
    owner: 'alice',
    tool: 'slow_compute',
    args: { seconds: 1, label: 'contract' },
    status: 'working',
    createdAt: new Date(T0).toISOString(),
    lastUpdatedAt: new Date(T0).toISOString(),
    ttlMs: 60_000,
    pollIntervalMs: 1_000,
    expiresAt: T0 + 60_000,
    readyAt: T0 + 1_000,
    version: 1,
    ...overrides,
  };
}

/** A store under test, built on the clock the contract moves. */
export type StoreFactory = (clock: Clock) => TaskStore | Promise<TaskStore>;

export function describeTaskStoreContract(name: string, factory: StoreFactory): void {
  describe(`${name} (TaskStore contract)`, () => {
    const open = async () => {
      let now = T0;
      const store = await factory(() => now);
      return { store, advance: (ms: number) => void (now += ms) };
    };

    it('returns a created task from the very next read, unchanged', async () => {
      const { store } = await open();
      const task = sampleTask({
        inputRequests: { confirm: { method: 'elicitation/create', params: { message: 'ok?' } } },
      });
      await store.create(task);
      expect(await store.get(task.taskId)).toEqual(task);
    });

    it('refuses to create a task whose id exists, and keeps the first', async () => {
      const { store } = await open();
      const task = sampleTask();
      await store.create(task);
      await expect(store.create({ ...task, owner: 'mallory' })).rejects.toBeInstanceOf(TaskExistsError);
      expect((await store.get(task.taskId))?.owner).toBe('alice');
    });

    it('answers undefined for an id it never stored', async () => {
      const { store } = await open();
      expect(await store.get('no-such-task')).toBeUndefined();
    });

    it('replaces a task only when the expected version is the stored one', async () => {
      const { store } = await open();
      const task = sampleTask();
      await store.create(task);
      const cancelled: TaskRecord = { ...task, status: 'cancelled', version: 2 };
      expect(await store.update(task.taskId, 1, cancelled)).toBe(true);
      // A writer that read version 1 too is now stale.
      expect(await store.update(task.taskId, 1, { ...task, status: 'completed', version: 2 })).toBe(false);
      expect(await store.get(task.taskId)).toEqual(cancelled);
      expect(await store.update('no-such-task', 1, { ...task, taskId: 'no-such-task' })).toBe(false);
    });

    it('lets exactly one of many concurrent writers of the same version win', async () => {
      const { store } = await open();
      const task = sampleTask();
      await store.create(task);
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, writer) =>
          store.update(task.taskId, 1, { ...task, statusMessage: `writer ${writer}`, version: 2 }),
        ),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const winner = outcomes.indexOf(true);
      expect((await store.get(task.taskId))?.statusMessage).toBe(`writer ${winner}`);
    });

    it('forgets a task once it has expired', async () => {
      const { store, advance } = await open();
      const task = sampleTask();
      await store.create(task);
      advance(59_999);
      expect(await store.get(task.taskId)).toBeDefined();
      advance(1);
      expect(await store.get(task.taskId)).toBeUndefined();
      expect(await store.update(task.taskId, 1, { ...task, version: 2 })).toBe(false);
    });
  });
}
