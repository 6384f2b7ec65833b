import { TaskExistsError, type Clock, type TaskStore } from './store.ts';
import { isExpired, type TaskRecord } from './types.ts';

/**
 * A store in this process's memory: for unit tests and in-process handlers only. On Lambda every
 * execution environment would have its own map, and a poll landing elsewhere would not find the task.
 * Each operation checks and writes with no `await` in between, which makes it atomic here.
 */
export class MemoryTaskStore implements TaskStore {
  private readonly records = new Map<string, TaskRecord>();

  constructor(private readonly now: Clock = Date.now) {}

  async create(record: TaskRecord): Promise<void> {
    if (this.read(record.taskId)) throw new TaskExistsError(record.taskId);
    this.records.set(record.taskId, structuredClone(record));
  }

  async get(taskId: string): Promise<TaskRecord | undefined> {
    const record = this.read(taskId);
    return record && structuredClone(record);
  }

  async update(taskId: string, expectedVersion: number, next: TaskRecord): Promise<boolean> {
    if (this.read(taskId)?.version !== expectedVersion) return false;
    this.records.set(taskId, structuredClone(next));
    return true;
  }

  private read(taskId: string): TaskRecord | undefined {
    const record = this.records.get(taskId);
    if (record && isExpired(record, this.now())) {
      this.records.delete(taskId);
      return undefined;
    }
    return record;
  }
}
