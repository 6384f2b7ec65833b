/**
 * One log group: its events in one log, oldest first, addressed by position (0 for the group's
 * first event ever, counting on; positions of dropped events are never reused), and its log
 * streams, each an ascending list of the positions of its own events. The store stamps events as
 * they arrive, so the log is in timestamp order, then arrival order: the order FilterLogEvents
 * returns (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html,
 * "The returned log events are sorted by event timestamp"). A page is read from a position found by
 * binary search and never re-sorted.
 */
import { LogSegment, SEGMENT_EVENTS } from './log-segment.ts';
import { PositionList } from './position-list.ts';

/** One event, built on demand for readers (the store itself keeps no per-event object). */
export interface LogEvent {
  readonly timestamp: number;
  readonly ingestionTime: number;
  readonly message: string;
  /** Position in the group's log: orders events and gives stable event ids. */
  readonly position: number;
  readonly logStreamName: string;
}

export class LogStream {
  /** Positions of this stream's events in its group's log, oldest first. */
  readonly positions = new PositionList();

  constructor(
    readonly logStreamName: string,
    readonly id: number,
    readonly creationTime: number,
    private readonly group: LogGroup,
  ) {}

  /** The stream's events as objects, oldest first: for tests and tools, built on each call. */
  get events(): LogEvent[] {
    return Array.from({ length: this.positions.length }, (_, i) => this.group.eventAt(this.positions.at(i)));
  }
}

export class LogGroup {
  readonly streams = new Map<string, LogStream>();
  private readonly streamsById = new Map<number, LogStream>();
  private nextStreamId = 0;
  private segments: LogSegment[] = [];
  /** Segment number (position / SEGMENT_EVENTS) of segments[0]. */
  private firstSegment = 0;
  /** Position of the oldest kept event. */
  head = 0;
  /** Position the next event gets. */
  end = 0;
  /** Sum of eventBytes() of the kept events. */
  storedBytes = 0;
  lastTimestamp = Number.NEGATIVE_INFINITY;

  constructor(
    readonly logGroupName: string,
    readonly creationTime: number,
    readonly retentionInDays: number | undefined,
  ) {}

  get eventCount(): number {
    return this.end - this.head;
  }

  /** Streams are numbered once; a stream emptied by retention and written again gets a new number. */
  get streamIdLimit(): number {
    return this.nextStreamId;
  }

  createStream(logStreamName: string, now: number): LogStream {
    let stream = this.streams.get(logStreamName);
    if (!stream) {
      stream = new LogStream(logStreamName, this.nextStreamId++, now, this);
      this.streams.set(logStreamName, stream);
      this.streamsById.set(stream.id, stream);
    }
    return stream;
  }

  append(stream: LogStream, message: string, timestamp: number, bytes: number): void {
    const segment = this.segments.at(-1);
    const target = segment && !segment.full ? segment : this.newSegment();
    target.append(message, timestamp, stream.id, bytes);
    stream.positions.push(this.end);
    this.end += 1;
    this.storedBytes += bytes;
    this.lastTimestamp = timestamp;
  }

  /** Drops the oldest event; returns the bytes it counted for. A stream left empty is removed. */
  dropOldest(): number {
    const segment = this.segments[0]!;
    const i = this.head % SEGMENT_EVENTS;
    const bytes = segment.eventBytes(i);
    const stream = this.streamsById.get(segment.streamId(i));
    if (stream) {
      stream.positions.shift();
      if (stream.positions.length === 0) {
        this.streams.delete(stream.logStreamName);
        this.streamsById.delete(stream.id);
      }
    }
    this.head += 1;
    this.storedBytes -= bytes;
    if (this.head % SEGMENT_EVENTS === 0) {
      // Every event of the oldest segment is gone: free it.
      this.segments.shift();
      this.firstSegment += 1;
    }
    return bytes;
  }

  timestampAt(position: number): number {
    return this.segmentOf(position).timestamp(position % SEGMENT_EVENTS);
  }

  messageAt(position: number): string {
    return this.segmentOf(position).message(position % SEGMENT_EVENTS);
  }

  /** The event's size as CloudWatch Logs counts it (eventBytes), without decoding its message. */
  eventBytesAt(position: number): number {
    return this.segmentOf(position).eventBytes(position % SEGMENT_EVENTS);
  }

  streamIdAt(position: number): number {
    return this.segmentOf(position).streamId(position % SEGMENT_EVENTS);
  }

  streamById(id: number): LogStream | undefined {
    return this.streamsById.get(id);
  }

  eventAt(position: number): LogEvent {
    const timestamp = this.timestampAt(position);
    return {
      timestamp,
      ingestionTime: timestamp,
      message: this.messageAt(position),
      position,
      logStreamName: this.streamsById.get(this.streamIdAt(position))?.logStreamName ?? '',
    };
  }

  /** First position in [from, to) whose timestamp is >= time (binary search). */
  lowerBoundTime(time: number, from = this.head, to = this.end): number {
    let lo = from;
    let hi = to;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.timestampAt(mid) < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Every kept event as objects, oldest first: for tests and tools, built on each call. */
  get events(): LogEvent[] {
    return Array.from({ length: this.eventCount }, (_, i) => this.eventAt(this.head + i));
  }

  /** The segment holding a kept position. */
  segmentOf(position: number): LogSegment {
    return this.segments[Math.floor(position / SEGMENT_EVENTS) - this.firstSegment]!;
  }

  private newSegment(): LogSegment {
    const segment = new LogSegment();
    if (this.segments.length === 0) this.firstSegment = Math.floor(this.end / SEGMENT_EVENTS);
    this.segments.push(segment);
    return segment;
  }
}
