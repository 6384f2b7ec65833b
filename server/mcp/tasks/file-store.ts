import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TaskExistsError, type Clock, type TaskStore } from './store.ts';
import { isExpired, type TaskRecord } from './types.ts';

/** How long a writer waits for another writer's lock before giving up (the caller sees a conflict). */
const LOCK_WAIT_MS = 2_000;
/** A lock older than this was left by a writer that died (an environment killed mid-write). */
const STALE_LOCK_MS = 5_000;
const LOCK_RETRY_MS = 5;

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * One JSON file per task in a directory every emulated execution environment shares: the embedded
 * stack's stand-in for DynamoDB. Each environment is a separate process, so nothing here may rely
 * on memory; the file system gives the three guarantees the engine needs:
 *
 * - create-if-absent: the record is written to a temporary file and `link`ed to its name, which
 *   fails with EEXIST when the name is taken (POSIX link(2) is atomic);
 * - readers never see half a file: replacements are written aside and `rename`d over (atomic);
 * - compare-and-set: a per-task lock file opened with O_EXCL (`wx`) serialises writers, which then
 *   compare the stored version.
 *
 * File names are the SHA-256 of the task id, so a client-supplied id can never name a path.
 */
export class FileTaskStore implements TaskStore {
  private ready: Promise<unknown> | undefined;

  constructor(
    private readonly dir: string,
    private readonly now: Clock = Date.now,
  ) {}

  async create(record: TaskRecord): Promise<void> {
    const file = await this.fileOf(record.taskId);
    const temp = await this.writeAside(file, record);
    try {
      await link(temp, file);
    } catch (error) {
      if (errorCode(error) === 'EEXIST') throw new TaskExistsError(record.taskId);
      throw error;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }

  async get(taskId: string): Promise<TaskRecord | undefined> {
    const file = await this.fileOf(taskId);
    let record: TaskRecord;
    try {
      record = JSON.parse(await readFile(file, 'utf8')) as TaskRecord;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw error;
    }
    if (isExpired(record, this.now())) {
      // Expired tasks are removed when next seen; nothing else sweeps the directory.
      await unlink(file).catch(() => undefined);
      return undefined;
    }
    return record;
  }

  async update(taskId: string, expectedVersion: number, next: TaskRecord): Promise<boolean> {
    const file = await this.fileOf(taskId);
    const release = await this.lock(`${file}.lock`);
    if (!release) return false;
    try {
      const current = await this.get(taskId);
      if (current?.version !== expectedVersion) return false;
      await rename(await this.writeAside(file, next), file);
      return true;
    } finally {
      await release();
    }
  }

  private async fileOf(taskId: string): Promise<string> {
    this.ready ??= mkdir(this.dir, { recursive: true });
    await this.ready;
    return path.join(this.dir, `${createHash('sha256').update(taskId).digest('hex')}.json`);
  }

  private async writeAside(file: string, record: TaskRecord): Promise<string> {
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temp, JSON.stringify(record));
    return temp;
  }

  /** Takes the lock file, or undefined after {@link LOCK_WAIT_MS}. */
  private async lock(lockFile: string): Promise<(() => Promise<void>) | undefined> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        const handle = await open(lockFile, 'wx');
        await handle.close();
        return () => unlink(lockFile).catch(() => undefined);
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
      }
      const held = await stat(lockFile).catch(() => undefined);
      if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) {
        await unlink(lockFile).catch(() => undefined);
        continue;
      }
      if (Date.now() >= deadline) return undefined;
      await sleep(LOCK_RETRY_MS);
    }
  }
}
