/**
 * The part of the CloudWatch Logs API the scaling report reads — DescribeLogGroups,
 * DescribeLogStreams, FilterLogEvents, GetLogEvents — in its JSON 1.1 wire protocol
 * (`X-Amz-Target: Logs_20140328.<Operation>`), so `@aws-sdk/client-cloudwatch-logs` pointed at
 * this endpoint reads local logs exactly as it reads AWS. Signatures are not checked.
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { compileFilter } from './filter-pattern.ts';
import { EVENT_OVERHEAD_BYTES, type LogGroup, type LogStream } from './log-group.ts';
import { SEGMENT_EVENTS } from './log-segment.ts';
import type { LogStore } from './log-store.ts';
import { PageTokens } from './page-token.ts';

export { compileFilterPattern, matchesFilterPattern } from './filter-pattern.ts';

const TARGET_PREFIX = 'Logs_20140328.';
/** FilterLogEvents and GetLogEvents: `limit` is 1 to 10,000 (API_FilterLogEvents.html, API_GetLogEvents.html). */
const MAX_EVENTS = 10_000;
/** DescribeLogGroups and DescribeLogStreams: `limit` is 1 to 50 (API_DescribeLogGroups.html, API_DescribeLogStreams.html). */
const MAX_STREAMS = 50;
/** `filterPattern`: at most 1,024 characters (API_FilterLogEvents.html, "Length Constraints"). */
export const MAX_FILTER_PATTERN_LENGTH = 1024;
/**
 * Request bodies above this are refused before they are read in full: the largest request the
 * CloudWatch Logs API documents is a PutLogEvents batch of 1,048,576 bytes (API_PutLogEvents.html);
 * the read operations served here take a few hundred bytes.
 */
export const MAX_REQUEST_BYTES = 1024 * 1024;
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
class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

function group(store: LogStore, request: Json): LogGroup {
  const name =
    request.logGroupName ??
    (typeof request.logGroupIdentifier === 'string'
      ? request.logGroupIdentifier.split(':log-group:').pop()
      : undefined);
  const found = typeof name === 'string' ? store.groups.get(name) : undefined;
  if (!found) throw new ApiError('ResourceNotFoundException', 'The specified log group does not exist.');
  return found;
}

/** `limit` as AWS validates it: a whole number within the operation's range, else InvalidParameterException. */
function limitOf(request: Json, maxLimit: number): number {
  if (request.limit === undefined || request.limit === null) return maxLimit;
  const limit = request.limit;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
    throw new ApiError(
      'InvalidParameterException',
      `1 validation error detected: Value '${String(limit)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${maxLimit}`,
    );
  }
  return limit;
}

function page(request: Json, maxLimit: number): { offset: number; limit: number } {
  const offset = typeof request.nextToken === 'string' ? Number(request.nextToken) : 0;
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new ApiError('InvalidParameterException', 'The specified nextToken is invalid.');
  return { offset, limit: limitOf(request, maxLimit) };
}

function lastTimestamp(g: LogGroup, s: LogStream): number | undefined {
  return s.positions.length > 0 ? g.timestampAt(s.positions.at(s.positions.length - 1)) : undefined;
}

function streamSummary(g: LogGroup, s: LogStream, region: string, accountId: string): Json {
  const count = s.positions.length;
  const first = count > 0 ? g.timestampAt(s.positions.at(0)) : undefined;
  const last = lastTimestamp(g, s);
  return {
    logStreamName: s.logStreamName,
    creationTime: s.creationTime,
    ...(first === undefined ? {} : { firstEventTimestamp: first }),
    ...(last === undefined ? {} : { lastEventTimestamp: last, lastIngestionTime: last }),
    uploadSequenceToken: String(count),
    arn: `arn:aws:logs:${region}:${accountId}:log-group:${g.logGroupName}:log-stream:${s.logStreamName}`,
    // Deprecated for streams and always 0 on AWS (API_LogStream.html, "storedBytes").
    storedBytes: 0,
  };
}

/** The fields of a FilteredLogEvent (API_FilteredLogEvent.html) or, without the stream, an OutputLogEvent. */
function eventJson(g: LogGroup, position: number, message: string, logStreamName: string | undefined): Json {
  const timestamp = g.timestampAt(position);
  return logStreamName === undefined
    ? { timestamp, message, ingestionTime: timestamp }
    : { logStreamName, timestamp, message, ingestionTime: timestamp, eventId: String(position).padStart(20, '0') };
}

function unknownOperation(operation: string): ApiError {
  return new ApiError('UnknownOperationException', `Operation ${operation} is not emulated`);
}

function invalidToken(): ApiError {
  return new ApiError('InvalidParameterException', 'The specified nextToken is invalid.');
}

function optionalNumber(request: Json, name: string): number | undefined {
  const value = request[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ApiError(
      'InvalidParameterException',
      `1 validation error detected: Value '${String(value)}' at '${name}' failed to satisfy constraint: Member must have value greater than or equal to 0`,
    );
  }
  return value;
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

export function createLogsApi(store: LogStore, region: string, accountId: string) {
  const tokens = new PageTokens();
  const operations: Record<string, (request: Json) => Json> = {
    DescribeLogGroups(request) {
      const prefix = typeof request.logGroupNamePrefix === 'string' ? request.logGroupNamePrefix : '';
      const groups = [...store.groups.values()]
        .filter((g) => g.logGroupName.startsWith(prefix))
        .sort((a, b) => a.logGroupName.localeCompare(b.logGroupName));
      const { offset, limit } = page(request, MAX_STREAMS);
      const slice = groups.slice(offset, offset + limit);
      return {
        logGroups: slice.map((g) => ({
          logGroupName: g.logGroupName,
          creationTime: g.creationTime,
          ...(g.retentionInDays ? { retentionInDays: g.retentionInDays } : {}),
          arn: `arn:aws:logs:${region}:${accountId}:log-group:${g.logGroupName}:*`,
          // "The number of bytes stored" (API_LogGroup.html): here, what retention keeps in memory.
          storedBytes: g.storedBytes,
        })),
        ...(offset + limit < groups.length ? { nextToken: String(offset + limit) } : {}),
      };
    },
    DescribeLogStreams(request) {
      const g = group(store, request);
      const prefix = typeof request.logStreamNamePrefix === 'string' ? request.logStreamNamePrefix : '';
      const byTime = request.orderBy === 'LastEventTime';
      let streams = [...g.streams.values()].filter((s) => s.logStreamName.startsWith(prefix));
      streams.sort((a, b) =>
        byTime
          ? (lastTimestamp(g, a) ?? 0) - (lastTimestamp(g, b) ?? 0)
          : a.logStreamName.localeCompare(b.logStreamName),
      );
      if (request.descending === true) streams = streams.reverse();
      const { offset, limit } = page(request, MAX_STREAMS);
      return {
        logStreams: streams.slice(offset, offset + limit).map((s) => streamSummary(g, s, region, accountId)),
        ...(offset + limit < streams.length ? { nextToken: String(offset + limit) } : {}),
      };
    },
    FilterLogEvents(request) {
      const g = group(store, request);
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
        throw new ApiError(
          'InvalidParameterException',
          'logStreamNames and logStreamNamePrefix cannot both be specified',
        );
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
          const size = Buffer.byteLength(message, 'utf8') + EVENT_OVERHEAD_BYTES;
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
    },
    GetLogEvents(request) {
      const g = group(store, request);
      const s = typeof request.logStreamName === 'string' ? g.streams.get(request.logStreamName) : undefined;
      if (!s) throw new ApiError('ResourceNotFoundException', 'The specified log stream does not exist.');
      const limit = limitOf(request, MAX_EVENTS);
      const startTime = optionalNumber(request, 'startTime');
      const endTime = optionalNumber(request, 'endTime');
      const query = JSON.stringify([
        'GetLogEvents',
        g.logGroupName,
        s.logStreamName,
        startTime ?? null,
        endTime ?? null,
      ]);
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
      const size = (i: number): number => Buffer.byteLength(g.messageAt(list.at(i)), 'utf8') + EVENT_OVERHEAD_BYTES;
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
    },
  };

  /** Runs one operation on a parsed request: what `handle` does once the body is read (and for in-process callers). */
  function invoke(operation: string, request: Json): Json {
    // Own properties only: `constructor`, `toString` and the like are not operations.
    const handler = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
    if (!handler) throw unknownOperation(operation);
    return handler(request);
  }

  return {
    invoke,
    /** True when the request is a CloudWatch Logs API call (any path, as SDK endpoints may carry one). */
    accepts(req: IncomingMessage): boolean {
      const target = req.headers['x-amz-target'];
      return req.method === 'POST' && typeof target === 'string' && target.startsWith(TARGET_PREFIX);
    },
    async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const operation = String(req.headers['x-amz-target']).slice(TARGET_PREFIX.length);
      let status = 200;
      let body: Json;
      try {
        // An unknown operation is refused before its body is read.
        if (!Object.hasOwn(operations, operation)) throw unknownOperation(operation);
        const text = await readRequest(req);
        body = invoke(operation, text.length ? (JSON.parse(text) as Json) : {});
      } catch (error) {
        const apiError =
          error instanceof ApiError ? error : new ApiError('SerializationException', (error as Error).message);
        status = apiError.status;
        body = { __type: apiError.type, message: apiError.message };
        // Whatever of the body was not read is not worth reading: the connection ends with the answer.
        if (!req.complete) res.setHeader('connection', 'close');
      }
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'content-length': Buffer.byteLength(text),
        'x-amzn-requestid': crypto.randomUUID(),
      });
      res.end(text);
    },
  };
}

/** The request body, refused once it passes MAX_REQUEST_BYTES (declared or actual). */
function readRequest(req: IncomingMessage): Promise<string> {
  const tooLarge = (): ApiError =>
    new ApiError('SerializationException', `Request body exceeds ${MAX_REQUEST_BYTES} bytes`, 413);
  if (Number(req.headers['content-length'] ?? '0') > MAX_REQUEST_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        req.off('data', onData);
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
