/**
 * Bench rows of the embedded stack under the loads its users put on it (`npm run bench -- --only
 * stack`): throughput through the whole stack against the bundled handler alone over HTTP, a
 * 1,000-connection stress on a fresh stack, and a soak that watches the gateway's memory and the
 * Logs API's page time. The stack runs as `npm start` runs it (its own process, measured from
 * /proc) and writes its log files, so the figures include everything a user's load test meets.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import autocannon from 'autocannon';
import { distPaths, repoRoot } from '../shared/lambda-artifacts.ts';
import { measureLogStore } from './log-store.ts';
import { LEGACY_HEADERS, TOOLS_LIST, load, startServer, type LoadResult } from './support.ts';

export interface StackBenchOptions {
  /** Repository whose emulator runs (default: this one); another checkout gives a before/after. */
  readonly stackRoot: string;
  readonly nodePath: string;
  /** The version at `nodePath`, e.g. `22.23.3`. */
  readonly nodeVersion: string;
  readonly seconds: number;
  readonly stressSeconds: number;
  readonly soakRequests: number;
  readonly sections: ReadonlySet<string>;
  readonly row: (
    figure: string,
    ours: string,
    baseline: string,
    ratio: number,
    unit?: string,
    target?: { text: string; met: boolean },
  ) => void;
}

interface StackProcess {
  readonly child: ChildProcess;
  readonly endpoint: string;
  readonly origin: string;
  readonly token: string;
  stop(): Promise<void>;
}

/**
 * Invocations each execution environment serves before the stack counts as warm. Every
 * environment is its own process and warms its own JIT, as every Lambda execution environment
 * does, so 10 environments need about ten times the requests one process needs: in runs of this
 * bench the stack's throughput at 10 connections stopped rising after 100,000-140,000 requests.
 */
const WARM_INVOCATIONS_PER_ENVIRONMENT = 10_000;

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) of one process, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
}

async function startStackProcess(
  root: string,
  extraVars: string[] = [],
  gatewayNode: string = process.execPath,
): Promise<StackProcess> {
  const vars = ['throttling_rate_limit=1000000', 'throttling_burst_limit=1000000', ...extraVars].flatMap((v) => [
    '--var',
    v,
  ]);
  // Log files are written, as `npm start` writes them (to a directory of the bench's own).
  const logDir = mkdtempSync(path.join(tmpdir(), 'bench-stack-logs-'));
  // The gateway is this very process (no npm, no tsx launcher), so /proc shows its own CPU and RSS.
  const child = spawn(
    gatewayNode,
    ['--import', 'tsx', path.join(root, 'emulator', 'cli.ts'), '--port', '0', '--quiet', '--log-dir', logDir, ...vars],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const deadline = Date.now() + 120_000;
  // Older checkouts print the token; current ones say it is in .local/dev-token.
  while (!/MCP endpoint\s+\S+/.test(text) || !/Stop\s/.test(text)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the stack did not start:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const endpoint = /MCP endpoint\s+(\S+)/.exec(text)![1]!;
  return {
    child,
    endpoint,
    origin: new URL(endpoint).origin,
    token: /Token\s+(\S+)/.exec(text)?.[1] ?? readFileSync(path.join(root, '.local', 'dev-token'), 'utf8').trim(),
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}

/**
 * autocannon against `url` at `connections`, with the CPU the process `pid` spent per request;
 * `rate` caps the requests per second sent (all connections together).
 */
async function loadMeasuringCpu(
  url: string,
  pid: number,
  connections: number,
  seconds: number,
  headers: Record<string, string> = {},
  rate?: number,
): Promise<LoadResult & { cpuMsPerRequest: number; requests: number }> {
  const cpuBefore = cpuSeconds(pid);
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { ...LEGACY_HEADERS, ...headers },
    body: TOOLS_LIST,
    ...(rate === undefined ? {} : { overallRate: rate }),
  });
  const requests = result.requests.total;
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests,
    cpuMsPerRequest: requests > 0 ? ((cpuSeconds(pid) - cpuBefore) * 1000) / requests : Number.NaN,
  };
}

function through(
  stack: StackProcess,
  connections: number,
  seconds: number,
  rate?: number,
): ReturnType<typeof loadMeasuringCpu> {
  return loadMeasuringCpu(
    stack.endpoint,
    stack.child.pid!,
    connections,
    seconds,
    { authorization: `Bearer ${stack.token}` },
    rate,
  );
}

/** `amount` requests through the stack at 10 connections, with its token. */
function sendThrough(stack: StackProcess, amount: number): Promise<autocannon.Result> {
  return autocannon({
    url: stack.endpoint,
    method: 'POST',
    connections: 10,
    amount,
    headers: { ...LEGACY_HEADERS, authorization: `Bearer ${stack.token}` },
    body: TOOLS_LIST,
  });
}

export async function runStackBench(options: StackBenchOptions): Promise<void> {
  const { row, seconds } = options;
  const root = options.stackRoot;

  if (options.sections.has('stack')) {
    console.log(
      `\nS1. Through the stack (gateway + authorizer + environments, stage throttle lifted) vs the bundled handler alone over HTTP, ${seconds} s runs, tools/list`,
    );
    // The baselines are this checkout's bench servers, run on the build of the checkout under test.
    const bundle = distPaths('mcp-server', path.join(root, 'dist')).bundle;
    const app = await startServer(path.join(repoRoot, 'bench/servers/app-server.ts'), [bundle], options.nodePath);
    const appUrl = `http://127.0.0.1:${app.port}/dev/mcp`;
    await load(appUrl, { connections: 10, seconds: Math.min(5, seconds) });
    const alone = await load(appUrl, { connections: 10, seconds });
    app.child.kill();

    // The floor: a gateway that only maps, forwards on the runtime channel and answers, with as many environments.
    const minimal = await startServer(
      path.join(repoRoot, 'bench/servers/minimal-gateway.ts'),
      [bundle, options.nodePath, '10'],
      process.execPath,
    );
    const minimalUrl = `http://127.0.0.1:${minimal.port}/dev/mcp`;
    await loadMeasuringCpu(minimalUrl, minimal.child.pid!, 10, seconds * 2);
    const floor = await loadMeasuringCpu(minimalUrl, minimal.child.pid!, 10, seconds);
    // Closed-loop CPU per request falls as throughput rises (more requests share each turn of the
    // event loop), so the two are also compared at one offered rate both can hold: 40 % of the
    // handler alone's throughput (the stack holds 0.6-0.8x of it at 10 connections).
    const fixedRate = Math.round(alone.requestsPerSecond * 0.4);
    const floorAtRate = await loadMeasuringCpu(minimalUrl, minimal.child.pid!, 10, seconds, {}, fixedRate);
    minimal.child.kill();
    if (floor.non2xx + floor.errors + floorAtRate.non2xx + floorAtRate.errors > 0)
      throw new Error(
        `the minimal gateway answered ${floor.non2xx + floorAtRate.non2xx} non-2xx and ${floor.errors + floorAtRate.errors} errors: no floor to compare with`,
      );

    const stack = await startStackProcess(root);
    try {
      const loadStarted = performance.now();
      const short = await through(stack, 10, Math.min(5, seconds));
      row(
        'stack, 10 connections, short run (fresh, no warm-up)',
        `${fmt(short.requestsPerSecond)} req/s`,
        `${fmt(alone.requestsPerSecond)} req/s (handler alone, warm)`,
        short.requestsPerSecond / alone.requestsPerSecond,
      );
      const warmUp = await through(stack, 10, seconds * 2);
      const warm = await through(stack, 10, seconds);
      const ratio = warm.requestsPerSecond / alone.requestsPerSecond;
      row(
        `stack, 10 connections, after a ${seconds * 2} s warm-up`,
        `${fmt(warm.requestsPerSecond)} req/s, p99 ${warm.p99Ms} ms`,
        `${fmt(alone.requestsPerSecond)} req/s, p99 ${alone.p99Ms} ms (handler alone)`,
        ratio,
        '×',
        {
          text: '≥ 0.6×',
          met: ratio >= 0.6,
        },
      );
      row(
        `gateway CPU per request (10 connections, after a ${seconds * 2} s warm-up)`,
        `${fmt(warm.cpuMsPerRequest, 3)} ms`,
        '0.25 ms (target)',
        warm.cpuMsPerRequest / 0.25,
        '×',
        {
          text: '≤ 0.25 ms',
          met: warm.cpuMsPerRequest <= 0.25,
        },
      );
      row(
        'gateway CPU per request vs its floor (10 connections)',
        `${fmt(warm.cpuMsPerRequest, 3)} ms (${fmt(warm.requestsPerSecond)} req/s)`,
        `${fmt(floor.cpuMsPerRequest, 3)} ms (${fmt(floor.requestsPerSecond)} req/s): a minimal gateway, same bundle, runtime channel and event mapping; no authorizer, limits, timers or logs`,
        warm.cpuMsPerRequest / floor.cpuMsPerRequest,
      );
      // Then on until every environment is warm, and the same figures again.
      const served = short.requests + warmUp.requests + warm.requests;
      const remaining = Math.max(0, 10 * WARM_INVOCATIONS_PER_ENVIRONMENT - served);
      await sendThrough(stack, remaining);
      const warmingSeconds = fmt((performance.now() - loadStarted) / 1000);
      const steady = await through(stack, 10, seconds);
      const steadyRatio = steady.requestsPerSecond / alone.requestsPerSecond;
      const steadyLabel = `every environment warm (${fmt(WARM_INVOCATIONS_PER_ENVIRONMENT)} invocations each, about ${warmingSeconds} s)`;
      row(
        `stack, 10 connections, ${steadyLabel}`,
        `${fmt(steady.requestsPerSecond)} req/s, p99 ${steady.p99Ms} ms`,
        `${fmt(alone.requestsPerSecond)} req/s, p99 ${alone.p99Ms} ms (handler alone)`,
        steadyRatio,
        '×',
        { text: '≥ 0.6×', met: steadyRatio >= 0.6 },
      );
      row(
        `gateway CPU per request (10 connections, ${steadyLabel})`,
        `${fmt(steady.cpuMsPerRequest, 3)} ms (${fmt(steady.requestsPerSecond)} req/s)`,
        '0.25 ms (target)',
        steady.cpuMsPerRequest / 0.25,
        '×',
        { text: '≤ 0.25 ms', met: steady.cpuMsPerRequest <= 0.25 },
      );
      const atRate = await through(stack, 10, seconds, fixedRate);
      row(
        `gateway CPU per request vs its floor, both sent ${fmt(fixedRate)} req/s (40 % of the handler alone's)`,
        `${fmt(atRate.cpuMsPerRequest, 3)} ms (${fmt(atRate.requestsPerSecond)} req/s)`,
        `${fmt(floorAtRate.cpuMsPerRequest, 3)} ms (${fmt(floorAtRate.requestsPerSecond)} req/s, the same minimal gateway)`,
        atRate.cpuMsPerRequest / floorAtRate.cpuMsPerRequest,
      );
      // Beyond reserved concurrency a request is refused at once (Lambda throttles, API Gateway
      // answers 500): those answers are counted apart, not as throughput.
      const many = await through(stack, 100, seconds);
      const servedPerSecond = (many.requests - many.non2xx) / seconds;
      row(
        'stack, 100 connections (answered 200)',
        `${fmt(servedPerSecond)} req/s answered 200, p99 ${many.p99Ms} ms; besides, ${fmt(many.non2xx / seconds)} req/s refused (non-2xx: Lambda throttled beyond reserved concurrency), ${many.errors} errors`,
        `${fmt(alone.requestsPerSecond)} req/s (handler alone, 10 connections)`,
        servedPerSecond / alone.requestsPerSecond,
      );
    } finally {
      await stack.stop();
    }
    if (options.nodePath !== process.execPath) {
      // `npm start` runs the gateway on the Node that runs npm; here it runs on Lambda's.
      const onLambdaNode = await startStackProcess(root, [], options.nodePath);
      try {
        await through(onLambdaNode, 10, seconds * 2);
        const warm = await through(onLambdaNode, 10, seconds);
        row(
          `gateway CPU per request, gateway on Node ${options.nodeVersion} (10 connections)`,
          `${fmt(warm.cpuMsPerRequest, 3)} ms (${fmt(warm.requestsPerSecond)} req/s)`,
          '0.25 ms (target)',
          warm.cpuMsPerRequest / 0.25,
        );
      } finally {
        await onLambdaNode.stop();
      }
    }
  }

  if (options.sections.has('stress')) {
    console.log(
      `\nS2. Stress: 1,000 connections for ${options.stressSeconds} s on a freshly started stack, one valid token`,
    );
    const stack = await startStackProcess(root);
    try {
      const statuses = new Map<number, number>();
      const result = await autocannon({
        url: stack.endpoint,
        method: 'POST',
        connections: 1000,
        duration: options.stressSeconds,
        timeout: 30,
        headers: { ...LEGACY_HEADERS, authorization: `Bearer ${stack.token}` },
        body: TOOLS_LIST,
        setupClient: (client) =>
          client.on('response', (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1)),
      } as autocannon.Options);
      const started = performance.now();
      const next = await fetch(stack.endpoint, {
        method: 'POST',
        headers: { ...LEGACY_HEADERS, authorization: `Bearer ${stack.token}` },
        body: TOOLS_LIST,
      });
      await next.text();
      const nextMs = performance.now() - started;
      const logs = new CloudWatchLogsClient({
        endpoint: stack.origin,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      let authorizerStarts = 0;
      let token: string | undefined;
      do {
        const page = await logs.send(
          new FilterLogEventsCommand({
            logGroupName: '/aws/lambda/stateless-mcp-authorizer',
            filterPattern: '"START RequestId"',
            ...(token ? { nextToken: token } : {}),
          }),
        );
        authorizerStarts += page.events?.length ?? 0;
        token = page.nextToken;
      } while (token);
      logs.destroy();
      const answered = [...statuses.values()].reduce((a, b) => a + b, 0);
      const byStatus = [...statuses.entries()]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}: ${fmt(n)}`)
        .join(', ');
      const unanswered = result.errors + result.timeouts;
      row(
        'stress: requests answered',
        `${fmt(answered)} (${byStatus}); ${fmt(unanswered)} errors/timeouts`,
        'every request answered with 200 or AWS-like 429/500',
        unanswered === 0 ? 1 : 0,
        '',
        {
          text: 'no request unanswered',
          met: unanswered === 0 && [...statuses.keys()].every((s) => s === 200 || s === 429 || s === 500),
        },
      );
      row(
        'stress: authorizer invocations (one identity)',
        fmt(authorizerStarts),
        '1 (one identity, cached after)',
        authorizerStarts,
        '',
        { text: '≤ 1 in flight per identity', met: authorizerStarts <= 1 },
      );
      row(
        'stress: next request after the run',
        `${fmt(nextMs)} ms (status ${next.status})`,
        '1,000 ms (target)',
        nextMs / 1000,
        '×',
        { text: '< 1 s', met: nextMs < 1000 && next.status === 200 },
      );
    } finally {
      await stack.stop();
    }
  }

  if (options.sections.has('soak')) await soak(options);
}

/**
 * S3. A soak: the gateway's RSS after a warm-up (the first fifth) and at the end, then the Logs API
 * paging the whole MCP log group (every event it keeps after the run) as the scaling report does;
 * then the log store alone, in its own process, with as many events.
 */
async function soak(options: StackBenchOptions): Promise<void> {
  const { row } = options;
  const total = options.soakRequests;
  console.log(
    `\nS3. Soak: ${fmt(total)} requests at 10 connections; gateway RSS after a warm-up (first fifth) vs at the end; FilterLogEvents pages over what the log store keeps`,
  );
  const stack = await startStackProcess(options.stackRoot);
  try {
    const pid = stack.child.pid!;
    const warmup = Math.floor(total / 5);
    await sendThrough(stack, warmup);
    const rssAfterWarmup = rssMb(pid);
    const rest = await sendThrough(stack, total - warmup);
    const rssAtEnd = rssMb(pid);
    const growth = rssAtEnd - rssAfterWarmup;
    row(
      'soak: gateway RSS growth after warm-up',
      `${fmt(growth, 1)} MB (${fmt(rssAfterWarmup)} → ${fmt(rssAtEnd)} MB; ${fmt(rest.requests.average)} req/s)`,
      '50 MB (target)',
      growth / 50,
      '×',
      { text: '≤ 50 MB', met: growth <= 50 },
    );
    const logs = new CloudWatchLogsClient({
      endpoint: stack.origin,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const logGroupName = '/aws/lambda/stateless-mcp-mcp-server';
    try {
      // Every event the store keeps, 10,000 a page (the count the micro-bench below repeats).
      let stored = 0;
      let token: string | undefined;
      do {
        const out = await logs.send(
          new FilterLogEventsCommand({ logGroupName, ...(token ? { nextToken: token } : {}) }),
        );
        stored += out.events?.length ?? 0;
        token = out.nextToken;
      } while (token);
      // The scaling report's kind of query, every page of it, timed with its HTTP round trip: as raw
      // HTTP (the emulator's cost) and through the SDK client (which adds its own parsing).
      const query = { logGroupName, filterPattern: 'REPORT', limit: 1000 };
      // Before each page, the same round trip for an answer of a few hundred bytes (DescribeLogGroups):
      // the floor that HTTP and this machine's scheduling put under any page.
      const call = async (operation: string, body: object): Promise<{ ms: number; out: { nextToken?: string } }> => {
        const started = performance.now();
        const response = await fetch(stack.origin, {
          method: 'POST',
          headers: { 'x-amz-target': `Logs_20140328.${operation}`, 'content-type': 'application/x-amz-json-1.1' },
          body: JSON.stringify(body),
        });
        const out = (await response.json()) as { nextToken?: string };
        return { ms: performance.now() - started, out };
      };
      const rawTimes: number[] = [];
      const floorTimes: number[] = [];
      do {
        floorTimes.push((await call('DescribeLogGroups', { logGroupNamePrefix: logGroupName })).ms);
        const { ms, out } = await call('FilterLogEvents', { ...query, ...(token ? { nextToken: token } : {}) });
        rawTimes.push(ms);
        token = out.nextToken;
      } while (token);
      const sdkTimes: number[] = [];
      do {
        const started = performance.now();
        const out = await logs.send(new FilterLogEventsCommand({ ...query, ...(token ? { nextToken: token } : {}) }));
        sdkTimes.push(performance.now() - started);
        token = out.nextToken;
      } while (token);
      const median = (times: number[]): number => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
      row(
        `soak: FilterLogEvents page (1,000 REPORT lines, ${fmt(stored)} events stored)`,
        `median ${fmt(median(rawTimes), 1)} ms, worst ${fmt(Math.max(...rawTimes), 1)} ms of ${rawTimes.length} pages over HTTP (a DescribeLogGroups round trip: median ${fmt(median(floorTimes), 1)} ms); through the SDK client median ${fmt(median(sdkTimes), 1)} ms, worst ${fmt(Math.max(...sdkTimes), 1)} ms`,
        '20 ms (target)',
        median(rawTimes) / 20,
        '×',
        { text: '≤ 20 ms (median, HTTP)', met: median(rawTimes) <= 20 },
      );
      const store = await measureLogStore(Math.max(stored, 200_000));
      row(
        `soak: log store memory per event (${fmt(store.events)} Lambda platform lines)`,
        `${fmt(store.heapPerEvent)} B (${fmt(store.storedBytes / store.events)} B counted by retention)`,
        `${fmt(store.objectHeapPerEvent)} B (one object per event, as the store kept them before)`,
        store.heapPerEvent / store.objectHeapPerEvent,
      );
      row(
        'soak: FilterLogEvents page, store alone (1,000 REPORT lines)',
        `median ${fmt(store.reportPageMedianMs, 2)} ms, worst ${fmt(store.reportPageWorstMs, 1)} ms of ${store.reportPages} pages; 10,000-event page ${fmt(store.fullPageMs, 1)} ms; no-match scan ${fmt(store.noMatchMs, 1)} ms; put ${fmt(store.putNsPerEvent / 1000, 2)} µs/event`,
        '20 ms (target)',
        store.reportPageMedianMs / 20,
        '×',
        { text: '≤ 20 ms (median)', met: store.reportPageMedianMs <= 20 },
      );
    } finally {
      logs.destroy();
    }
  } finally {
    await stack.stop();
  }
}
