/**
 * The part of the CloudWatch Logs API the scaling report reads — DescribeLogGroups,
 * DescribeLogStreams, FilterLogEvents, GetLogEvents — in its JSON 1.1 wire protocol
 * (`X-Amz-Target: Logs_20140328.<Operation>`), so `@aws-sdk/client-cloudwatch-logs` pointed at
 * this endpoint reads local logs exactly as it reads AWS. Signatures are not checked.
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LogEvent, LogGroup, LogStore, LogStream } from './log-store.ts';

const TARGET_PREFIX = 'Logs_20140328.';
const MAX_EVENTS = 10_000;
const MAX_STREAMS = 50;

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
  const name = request.logGroupName ?? (typeof request.logGroupIdentifier === 'string' ? request.logGroupIdentifier.split(':log-group:').pop() : undefined);
  const found = typeof name === 'string' ? store.groups.get(name) : undefined;
  if (!found) throw new ApiError('ResourceNotFoundException', 'The specified log group does not exist.');
  return found;
}

function page(request: Json, maxLimit: number): { offset: number; limit: number } {
  const offset = typeof request.nextToken === 'string' ? Number.parseInt(request.nextToken, 10) : 0;
  if (!Number.isFinite(offset) || offset < 0) throw new ApiError('InvalidParameterException', 'The specified nextToken is invalid.');
  const limit = typeof request.limit === 'number' ? Math.min(request.limit, maxLimit) : maxLimit;
  return { offset, limit };
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
export function matchesFilterPattern(message: string, pattern: string | undefined): boolean {
  if (!pattern || pattern.trim() === '') return true;
  const terms = pattern.match(/\?"[^"]*"|\?\S+|"[^"]*"|\S+/g) ?? [];
  const unquote = (term: string): string => term.replace(/^\?/, '').replace(/^"(.*)"$/, '$1');
  const optional = terms.filter((t) => t.startsWith('?')).map(unquote);
  const required = terms.filter((t) => !t.startsWith('?')).map(unquote);
  if (optional.length > 0) return optional.some((term) => message.includes(term));
  return required.every((term) => message.includes(term));
}

function eventJson(e: LogEvent, streamName?: string): Json {
  return {
    ...(streamName === undefined ? {} : { logStreamName: streamName, eventId: String(e.sequence).padStart(20, '0') }),
    timestamp: e.timestamp,
    message: e.message,
    ingestionTime: e.ingestionTime,
  };
}

export function createLogsApi(store: LogStore, region: string, accountId: string) {
  const operations: Record<string, (request: Json) => Json> = {
    DescribeLogGroups(request) {
      const prefix = typeof request.logGroupNamePrefix === 'string' ? request.logGroupNamePrefix : '';
      const groups = [...store.groups.values()].filter((g) => g.logGroupName.startsWith(prefix)).sort((a, b) => a.logGroupName.localeCompare(b.logGroupName));
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
        byTime ? (a.events.at(-1)?.timestamp ?? 0) - (b.events.at(-1)?.timestamp ?? 0) : a.logStreamName.localeCompare(b.logStreamName),
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
      const names = Array.isArray(request.logStreamNames) ? new Set(request.logStreamNames.map(String)) : undefined;
      const prefix = typeof request.logStreamNamePrefix === 'string' ? request.logStreamNamePrefix : '';
      const start = typeof request.startTime === 'number' ? request.startTime : -Infinity;
      const end = typeof request.endTime === 'number' ? request.endTime : Infinity;
      const pattern = typeof request.filterPattern === 'string' ? request.filterPattern : undefined;
      const streams = [...g.streams.values()].filter((s) => (names ? names.has(s.logStreamName) : s.logStreamName.startsWith(prefix)));
      const events = streams
        .flatMap((s) => s.events.filter((e) => e.timestamp >= start && e.timestamp <= end && matchesFilterPattern(e.message, pattern)).map((e) => ({ e, s })))
        .sort((a, b) => a.e.timestamp - b.e.timestamp || a.e.sequence - b.e.sequence);
      const { offset, limit } = page(request, MAX_EVENTS);
      return {
        events: events.slice(offset, offset + limit).map(({ e, s }) => eventJson(e, s.logStreamName)),
        searchedLogStreams: streams.map((s) => ({ logStreamName: s.logStreamName, searchedCompletely: true })),
        ...(offset + limit < events.length ? { nextToken: String(offset + limit) } : {}),
      };
    },
    GetLogEvents(request) {
      const g = group(store, request);
      const s = typeof request.logStreamName === 'string' ? g.streams.get(request.logStreamName) : undefined;
      if (!s) throw new ApiError('ResourceNotFoundException', 'The specified log stream does not exist.');
      const start = typeof request.startTime === 'number' ? request.startTime : -Infinity;
      const end = typeof request.endTime === 'number' ? request.endTime : Infinity;
      const events = s.events.filter((e) => e.timestamp >= start && e.timestamp < end);
      const limit = typeof request.limit === 'number' ? Math.min(request.limit, MAX_EVENTS) : MAX_EVENTS;
      // Without a token, `startFromHead` (default false) picks the oldest or the latest events
      // (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html).
      const token = typeof request.nextToken === 'string' ? /^([fb])\/(\d+)$/.exec(request.nextToken) : null;
      let from: number;
      if (token?.[1] === 'f') from = Number(token[2]);
      else if (token?.[1] === 'b') from = Math.max(0, Number(token[2]) - limit);
      else from = request.startFromHead === true ? 0 : Math.max(0, events.length - limit);
      const to = token?.[1] === 'b' ? Number(token[2]) : Math.min(events.length, from + limit);
      // At either end the token stays the same: that is how callers know to stop.
      return { events: events.slice(from, to).map((e) => eventJson(e)), nextForwardToken: `f/${to}`, nextBackwardToken: `b/${from}` };
    },
  };

  return {
    /** True when the request is a CloudWatch Logs API call (any path, as SDK endpoints may carry one). */
    accepts(req: IncomingMessage): boolean {
      const target = req.headers['x-amz-target'];
      return req.method === 'POST' && typeof target === 'string' && target.startsWith(TARGET_PREFIX);
    },
    async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const operation = String(req.headers['x-amz-target']).slice(TARGET_PREFIX.length);
      let status = 200;
      let body: Json;
      try {
        const handler = operations[operation];
        if (!handler) throw new ApiError('UnknownOperationException', `Operation ${operation} is not emulated`);
        body = handler(chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json) : {});
      } catch (error) {
        const apiError = error instanceof ApiError ? error : new ApiError('SerializationException', (error as Error).message);
        status = apiError.status;
        body = { __type: apiError.type, message: apiError.message };
      }
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': crypto.randomUUID() });
      res.end(text);
    },
  };
}
