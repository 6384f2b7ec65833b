import type { TaskRecord } from './types.ts';

/**
 * Where tasks live between requests. Every request may land on a different execution environment
 * (Lambda gives each its own memory and /tmp), so a store is shared and durable: a `create` is
 * visible to the very next `get` from anywhere, and changes are compare-and-set on `version`.
 *
 * Backends: memory-store.ts (unit tests), file-store.ts (the embedded stack: one directory for
 * every emulated environment), dynamo-store.ts (AWS).
 */
export interface TaskStore {
  /** Stores a new task, durably, before returning. Throws {@link TaskExistsError} if the id is taken. */
  create(record: TaskRecord): Promise<void>;
  /** The task, or undefined when it does not exist or has expired. */
  get(taskId: string): Promise<TaskRecord | undefined>;
  /**
   * Replaces the task with `next` only if the stored version is still `expectedVersion`; false
   * when someone else wrote first (the caller re-reads and decides again).
   */
  update(taskId: string, expectedVersion: number, next: TaskRecord): Promise<boolean>;
}

export class TaskExistsError extends Error {
  override readonly name = 'TaskExistsError';
  constructor(taskId: string) {
    super(`task ${taskId} already exists`);
  }
}

/** A clock in epoch milliseconds; stores and the engine take one so tests can move time. */
export type Clock = () => number;
