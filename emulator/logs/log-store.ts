/**
 * In-memory CloudWatch Logs: log groups of log streams of events, as Lambda writes them
 * (one stream per execution environment). Optionally mirrored to files for `tail -f`.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export interface LogEvent {
  readonly timestamp: number;
  readonly ingestionTime: number;
  readonly message: string;
  /** Position in the whole store; orders events and makes ids stable. */
  readonly sequence: number;
}

export interface LogStream {
  readonly logStreamName: string;
  readonly creationTime: number;
  readonly events: LogEvent[];
}

export interface LogGroup {
  readonly logGroupName: string;
  readonly creationTime: number;
  readonly retentionInDays: number | undefined;
  readonly streams: Map<string, LogStream>;
}

export class LogStore {
  readonly groups = new Map<string, LogGroup>();
  private sequence = 0;

  constructor(private readonly mirrorDir?: string) {}

  createGroup(logGroupName: string, retentionInDays?: number): LogGroup {
    let group = this.groups.get(logGroupName);
    if (!group) {
      group = { logGroupName, creationTime: Date.now(), retentionInDays, streams: new Map() };
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
    const stream = this.createStream(logGroupName, logStreamName);
    this.sequence += 1;
    stream.events.push({ timestamp, ingestionTime: Date.now(), message, sequence: this.sequence });
    if (this.mirrorDir) {
      const file = path.join(this.mirrorDir, logGroupName.replace(/^\//, ''), `${logStreamName.replace(/[^\w.-]+/g, '_')}.log`);
      mkdirSync(path.dirname(file), { recursive: true });
      appendFileSync(file, `${new Date(timestamp).toISOString()} ${message}\n`);
    }
  }

  /** Every message of a group, in order; for tests and the CLI's tail. */
  messages(logGroupName: string): string[] {
    const group = this.groups.get(logGroupName);
    if (!group) return [];
    return [...group.streams.values()]
      .flatMap((stream) => stream.events)
      .sort((a, b) => a.sequence - b.sequence)
      .map((event) => event.message);
  }
}
