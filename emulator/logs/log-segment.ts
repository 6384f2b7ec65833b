/**
 * A run of up to SEGMENT_EVENTS consecutive events of one log group, stored by column: timestamps
 * and stream ids in typed arrays, messages in one buffer. While a segment fills, its messages are
 * kept as they came; once full it is sealed: the messages are written as UTF-8 into one buffer
 * with a byte offset per event, which frees whatever larger strings the originals were cut from
 * (lines split from a stdout chunk keep that chunk alive) and leaves no per-event object behind.
 * The buffer lives outside V8's heap: a full store is then not a heap several times the size of
 * what it keeps (V8 grows its heap with the live data it holds, and keeps the room), and dropping
 * a segment returns its memory at once.
 */
import { EVENT_OVERHEAD_BYTES } from './log-event-bytes.ts';

export const SEGMENT_EVENTS = 1024;

export class LogSegment {
  count = 0;
  private readonly timestamps = new Float64Array(SEGMENT_EVENTS);
  private readonly streamIds = new Uint32Array(SEGMENT_EVENTS);
  /** Messages while the segment fills; undefined once sealed. */
  private pending: string[] | undefined = [];
  private text: Buffer | undefined;
  /** UTF-8 byte offset of each message (in `text` once sealed), and the total at the end. */
  private readonly offsets = new Uint32Array(SEGMENT_EVENTS + 1);

  get full(): boolean {
    return this.count === SEGMENT_EVENTS;
  }

  /** `bytes`: the event's size as eventBytes counts it, measured once by the caller. */
  append(message: string, timestamp: number, streamId: number, bytes: number): void {
    this.timestamps[this.count] = timestamp;
    this.streamIds[this.count] = streamId;
    this.offsets[this.count + 1] = this.offsets[this.count]! + bytes - EVENT_OVERHEAD_BYTES;
    this.pending!.push(message);
    this.count += 1;
    if (this.count === SEGMENT_EVENTS) this.seal();
  }

  timestamp(i: number): number {
    return this.timestamps[i]!;
  }

  streamId(i: number): number {
    return this.streamIds[i]!;
  }

  message(i: number): string {
    if (this.pending) return this.pending[i]!;
    return this.text!.toString('utf8', this.offsets[i], this.offsets[i + 1]);
  }

  /** The event's size as CloudWatch Logs counts it: its message in UTF-8 bytes, plus the overhead. */
  eventBytes(i: number): number {
    return this.offsets[i + 1]! - this.offsets[i]! + EVENT_OVERHEAD_BYTES;
  }

  /**
   * The first index >= i whose message may contain `term`, found with one search of the sealed
   * text (the segment's count if none); i itself while the segment fills. A hit may straddle two
   * messages: callers test the message itself. The search runs on UTF-8 bytes, where a string's
   * encoding occurs exactly where the string does.
   */
  nextCandidate(term: string, i: number): number {
    if (this.pending) return i;
    const offsets = this.offsets;
    const at = this.text!.indexOf(term, offsets[i], 'utf8');
    if (at < 0) return this.count;
    // The last event starting at or before the hit holds it.
    let lo = i;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (offsets[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private seal(): void {
    const messages = this.pending!;
    const text = Buffer.allocUnsafeSlow(this.offsets[messages.length]!);
    for (let i = 0; i < messages.length; i++) text.write(messages[i]!, this.offsets[i]!, 'utf8');
    this.text = text;
    this.pending = undefined;
  }
}
