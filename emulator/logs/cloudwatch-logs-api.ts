/**
 * The part of the CloudWatch Logs API the scaling report reads — DescribeLogGroups,
 * DescribeLogStreams, FilterLogEvents, GetLogEvents — in its JSON 1.1 wire protocol
 * (`X-Amz-Target: Logs_20140328.<Operation>`), so `@aws-sdk/client-cloudwatch-logs` pointed at
 * this endpoint reads local logs exactly as it reads AWS. Signatures are not checked.
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { lowerBound, type LogEvent, type LogGroup, type LogStore, type LogStream } from './log-store.ts';

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

function streamSummary(g: LogGroup, s: LogStream, region: string, accountId: string): Json {
  const first = s.events[0];
  const last = s.events[s.events.length - 1];
  return {
    logStreamName: s.logStreamName,
    creationTime: s.creationTime,
    ...(first ? { firstEventTimestamp: first.timestamp } : {}),
    ...(last ? { lastEventTimestamp: last.timestamp, lastIngestionTime: last.ingestionTime } : {}),
    uploadSequenceToken: String(s.events.length),
    arn: `arn:aws:logs:${region}:${accountId}:log-group:${g.logGroupName}:log-stream:${s.logStreamName}`,
    storedBytes: 0,
  };
}

/**
 * filterPattern: space-separated terms that must all occur, a quoted term matching exactly, or
 * `?term` alternatives, the unstructured-text subset of the pattern syntax
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html).
 */
export function compileFilterPattern(pattern: string | undefined): (message: string) => boolean {
  if (!pattern || pattern.trim() === '') return () => true;
  const terms = pattern.match(/\?"[^"]*"|\?\S+|"[^"]*"|\S+/g) ?? [];
  const unquote = (term: string): string => term.replace(/^\?/, '').replace(/^"(.*)"$/, '$1');
  const optional = terms.filter((t) => t.startsWith('?')).map(unquote);
  const required = terms.filter((t) => !t.startsWith('?')).map(unquote);
  if (optional.length > 0) return (message) => optional.some((term) => message.includes(term));
  return (message) => required.every((term) => message.includes(term));
}

export function matchesFilterPattern(message: string, pattern: string | undefined): boolean {
  return compileFilterPattern(pattern)(message);
}

function eventJson(e: LogEvent, withStream: boolean): Json {
  return {
    ...(withStream ? { logStreamName: e.logStreamName, eventId: String(e.sequence).padStart(20, '0') } : {}),
    timestamp: e.timestamp,
    message: e.message,
    ingestionTime: e.ingestionTime,
  };
}

export function createLogsApi(store: LogStore, region: string, accountId: string) {
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
          storedBytes: 0,
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
          ? (a.events.at(-1)?.timestamp ?? 0) - (b.events.at(-1)?.timestamp ?? 0)
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
      const names = Array.isArray(request.logStreamNames) ? new Set(request.logStreamNames.map(String)) : undefined;
      const prefix = typeof request.logStreamNamePrefix === 'string' ? request.logStreamNamePrefix : '';
      const start = typeof request.startTime === 'number' ? request.startTime : -Infinity;
      const end = typeof request.endTime === 'number' ? request.endTime : Infinity;
      const matches = compileFilterPattern(pattern);
      const streams = [...g.streams.values()].filter((s) =>
        names ? names.has(s.logStreamName) : s.logStreamName.startsWith(prefix),
      );
      const wanted = new Set(streams.map((s) => s.logStreamName));
      // The token is the sequence number of the next event to examine: a page starts where the last
      // one stopped (binary search), and scans forward only as far as it needs to.
      let from = lowerBound(g.events, start, (e) => e.timestamp);
      if (typeof request.nextToken === 'string') {
        const next = /^s\/(\d+)$/.exec(request.nextToken);
        if (!next) throw new ApiError('InvalidParameterException', 'The specified nextToken is invalid.');
        from = Math.max(
          from,
          lowerBound(g.events, Number(next[1]), (e) => e.sequence),
        );
      }
      const events: Json[] = [];
      const scanEnd = Math.min(g.events.length, from + MAX_SCANNED_PER_CALL);
      let i = from;
      for (; i < scanEnd && events.length < limit; i++) {
        const e = g.events[i]!;
        if (e.timestamp > end) {
          i = g.events.length;
          break;
        }
        if (wanted.has(e.logStreamName) && matches(e.message)) events.push(eventJson(e, true));
      }
      const more = i < g.events.length && (g.events[i]?.timestamp ?? Infinity) <= end;
      return {
        events,
        searchedLogStreams: streams.map((s) => ({ logStreamName: s.logStreamName, searchedCompletely: !more })),
        ...(more ? { nextToken: `s/${g.events[i]!.sequence}` } : {}),
      };
    },
    GetLogEvents(request) {
      const g = group(store, request);
      const s = typeof request.logStreamName === 'string' ? g.streams.get(request.logStreamName) : undefined;
      if (!s) throw new ApiError('ResourceNotFoundException', 'The specified log stream does not exist.');
      const limit = limitOf(request, MAX_EVENTS);
      const events = s.events;
      // The time window as positions (events are in time order); end is exclusive here.
      const lo = typeof request.startTime === 'number' ? lowerBound(events, request.startTime, (e) => e.timestamp) : 0;
      const hi =
        typeof request.endTime === 'number' ? lowerBound(events, request.endTime, (e) => e.timestamp) : events.length;
      // Without a token, `startFromHead` (default false) picks the oldest or the latest events
      // (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html).
      // Tokens hold a sequence number: `f/N` reads forward from N, `b/N` backward from before N.
      let token: RegExpExecArray | null = null;
      if (typeof request.nextToken === 'string') {
        token = /^([fb])\/(\d+)$/.exec(request.nextToken);
        if (!token) throw new ApiError('InvalidParameterException', 'The specified nextToken is invalid.');
      }
      let from: number;
      let to: number;
      if (token?.[1] === 'f') {
        from = Math.min(
          hi,
          Math.max(
            lo,
            lowerBound(events, Number(token[2]), (e) => e.sequence),
          ),
        );
        to = Math.min(hi, from + limit);
      } else if (token?.[1] === 'b') {
        to = Math.max(
          lo,
          Math.min(
            hi,
            lowerBound(events, Number(token[2]), (e) => e.sequence),
          ),
        );
        from = Math.max(lo, to - limit);
      } else {
        from = request.startFromHead === true ? lo : Math.max(lo, hi - limit);
        to = Math.min(hi, from + limit);
      }
      // At either end the token stays the same: that is how callers know to stop.
      const forward =
        to > from
          ? events[to - 1]!.sequence + 1
          : token?.[1] === 'f'
            ? Number(token[2])
            : (events[from]?.sequence ?? (events.at(-1)?.sequence ?? 0) + 1);
      const backward =
        to > from ? events[from]!.sequence : token?.[1] === 'b' ? Number(token[2]) : (events[from]?.sequence ?? 0);
      return {
        events: events.slice(from, to).map((e) => eventJson(e, false)),
        nextForwardToken: `f/${forward}`,
        nextBackwardToken: `b/${backward}`,
      };
    },
  };

  return {
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
        // Own properties only: `constructor`, `toString` and the like are not operations.
        const handler = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
        if (!handler) throw new ApiError('UnknownOperationException', `Operation ${operation} is not emulated`);
        const text = await readRequest(req);
        body = handler(text.length ? (JSON.parse(text) as Json) : {});
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
