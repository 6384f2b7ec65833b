/**
 * In-memory CloudWatch Logs: log groups of log streams of events, as Lambda writes them
 * (one stream per execution environment). Optionally mirrored to files for `tail -f`.
 *
 * Memory is bounded: each group keeps its newest `maxEventsPerGroup` events and drops the oldest
 * first, as a retention setting would (AWS deletes by age, set per group; a count bounds a load
 * test's memory whatever its rate). Events are appended in one order for the whole store, so a
 * group's array is already sorted and pages are read from a position, never re-sorted.
 */
import { LogMirror } from './log-mirror.ts';

/**
 * Events kept per log group: about 3 to 4 events per invocation, this holds a one-hour soak at
 * the load tests' default rate (8 requests/s, about 115,000 events) twice over.
 */
export const DEFAULT_MAX_EVENTS_PER_GROUP = 250_000;

export interface LogEvent {
  readonly timestamp: number;
  readonly ingestionTime: number;
  readonly message: string;
  /** Position in the whole store; orders events and makes ids stable. */
  readonly sequence: number;
  readonly logStreamName: string;
}

export interface LogStream {
  readonly logStreamName: string;
  readonly creationTime: number;
  /** Oldest first; trimmed from the front by retention. */
  events: LogEvent[];
}

export interface LogGroup {
  readonly logGroupName: string;
  readonly creationTime: number;
  readonly retentionInDays: number | undefined;
  readonly streams: Map<string, LogStream>;
  /** Every event of the group, oldest first (by sequence, hence by timestamp). */
  events: LogEvent[];
}

export interface LogStoreOptions {
  /** Also write each stream to a file under this directory. */
  readonly mirrorDir?: string;
  readonly maxEventsPerGroup?: number;
  /** Where the one warning about an unwritable mirror directory goes. */
  readonly onWarning?: (message: string) => void;
}

/** Index of the first element whose key is >= `value` in an array sorted by that key. */
export function lowerBound(events: readonly LogEvent[], value: number, key: (e: LogEvent) => number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(events[mid]!) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class LogStore {
  readonly groups = new Map<string, LogGroup>();
  private sequence = 0;
  private readonly mirror: LogMirror | undefined;
  private readonly maxEventsPerGroup: number;

  constructor(options: LogStoreOptions | string = {}) {
    const opts = typeof options === 'string' ? { mirrorDir: options } : options;
    this.maxEventsPerGroup = opts.maxEventsPerGroup ?? DEFAULT_MAX_EVENTS_PER_GROUP;
    this.mirror = opts.mirrorDir
      ? new LogMirror({ dir: opts.mirrorDir, onWarning: opts.onWarning ?? ((message) => console.warn(message)) })
      : undefined;
  }

  /** Whether log files are being written (false once the directory failed). */
  get mirroring(): boolean {
    return this.mirror?.enabled ?? false;
  }

  /** Checks at start that the mirror directory takes writes; falls back to memory with a warning if not. */
  async checkMirror(): Promise<void> {
    await this.mirror?.check();
  }

  async close(): Promise<void> {
    await this.mirror?.close();
  }

  createGroup(logGroupName: string, retentionInDays?: number): LogGroup {
    let group = this.groups.get(logGroupName);
    if (!group) {
      group = { logGroupName, creationTime: Date.now(), retentionInDays, streams: new Map(), events: [] };
      this.groups.set(logGroupName, group);
    }
    return group;
  }

  createStream(logGroupName: string, logStreamName: string): LogStream {
    const group = this.createGroup(logGroupName);
    let stream = group.streams.get(logStreamName);
    if (!stream) {
      stream = { logStreamName, creationTime: Date.now(), events: [] };
      group.streams.set(logStreamName, stream);
    }
    return stream;
  }

  put(logGroupName: string, logStreamName: string, message: string, timestamp = Date.now()): void {
    const group = this.createGroup(logGroupName);
    let stream = group.streams.get(logStreamName);
    if (!stream) stream = this.createStream(logGroupName, logStreamName);
    this.sequence += 1;
    const event: LogEvent = {
      timestamp,
      ingestionTime: timestamp,
      message,
      sequence: this.sequence,
      logStreamName: stream.logStreamName,
    };
    stream.events.push(event);
    group.events.push(event);
    // Trim in batches of a tenth, so dropping old events costs O(1) per event on average.
    if (group.events.length > this.maxEventsPerGroup + Math.max(1, Math.floor(this.maxEventsPerGroup / 10)))
      this.trim(group);
    this.mirror?.write(logGroupName, logStreamName, `${new Date(timestamp).toISOString()} ${message}\n`);
  }

  private trim(group: LogGroup): void {
    const drop = group.events.length - this.maxEventsPerGroup;
    const firstKept = group.events[drop]!.sequence;
    group.events = group.events.slice(drop);
    for (const [name, stream] of group.streams) {
      const cut = lowerBound(stream.events, firstKept, (e) => e.sequence);
      if (cut > 0) stream.events = stream.events.slice(cut);
      // A stream whose events are all gone and that nobody writes to any more is dropped too.
      if (stream.events.length === 0 && cut > 0) group.streams.delete(name);
    }
  }

  /** Every message of a group, in order; for tests and the CLI's tail. */
  messages(logGroupName: string): string[] {
    return (this.groups.get(logGroupName)?.events ?? []).map((event) => event.message);
  }
}
