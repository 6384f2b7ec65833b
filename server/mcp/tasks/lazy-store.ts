import type { TaskStore } from './store.ts';

/**
 * A store opened on first use and then kept for the life of the execution environment (the
 * expensive part, e.g. loading the AWS SDK and building a client, happens once, and never on a
 * cold start that handles no task). A failed open is retried by the next call.
 */
export function lazyTaskStore(open: () => Promise<TaskStore>): TaskStore {
  let opened: Promise<TaskStore> | undefined;
  const store = (): Promise<TaskStore> => {
    opened ??= open().catch((error: unknown) => {
      opened = undefined;
      throw error;
    });
    return opened;
  };
  return {
    create: async (record) => (await store()).create(record),
    get: async (taskId) => (await store()).get(taskId),
    update: async (taskId, expectedVersion, next) => (await store()).update(taskId, expectedVersion, next),
  };
}
