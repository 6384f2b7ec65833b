/**
 * The in-memory and file stores against the TaskStore contract, and what the file store adds:
 * stores opened on the same directory (one per emulated execution environment, each a separate
 * process in the embedded stack) see each other's writes, and task ids never name a path.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileTaskStore } from '../../server/mcp/tasks/file-store.ts';
import { MemoryTaskStore } from '../../server/mcp/tasks/memory-store.ts';
import { describeTaskStoreContract, sampleTask } from './support/store-contract.ts';

const tempDir = (): string => mkdtempSync(path.join(tmpdir(), 'task-store-test-'));

describeTaskStoreContract('MemoryTaskStore', (clock) => new MemoryTaskStore(clock));
describeTaskStoreContract('FileTaskStore', (clock) => new FileTaskStore(tempDir(), clock));

describe('FileTaskStore on a shared directory', () => {
  it('shows a task created through one store to another store on the same directory, and their writes compare-and-set against each other', async () => {
    const dir = tempDir();
    const first = new FileTaskStore(dir);
    const second = new FileTaskStore(dir);
    const task = sampleTask({ expiresAt: Date.now() + 60_000 });
    await first.create(task);
    expect(await second.get(task.taskId)).toEqual(task);
    expect(await second.update(task.taskId, 1, { ...task, status: 'cancelled', version: 2 })).toBe(true);
    expect(await first.update(task.taskId, 1, { ...task, status: 'completed', version: 2 })).toBe(false);
    expect((await first.get(task.taskId))?.status).toBe('cancelled');
  });

  it('names files by a hash of the task id, so an id cannot point outside the directory, and leaves no temporary or lock files', async () => {
    const dir = path.join(tempDir(), 'store');
    const store = new FileTaskStore(dir);
    const task = sampleTask({ taskId: '../../escape', expiresAt: Date.now() + 60_000 });
    await store.create(task);
    await store.update(task.taskId, 1, { ...task, version: 2 });
    expect(await store.get('../../escape')).toMatchObject({ version: 2 });
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{64}\.json$/);
    expect(readdirSync(path.dirname(dir))).toEqual(['store']);
  });
});
