/**
 * Copies of the log streams as files under one directory (for `tail -f`), written in batches off
 * the request path: every FLUSH_INTERVAL_MS, one append per file that has new lines (an append per
 * file at every turn of the event loop cost a busy gateway about a fifth of its CPU per request,
 * see docs/embedded-stack-under-load.md). Each file is rotated once it passes `maxFileBytes` (the
 * previous one is kept as `<name>.1`), so a long run holds at most two files per stream. A
 * directory that cannot be written (read-only, full, gone) is detected at start and at run time:
 * the mirror turns itself off with one warning and the in-memory store (and the Logs API) goes on.
 */
import { appendFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Size at which a stream's file is rotated. */
export const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;
/**
 * How long a line may wait for its file's next append. `tail -f` shows it within this; CloudWatch
 * Logs itself makes events searchable seconds after they are written.
 */
export const FLUSH_INTERVAL_MS = 100;
/** Lines waiting for a slow disk beyond this are dropped (and counted) rather than held in memory. */
const MAX_PENDING_BYTES = 16 * 1024 * 1024;
/** What a line adds to its message: the ISO timestamp (24 characters), a space and the newline. */
const LINE_OVERHEAD = 26;

/** Lines not yet written, as timestamps and messages side by side (no object per line). */
interface PendingLines {
  readonly timestamps: number[];
  readonly messages: string[];
}

const noPendingLines = (): PendingLines => ({ timestamps: [], messages: [] });

/**
 * One batch of lines as text. Formatted here, when the batch is written, not when each event is
 * stored: only the message and its timestamp wait for the batch, not a line built for it.
 */
function formatLines({ timestamps, messages }: PendingLines): string {
  let text = '';
  for (let i = 0; i < messages.length; i++) text += `${new Date(timestamps[i]!).toISOString()} ${messages[i]}\n`;
  return text;
}

interface MirrorFile {
  readonly file: string;
  pending: PendingLines;
  pendingBytes: number;
  writtenBytes: number;
  writing: boolean;
}

export interface LogMirrorOptions {
  readonly dir: string;
  readonly maxFileBytes?: number;
  readonly onWarning: (message: string) => void;
}

export class LogMirror {
  private readonly files = new Map<string, MirrorFile>();
  private readonly createdDirs = new Set<string>();
  private readonly writes = new Set<Promise<void>>();
  private pendingBytes = 0;
  private dropped = 0;
  private disabled = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LogMirrorOptions) {}

  get enabled(): boolean {
    return !this.disabled;
  }

  /** Writes and removes a probe file: a directory that cannot take a write is found before the first request. */
  async check(): Promise<void> {
    const probe = path.join(this.options.dir, `.write-check-${process.pid}`);
    try {
      await mkdir(this.options.dir, { recursive: true });
      await writeFile(probe, 'ok\n');
      await rm(probe, { force: true });
    } catch (error) {
      this.disable(error);
    }
  }

  /** Queues one line, `<ISO timestamp> <message>`, for the stream's file. */
  write(logGroupName: string, logStreamName: string, timestamp: number, message: string): void {
    if (this.disabled) return;
    if (this.pendingBytes > MAX_PENDING_BYTES) {
      this.dropped += 1;
      return;
    }
    const key = `${logGroupName}\u0000${logStreamName}`;
    let target = this.files.get(key);
    if (!target) {
      const file = path.join(
        this.options.dir,
        logGroupName.replace(/^\//, ''),
        `${logStreamName.replace(/[^\w.-]+/g, '_')}.log`,
      );
      target = { file, pending: noPendingLines(), pendingBytes: 0, writtenBytes: 0, writing: false };
      this.files.set(key, target);
    }
    target.pending.timestamps.push(timestamp);
    target.pending.messages.push(message);
    const bytes = LINE_OVERHEAD + message.length;
    target.pendingBytes += bytes;
    this.pendingBytes += bytes;
    this.schedule();
  }

  /** Writes every pending line now and waits until they are in their files. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (;;) {
      this.startWrites();
      if (this.writes.size === 0) return;
      await Promise.all([...this.writes]);
    }
  }

  /** Writes what is pending, then warns once about lines a slow disk made it drop. */
  async close(): Promise<void> {
    await this.flush();
    if (this.dropped > 0)
      this.options.onWarning(
        `embedded stack: ${this.dropped} log lines were not written to ${this.options.dir} (disk too slow); they are in memory`,
      );
  }

  /** The next batch, FLUSH_INTERVAL_MS from now unless one is already due. It never holds the process open. */
  private schedule(): void {
    if (this.timer || this.disabled) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startWrites();
    }, FLUSH_INTERVAL_MS).unref();
  }

  private startWrites(): void {
    for (const target of this.files.values()) {
      if (target.pending.messages.length > 0 && !target.writing && !this.disabled) this.track(this.append(target));
    }
  }

  private track(write: Promise<void>): void {
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
  }

  /** One write at a time per file keeps its lines in order; lines arriving meanwhile go in the next batch. */
  private async append(target: MirrorFile): Promise<void> {
    target.writing = true;
    try {
      const text = formatLines(target.pending);
      this.pendingBytes -= target.pendingBytes;
      target.pending = noPendingLines();
      target.pendingBytes = 0;
      const dir = path.dirname(target.file);
      if (!this.createdDirs.has(dir)) {
        await mkdir(dir, { recursive: true });
        this.createdDirs.add(dir);
      }
      if (
        target.writtenBytes + text.length > (this.options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES) &&
        target.writtenBytes > 0
      ) {
        await rename(target.file, `${target.file}.1`);
        target.writtenBytes = 0;
      }
      await appendFile(target.file, text);
      target.writtenBytes += text.length;
    } catch (error) {
      this.disable(error);
    } finally {
      target.writing = false;
    }
    if (target.pending.messages.length > 0) this.schedule();
  }

  private disable(error: unknown): void {
    if (this.disabled) return;
    this.disabled = true;
    this.pendingBytes = 0;
    for (const target of this.files.values()) target.pending = noPendingLines();
    const reason = error instanceof Error ? error.message : String(error);
    this.options.onWarning(
      `embedded stack: cannot write log files under ${this.options.dir} (${reason}); logs are kept in memory only`,
    );
  }
}
