/**
 * FilterLogEvents and GetLogEvents: pages read from a position in a log group's log (found by
 * binary search, never by re-scanning or re-sorting the group), with nextTokens that hold the next
 * position (page-token.ts).
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html
 */
import { compileFilter } from './filter-pattern.ts';
import type { LogGroup, LogStream } from './log-group.ts';
import { SEGMENT_EVENTS } from './log-segment.ts';
import type { LogStore } from './log-store.ts';
import { ApiError, findGroup, invalidToken, type Json, limitOf, optionalNumber } from './logs-api-errors.ts';
import type { PageTokens } from './page-token.ts';

/** FilterLogEvents and GetLogEvents: `limit` is 1 to 10,000 (API_FilterLogEvents.html, API_GetLogEvents.html). */
const MAX_EVENTS = 10_000;
/** `filterPattern`: at most 1,024 characters (API_FilterLogEvents.html, "Length Constraints"). */
export const MAX_FILTER_PATTERN_LENGTH = 1024;
/**
 * Bytes of events in one page: "Each page returned can contain up to 1 MB of log events or up to
 * 10,000 log events" (API_FilterLogEvents.html; GetLogEvents likewise), counted as eventBytes counts.
 */
const MAX_RESPONSE_BYTES = 1_048_576;
/**
 * Events one FilterLogEvents call examines at most. AWS may answer with fewer events than `limit`,
 * even none, and a nextToken to go on ("This operation can return empty results while there are
 * more log events available through the token", API_FilterLogEvents.html); this keeps one call
 * from holding the gateway's event loop for long.
 */
const MAX_SCANNED_PER_CALL = 200_000;

/** The fields of a FilteredLogEvent (API_FilteredLogEvent.html) or, without the stream, an OutputLogEvent. */
function eventJson(g: LogGroup, position: number, message: string, logStreamName: string | undefined): Json {
  const timestamp = g.timestampAt(position);
  return logStreamName === undefined
    ? { timestamp, message, ingestionTime: timestamp }
    : { logStreamName, timestamp, message, ingestionTime: timestamp, eventId: String(position).padStart(20, '0') };
}

/** First index in [lo, hi) of a stream's events whose timestamp is >= time. */
function streamLowerBound(g: LogGroup, s: LogStream, time: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (g.timestampAt(s.positions.at(mid)) < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function filterLogEvents(store: LogStore, tokens: PageTokens, request: Json): Json {
  const g = findGroup(store, request);
  const pattern = typeof request.filterPattern === 'string' ? request.filterPattern : undefined;
  if (pattern !== undefined && pattern.length > MAX_FILTER_PATTERN_LENGTH) {
    throw new ApiError(
      'InvalidParameterException',
      `1 validation error detected: Value at 'filterPattern' failed to satisfy constraint: Member must have length less than or equal to ${MAX_FILTER_PATTERN_LENGTH}`,
    );
  }
  const limit = limitOf(request, MAX_EVENTS);
  const names = Array.isArray(request.logStreamNames) ? request.logStreamNames.map(String) : undefined;
  const prefix = typeof request.logStreamNamePrefix === 'string' ? request.logStreamNamePrefix : undefined;
  // "If you specify a value for both logStreamNamePrefix and logStreamNames, the action returns
  // an InvalidParameterException error." (API_FilterLogEvents.html)
  if (names && prefix !== undefined)
    throw new ApiError('InvalidParameterException', 'logStreamNames and logStreamNamePrefix cannot both be specified');
  // startTime: "Events with a timestamp before this time are not returned"; endTime: "Events with
  // a timestamp later than this time are not returned" (API_FilterLogEvents.html).
  const startTime = optionalNumber(request, 'startTime');
  const endTime = optionalNumber(request, 'endTime');
  // A token is good for the query that issued it only (whatever the page size).
  const query = JSON.stringify([
    'FilterLogEvents',
    g.logGroupName,
    pattern ?? '',
    names ?? null,
    prefix ?? null,
    startTime ?? null,
    endTime ?? null,
  ]);
  let wanted: Uint8Array | undefined;
  if (names || prefix) {
    const nameSet = new Set(names);
    wanted = new Uint8Array(g.streamIdLimit);
    for (const s of g.streams.values()) {
      if (names ? nameSet.has(s.logStreamName) : s.logStreamName.startsWith(prefix!)) wanted[s.id] = 1;
    }
  }
  let from = startTime === undefined ? g.head : g.lowerBoundTime(startTime);
  if (typeof request.nextToken === 'string') {
    const page = tokens.read(request.nextToken, query);
    if (page?.kind !== 'n') throw invalidToken();
    // A position that retention has dropped since reads on from the oldest kept event.
    from = Math.max(from, page.position);
  }
  const stop = endTime === undefined ? g.end : g.lowerBoundTime(Math.floor(endTime) + 1, Math.min(from, g.end));
  const { test, anchor } = compileFilter(pattern);
  const events: Json[] = [];
  let bytes = 0;
  const scanEnd = Math.min(stop, from + MAX_SCANNED_PER_CALL);
  let p = from;
  scan: while (p < scanEnd) {
    // One segment at a time: its columns are read directly, and a term every match contains is
    // searched for in the segment's text at once rather than message by message.
    const segment = g.segmentOf(p);
    const base = p - (p % SEGMENT_EVENTS);
    const segmentEnd = Math.min(scanEnd, base + SEGMENT_EVENTS);
    while (p < segmentEnd) {
      if (events.length === limit) break scan;
      if (anchor !== undefined) {
        p = Math.min(segmentEnd, base + segment.nextCandidate(anchor, p - base));
        if (p === segmentEnd) break;
      }
      const i = p - base;
      p += 1;
      const streamId = segment.streamId(i);
      if (wanted && wanted[streamId] !== 1) continue;
      const message = segment.message(i);
      if (!test(message)) continue;
      const size = segment.eventBytes(i);
      if (bytes + size > MAX_RESPONSE_BYTES && events.length > 0) {
        p -= 1;
        break scan;
      }
      bytes += size;
      events.push(eventJson(g, base + i, message, g.streamById(streamId)?.logStreamName ?? ''));
    }
  }
  return {
    events,
    // "As of May 15, 2020, this parameter is no longer supported. This parameter returns an
    // empty list." (API_FilterLogEvents.html, searchedLogStreams)
    searchedLogStreams: [],
    // "If the results don't include a nextToken, then pagination is finished."
    ...(p < stop ? { nextToken: tokens.issue({ kind: 'n', position: p }, query) } : {}),
  };
}

export function getLogEvents(store: LogStore, tokens: PageTokens, request: Json): Json {
  const g = findGroup(store, request);
  const s = typeof request.logStreamName === 'string' ? g.streams.get(request.logStreamName) : undefined;
  if (!s) throw new ApiError('ResourceNotFoundException', 'The specified log stream does not exist.');
  const limit = limitOf(request, MAX_EVENTS);
  const startTime = optionalNumber(request, 'startTime');
  const endTime = optionalNumber(request, 'endTime');
  const query = JSON.stringify(['GetLogEvents', g.logGroupName, s.logStreamName, startTime ?? null, endTime ?? null]);
  const list = s.positions;
  const count = list.length;
  // The time window as indexes of the stream's events: startTime is inclusive, endTime exclusive
  // ("Events with a timestamp equal to or later than this time are not included", API_GetLogEvents.html).
  const lo = startTime === undefined ? 0 : streamLowerBound(g, s, startTime, 0, count);
  const hi = endTime === undefined ? count : streamLowerBound(g, s, endTime, lo, count);
  const given = typeof request.nextToken === 'string' ? request.nextToken : undefined;
  const token = given === undefined ? undefined : tokens.read(given, query);
  if (given !== undefined && (token === undefined || token.kind === 'n')) throw invalidToken();
  const clamp = (i: number): number => Math.min(hi, Math.max(lo, i));
  const size = (i: number): number => g.eventBytesAt(list.at(i));
  // Without a token, `startFromHead` (default false) picks the oldest or the latest events; a
  // page holds at most `limit` events and 1 MB (API_GetLogEvents.html).
  const forward = token ? token.kind === 'f' : request.startFromHead === true;
  let from: number;
  let to: number;
  if (forward) {
    from = token ? clamp(list.lowerBound(token.position)) : lo;
    to = from;
    for (let bytes = 0; to < hi && to - from < limit; to++) {
      bytes += size(to);
      if (bytes > MAX_RESPONSE_BYTES && to > from) break;
    }
  } else {
    to = token ? clamp(list.lowerBound(token.position)) : hi;
    from = to;
    for (let bytes = 0; from > lo && to - from < limit; from--) {
      bytes += size(from - 1);
      if (bytes > MAX_RESPONSE_BYTES && from < to) break;
    }
  }
  // "If you have reached the end of the stream, it returns the same token you passed in."
  // (API_GetLogEvents.html, nextForwardToken and nextBackwardToken)
  const forwardPosition =
    to > from ? list.at(to - 1) + 1 : from < count ? list.at(from) : count > 0 ? list.at(count - 1) + 1 : g.end;
  const backwardPosition = to > from ? list.at(from) : from < count ? list.at(from) : 0;
  const events: Json[] = [];
  for (let i = from; i < to; i++) events.push(eventJson(g, list.at(i), g.messageAt(list.at(i)), undefined));
  return {
    events,
    nextForwardToken:
      to === from && token?.kind === 'f' ? given : tokens.issue({ kind: 'f', position: forwardPosition }, query),
    nextBackwardToken:
      to === from && token?.kind === 'b' ? given : tokens.issue({ kind: 'b', position: backwardPosition }, query),
  };
}
