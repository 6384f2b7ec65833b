/**
 * In-memory CloudWatch Logs: log groups of log streams of events, as Lambda writes them
 * (one stream per execution environment). Optionally mirrored to files for `tail -f`.
 *
 * Memory is bounded in bytes: each group keeps its newest `maxBytesPerGroup` bytes of events and
 * the store its newest `maxTotalBytes` over all groups, dropping the oldest events first, as a
 * retention setting would (AWS deletes by age, set per group; a size bounds a load test's memory
 * whatever its rate). Bytes are counted as CloudWatch Logs counts them (eventBytes).
 */
import { eventBytes } from './log-event-bytes.ts';
import { type LogEvent, LogGroup, type LogStream } from './log-group.ts';
import { LogMirror } from './log-mirror.ts';

export { type LogEvent, LogGroup, LogStream } from './log-group.ts';

const MIB = 1024 * 1024;
/**
 * Bytes kept per log group. An invocation of the demo server writes START, END and REPORT, about
 * 340 bytes counted as CloudWatch Logs counts them: a one-hour soak at the load tests' soak rate
 * (8 requests/s, 28,800 invocations) is about 10 MB. 32 MiB holds that three times over, or one
 * hour of a function that logs about 1.1 KB per invocation.
 */
export const DEFAULT_MAX_BYTES_PER_GROUP = 32 * MIB;
/** Bytes kept over all groups (the MCP function's, the authorizer's, and any other). */
export const DEFAULT_MAX_TOTAL_BYTES = 128 * MIB;

export interface LogRetention {
  readonly maxBytesPerGroup: number;
  readonly maxTotalBytes: number;
}

export interface LogStoreOptions {
  /** Also write each stream to a file under this directory. */
  readonly mirrorDir?: string;
  /** Size at which a mirrored file is rotated (default DEFAULT_MAX_FILE_BYTES). */
  readonly maxFileBytes?: number;
  readonly maxBytesPerGroup?: number;
  readonly maxTotalBytes?: number;
  /** Where the one warning about an unwritable mirror directory goes. */
  readonly onWarning?: (message: string) => void;
}

export class LogStore {
  readonly groups = new Map<string, LogGroup>();
  readonly retention: LogRetention;
  private bytes = 0;
  private readonly mirror: LogMirror | undefined;

  constructor(options: LogStoreOptions | string = {}) {
    const opts = typeof options === 'string' ? { mirrorDir: options } : options;
    this.retention = {
      maxBytesPerGroup: opts.maxBytesPerGroup ?? DEFAULT_MAX_BYTES_PER_GROUP,
      maxTotalBytes: opts.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES,
    };
    for (const [name, value] of Object.entries(this.retention)) {
      if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive whole number`);
    }
    this.mirror = opts.mirrorDir
      ? new LogMirror({
          dir: opts.mirrorDir,
          ...(opts.maxFileBytes ? { maxFileBytes: opts.maxFileBytes } : {}),
          onWarning: opts.onWarning ?? ((message) => console.warn(message)),
        })
      : undefined;
  }

  /** Bytes of every kept event of every group (as eventBytes counts them). */
  get storedBytes(): number {
    return this.bytes;
  }

  /** Whether log files are being written (false once the directory failed). */
  get mirroring(): boolean {
    return this.mirror?.enabled ?? false;
  }

  /** Checks at start that the mirror directory takes writes; falls back to memory with a warning if not. */
  async checkMirror(): Promise<void> {
    await this.mirror?.check();
  }

  /** Writes the log files' pending lines now (they are written every FLUSH_INTERVAL_MS otherwise). */
  async flushFiles(): Promise<void> {
    await this.mirror?.flush();
  }

  async close(): Promise<void> {
    await this.mirror?.close();
  }

  createGroup(logGroupName: string, retentionInDays?: number): LogGroup {
    let group = this.groups.get(logGroupName);
    if (!group) {
      group = new LogGroup(logGroupName, Date.now(), retentionInDays);
      this.groups.set(logGroupName, group);
    }
    return group;
  }

  createStream(logGroupName: string, logStreamName: string): LogStream {
    return this.createGroup(logGroupName).createStream(logStreamName, Date.now());
  }

  /**
   * Adds one event, stamped now. Timestamps never go back within a group (a wall-clock step back
   * keeps the previous timestamp), so a group's log stays in timestamp order.
   */
  put(logGroupName: string, logStreamName: string, message: string, timestamp = Date.now()): void {
    const group = this.createGroup(logGroupName);
    const stream = group.streams.get(logStreamName) ?? group.createStream(logStreamName, timestamp);
    const at = Math.max(timestamp, group.lastTimestamp);
    const bytes = eventBytes(message);
    group.append(stream, message, at, bytes);
    this.bytes += bytes;
    while (group.storedBytes > this.retention.maxBytesPerGroup) this.bytes -= group.dropOldest();
    while (this.bytes > this.retention.maxTotalBytes) this.bytes -= this.oldestGroup().dropOldest();
    this.mirror?.write(logGroupName, logStreamName, at, message);
  }

  /** Every message of a group, in order; for tests and the CLI's tail. */
  messages(logGroupName: string): string[] {
    const group = this.groups.get(logGroupName);
    if (!group) return [];
    return Array.from({ length: group.eventCount }, (_, i) => group.messageAt(group.head + i));
  }

  /** Every kept event of a group, in order, as objects; for tests and tools. */
  events(logGroupName: string): LogEvent[] {
    return this.groups.get(logGroupName)?.events ?? [];
  }

  /** The group whose oldest kept event is the oldest of all (only called while some bytes are kept). */
  private oldestGroup(): LogGroup {
    let oldest: LogGroup | undefined;
    for (const group of this.groups.values()) {
      if (group.eventCount === 0) continue;
      if (!oldest || group.timestampAt(group.head) < oldest.timestampAt(oldest.head)) oldest = group;
    }
    return oldest!;
  }
}
