/**
 * Run by bench/log-store.ts in its own process (`node --expose-gc`): fills the embedded stack's log
 * store with Lambda platform lines as a soak writes them, and prints one JSON line of figures: heap
 * per retained event (against the same events kept as one object each, as the store used to keep
 * them, measured in the same process), retained bytes, and the time of Logs API pages without HTTP.
 */
import { createLogsApi } from '../emulator/logs/cloudwatch-logs-api.ts';
import { LogStore } from '../emulator/logs/log-store.ts';
import { endLine, reportLine, startLine } from '../shared/lambda-log-lines.ts';

const EVENTS = Number(process.argv[2] ?? 200_000);
const STREAMS = 10;
const GROUP = '/aws/lambda/bench';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

/** The JS heap and what lives outside it (typed arrays' buffers). */
function heapUsed(): number {
  gc!();
  gc!();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

/** The three lines of one invocation, each a fresh flat string as a line read from a pipe is. */
function invocationLines(i: number): string[] {
  const requestId = crypto.randomUUID();
  return [
    startLine(requestId, '$LATEST'),
    endLine(requestId),
    reportLine({
      requestId,
      durationMs: 1 + (i % 97) / 10,
      memorySizeMb: 512,
      maxMemoryUsedMb: 80 + (i % 7),
    }),
  ].map((line) => Buffer.from(line).toString('latin1'));
}

function fill(put: (stream: string, message: string) => void): void {
  for (let i = 0; i * 3 < EVENTS; i++) {
    const stream = `2026/12/02/[$LATEST]${String(i % STREAMS).padStart(32, '0')}`;
    for (const line of invocationLines(i)) put(stream, line);
  }
}

// The column store, sized to keep every event.
let before = heapUsed();
const store = new LogStore({ maxBytesPerGroup: 1024 ** 3, maxTotalBytes: 1024 ** 3 });
fill((stream, message) => store.put(GROUP, stream, message));
const storeHeap = heapUsed() - before;
const group = store.groups.get(GROUP)!;

// The same events as one object each, in a group array and a stream array.
before = heapUsed();
interface EventObject {
  timestamp: number;
  ingestionTime: number;
  message: string;
  sequence: number;
  logStreamName: string;
}
const objects: EventObject[] = [];
const perStream = new Map<string, EventObject[]>();
fill((stream, message) => {
  const event = {
    timestamp: Date.now(),
    ingestionTime: Date.now(),
    message,
    sequence: objects.length,
    logStreamName: stream,
  };
  objects.push(event);
  const list = perStream.get(stream) ?? [];
  if (list.length === 0) perStream.set(stream, list);
  list.push(event);
});
const objectHeap = heapUsed() - before;

// The cost of put alone, into a fresh store, from lines made beforehand.
const lines: Array<[string, string]> = [];
fill((stream, message) => lines.push([stream, message]));
const putStore = new LogStore({ maxBytesPerGroup: 1024 ** 3, maxTotalBytes: 1024 ** 3 });
const putStarted = performance.now();
for (const [stream, message] of lines) putStore.put(GROUP, stream, message);
const putMs = performance.now() - putStarted;
lines.length = 0;

// Pages, timed in-process: the operation and the JSON text of its answer (what precedes the HTTP write).
const api = createLogsApi(store, 'us-east-1', '123456789012');
function timed(operation: string, request: Record<string, unknown>): { ms: number; out: Record<string, unknown> } {
  const started = performance.now();
  const out = api.invoke(operation, request);
  JSON.stringify(out);
  return { ms: performance.now() - started, out };
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

// Warm-up, then the soak row's query: REPORT lines, 1,000 a page, every page to the end.
for (let k = 0; k < 3; k++) timed('FilterLogEvents', { logGroupName: GROUP, filterPattern: 'REPORT', limit: 1000 });
const reportPages: number[] = [];
let token: unknown;
do {
  const { ms, out } = timed('FilterLogEvents', {
    logGroupName: GROUP,
    filterPattern: 'REPORT',
    limit: 1000,
    ...(token ? { nextToken: token } : {}),
  });
  reportPages.push(ms);
  token = out.nextToken;
} while (token);
const fullPage = timed('FilterLogEvents', { logGroupName: GROUP }).ms;
const noMatch = timed('FilterLogEvents', { logGroupName: GROUP, filterPattern: 'no-such-term' }).ms;
const streamTail = timed('GetLogEvents', {
  logGroupName: GROUP,
  logStreamName: `2026/12/02/[$LATEST]${'0'.repeat(32)}`,
}).ms;

console.log(
  JSON.stringify({
    events: group.eventCount,
    storedBytes: group.storedBytes,
    heapPerEvent: storeHeap / group.eventCount,
    objectHeapPerEvent: objectHeap / objects.length,
    putNsPerEvent: (putMs * 1e6) / group.eventCount,
    reportPages: reportPages.length,
    reportPageMedianMs: median(reportPages),
    reportPageWorstMs: Math.max(...reportPages),
    reportPageWorstAt: reportPages.indexOf(Math.max(...reportPages)),
    fullPageMs: fullPage,
    noMatchMs: noMatch,
    streamTailMs: streamTail,
  }),
);
