import type { TaskStoreSettings } from '../../config.ts';
import { createDynamoTaskStore } from './dynamo-store.ts';
import { FileTaskStore } from './file-store.ts';
import { lazyTaskStore } from './lazy-store.ts';
import type { TaskStore } from './store.ts';

/** The configured store; called once per execution environment. */
export function openTaskStore(settings: TaskStoreSettings, region: string): TaskStore {
  switch (settings.kind) {
    case 'dynamodb':
      return lazyTaskStore(() => createDynamoTaskStore({ tableName: settings.tableName, client: { region } }));
    case 'file':
      return new FileTaskStore(settings.dir);
  }
}
