/**
 * The part of the CloudWatch Logs API the scaling report reads — DescribeLogGroups,
 * DescribeLogStreams, FilterLogEvents, GetLogEvents — in its JSON 1.1 wire protocol
 * (`X-Amz-Target: Logs_20140328.<Operation>`), so `@aws-sdk/client-cloudwatch-logs` pointed at
 * this endpoint reads local logs exactly as it reads AWS. Signatures are not checked.
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { filterLogEvents, getLogEvents } from './log-event-pages.ts';
import type { LogGroup, LogStream } from './log-group.ts';
import type { LogStore } from './log-store.ts';
import { ApiError, findGroup, invalidToken, type Json, limitOf, unknownOperation } from './logs-api-errors.ts';
import { PageTokens } from './page-token.ts';

export { compileFilterPattern, matchesFilterPattern } from './filter-pattern.ts';
export { MAX_FILTER_PATTERN_LENGTH } from './log-event-pages.ts';

const TARGET_PREFIX = 'Logs_20140328.';
/** DescribeLogGroups and DescribeLogStreams: `limit` is 1 to 50 (API_DescribeLogGroups.html, API_DescribeLogStreams.html). */
const MAX_STREAMS = 50;
/**
 * Request bodies above this are refused before they are read in full: the largest request the
 * CloudWatch Logs API documents is a PutLogEvents batch of 1,048,576 bytes (API_PutLogEvents.html);
 * the read operations served here take a few hundred bytes.
 */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/**
 * One page of a Describe* list: where it starts (a signed nextToken from the same query, as for
 * events, so a token from another listing or an altered one is refused) and how many it holds.
 */
function listPage(
  tokens: PageTokens,
  request: Json,
  query: string,
  length: number,
): { from: number; to: number; nextToken: string | undefined } {
  let from = 0;
  if (typeof request.nextToken === 'string') {
    const token = tokens.read(request.nextToken, query);
    if (token?.kind !== 'd') throw invalidToken();
    from = token.position;
  }
  const to = Math.min(length, from + limitOf(request, MAX_STREAMS));
  return { from, to, nextToken: to < length ? tokens.issue({ kind: 'd', position: to }, query) : undefined };
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

/** `now`: the clock that issues and expires nextTokens (tests move it). */
export function createLogsApi(store: LogStore, region: string, accountId: string, now: () => number = Date.now) {
  const tokens = new PageTokens(now);
  const operations: Record<string, (request: Json) => Json> = {
    DescribeLogGroups(request) {
      const prefix = typeof request.logGroupNamePrefix === 'string' ? request.logGroupNamePrefix : '';
      const groups = [...store.groups.values()]
        .filter((g) => g.logGroupName.startsWith(prefix))
        .sort((a, b) => a.logGroupName.localeCompare(b.logGroupName));
      const query = JSON.stringify(['DescribeLogGroups', prefix]);
      const { from, to, nextToken } = listPage(tokens, request, query, groups.length);
      const slice = groups.slice(from, to);
      return {
        logGroups: slice.map((g) => ({
          logGroupName: g.logGroupName,
          creationTime: g.creationTime,
          ...(g.retentionInDays ? { retentionInDays: g.retentionInDays } : {}),
          arn: `arn:aws:logs:${region}:${accountId}:log-group:${g.logGroupName}:*`,
          // "The number of bytes stored" (API_LogGroup.html): here, what retention keeps in memory.
          storedBytes: g.storedBytes,
        })),
        ...(nextToken ? { nextToken } : {}),
      };
    },
    DescribeLogStreams(request) {
      const g = findGroup(store, request);
      const prefix = typeof request.logStreamNamePrefix === 'string' ? request.logStreamNamePrefix : '';
      const byTime = request.orderBy === 'LastEventTime';
      let streams = [...g.streams.values()].filter((s) => s.logStreamName.startsWith(prefix));
      streams.sort((a, b) =>
        byTime
          ? (lastTimestamp(g, a) ?? 0) - (lastTimestamp(g, b) ?? 0)
          : a.logStreamName.localeCompare(b.logStreamName),
      );
      if (request.descending === true) streams = streams.reverse();
      const query = JSON.stringify(['DescribeLogStreams', g.logGroupName, prefix, byTime, request.descending === true]);
      const { from, to, nextToken } = listPage(tokens, request, query, streams.length);
      return {
        logStreams: streams.slice(from, to).map((s) => streamSummary(g, s, region, accountId)),
        ...(nextToken ? { nextToken } : {}),
      };
    },
    FilterLogEvents: (request) => filterLogEvents(store, tokens, request),
    GetLogEvents: (request) => getLogEvents(store, tokens, request),
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
