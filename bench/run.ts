/**
 * `npm run bench`: performance figures measured side by side in one run, each as a ratio against
 * its baseline. A benchmark, not a test: it prints numbers and asserts nothing.
 */
import { statSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import type { Context } from 'aws-lambda';
import { parseReportLine } from '../emulator/lambda/lambda-log-lines.ts';
import { startStack } from '../emulator/stack.ts';
import { toProxyEvent, type ProxyEvent, type ProxyResult } from '../server/gateway/proxy-event.ts';
import { buildIfStale } from '../scripts/build-if-stale.ts';
import { distPaths, repoRoot } from '../scripts/lambda-artifacts.ts';
import { measureModuleLoad } from './module-load.ts';
import { sdkFloor } from './sdk-floor.ts';
import { readServerConfig } from '../server/config.ts';
import { createConfiguredEndpoint } from '../server/http/configured-endpoint.ts';
import { createExpressRouteHandler } from '../server/lambda/express-routes.ts';
import { LEGACY_HEADERS, TOOLS_LIST, load, sequentialLatency, startServer } from './support.ts';

const opts = new Command()
  .option('--seconds <n>', 'duration of each throughput run', Number, 10)
  .option('--connections <n>', 'autocannon connections', Number, 10)
  .option('--samples <n>', 'sequential requests for latency comparisons', Number, 400)
  .option('--markdown <file>', 'also write the results as a Markdown table')
  .parse()
  .opts<{ seconds: number; connections: number; samples: number; markdown?: string }>();

const rows: Array<{ figure: string; ours: string; baseline: string; ratio: string; target: string }> = [];
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
/** Issue #9's targets, printed next to the figure they judge; a benchmark reports, it never fails. */
interface Target {
  readonly text: string;
  readonly met: boolean;
}
function row(figure: string, ours: string, baseline: string, ratio: number, unit = '×', target?: Target): void {
  const verdict = target ? `${target.text}: ${target.met ? 'met' : 'MISSED'}` : '';
  rows.push({ figure, ours, baseline, ratio: `${fmt(ratio, 2)}${unit}`, target: verdict });
  console.log(`  ${figure}: ${ours} vs ${baseline} → ${fmt(ratio, 2)}${unit}${verdict ? `  [target ${verdict}]` : ''}`);
}

await buildIfStale();
const mcpBundle = distPaths('mcp-server').bundle;
console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);

// 1. Warm HTTP throughput: our express app vs a raw node:http responder, same harness and request.
console.log(`\n1. Warm HTTP throughput (autocannon, ${opts.connections} connections, ${opts.seconds} s, tools/list; Lambda handler from the bundle behind the proxy-event mapping)`);
const app = await startServer('bench/servers/app-server.ts');
const appUrl = `http://127.0.0.1:${app.port}/dev/mcp`;
const sample = await (await fetch(appUrl, { method: 'POST', headers: LEGACY_HEADERS, body: TOOLS_LIST })).text();
const raw = await startServer('bench/servers/raw-server.ts', [sample]);
const ours = await load(appUrl, opts);
const floor = await load(`http://127.0.0.1:${raw.port}/`, opts);
raw.child.kill();
row('requests/s', fmt(ours.requestsPerSecond), `${fmt(floor.requestsPerSecond)} (raw node:http)`, ours.requestsPerSecond / floor.requestsPerSecond, '×', {
  text: '≥ 10,000 req/s',
  met: ours.requestsPerSecond >= 10_000,
});
row('p50 / p99 latency', `${ours.p50Ms} / ${ours.p99Ms} ms`, `${floor.p50Ms} / ${floor.p99Ms} ms`, ours.p99Ms / Math.max(floor.p99Ms, 1), '× at p99');
if (ours.errors + ours.non2xx > 0) console.log(`  (our server answered ${ours.non2xx} non-2xx and ${ours.errors} errors)`);

// 2. In-process invocations from API Gateway events, no HTTP.
console.log(`\n2. In-process Lambda handler invocations (bundle, API Gateway REST events, ${opts.seconds} s, one core)`);
const { handler } = (await import(mcpBundle)) as { handler: (e: ProxyEvent, c: Context) => Promise<ProxyResult> };
const event = toProxyEvent(
  {
    method: 'POST',
    path: '/mcp',
    query: new URLSearchParams(),
    headers: Object.entries({ ...LEGACY_HEADERS, host: 'abc.execute-api.us-east-1.amazonaws.com' }),
    body: Buffer.from(TOOLS_LIST),
    sourceIp: '127.0.0.1',
  },
  { resourcePath: '/mcp', stage: 'dev', apiId: 'abc', accountId: '000000000000', domainName: 'abc', requestId: 'r', requestTimeEpoch: Date.now(), binaryMediaTypes: [], authorizer: { principalId: 'bench' } },
);
const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;
/** Invocations per second of `serve` with the event above, one at a time. */
async function invocationsPerSecond(serve: (e: ProxyEvent, c: Context) => Promise<ProxyResult>): Promise<number> {
  for (let i = 0; i < 200; i += 1) await serve(event, context);
  let count = 0;
  const until = performance.now() + opts.seconds * 1000;
  while (performance.now() < until) {
    const result = await serve(event, context);
    if (result.statusCode !== 200) throw new Error(`handler answered ${result.statusCode}`);
    count += 1;
  }
  return count / opts.seconds;
}
const perSecond = await invocationsPerSecond(handler);
row('invocations/s', fmt(perSecond), `${fmt(ours.requestsPerSecond)} (same handler over HTTP)`, perSecond / ours.requestsPerSecond);
// The MCP route through express + serverless-http, as every route went before: same endpoint, same event.
const config = readServerConfig({});
const viaExpress = await invocationsPerSecond(createExpressRouteHandler(config, createConfiguredEndpoint(config)));
row('invocations/s, MCP route direct vs through express', fmt(perSecond), `${fmt(viaExpress)} (express + serverless-http)`, perSecond / viaExpress);
const floorPerSecond = await sdkFloor(opts.seconds);
row('invocations/s vs the SDK alone', fmt(perSecond), `${fmt(floorPerSecond)} (createMcpHandler, one-tool server per request)`, perSecond / floorPerSecond);

// 3. Module load (cold start proxy): the bundle vs the same dependencies from node_modules.
console.log('\n3. Module load, fresh process each (median of 9)');
const loadTimes = measureModuleLoad(mcpBundle, 9);
const loadRatio = loadTimes.bundleMs / loadTimes.unbundledMs;
row('module load', `${fmt(loadTimes.bundleMs, 1)} ms (bundle, ${fmt(loadTimes.bundleBytes / 1024)} KiB loaded at INIT)`, `${fmt(loadTimes.unbundledMs, 1)} ms (unbundled dependencies)`, loadRatio, '×', {
  text: '≤ 0.25×',
  met: loadRatio <= 0.25,
});
const zipBytes = statSync(distPaths('mcp-server').zip).size;
const authorizerBytes = statSync(distPaths('authorizer').bundle).size;
console.log(`  sizes: mcp-server.zip ${fmt(zipBytes / 1024)} KiB, authorizer bundle ${fmt(authorizerBytes / 1024)} KiB`);

// 4. Embedded stack overhead: gateway + cached authorizer + warm environment vs the direct app.
console.log(`\n4. Embedded stack (gateway + cached authorizer + warm environment) vs the handler over HTTP directly (${opts.samples} sequential tools/list each)`);
const stack = await startStack({ port: 0, fallbackTokens: ['bench-token'], overrides: { throttling_rate_limit: 100_000, throttling_burst_limit: 100_000 } });
const post = (url: string, headers: Record<string, string>) => () => fetch(url, { method: 'POST', headers: { ...LEGACY_HEADERS, ...headers }, body: TOOLS_LIST }).then((r) => r.text());
const viaStack = post(stack.endpoint, { authorization: 'Bearer bench-token' });
const direct = post(appUrl, {});
for (let i = 0; i < 20; i += 1) await viaStack();
for (let i = 0; i < 20; i += 1) await direct();
const stackLatency = await sequentialLatency(viaStack, opts.samples);
const directLatency = await sequentialLatency(direct, opts.samples);
row('p50 latency', `${fmt(stackLatency.p50Ms, 2)} ms (stack)`, `${fmt(directLatency.p50Ms, 2)} ms (direct)`, stackLatency.p50Ms / directLatency.p50Ms);
const p99Ratio = stackLatency.p99Ms / directLatency.p99Ms;
row('p99 latency', `${fmt(stackLatency.p99Ms, 2)} ms (stack)`, `${fmt(directLatency.p99Ms, 2)} ms (direct)`, p99Ratio, '×', { text: '≤ 2×', met: p99Ratio <= 2 });
const stackLoad = await load(stack.endpoint, { ...opts, headers: { authorization: 'Bearer bench-token' } });
console.log(`  stack under load: ${fmt(stackLoad.requestsPerSecond)} req/s, p99 ${stackLoad.p99Ms} ms, ${stack.mcp.stats().environments} environments, ${stackLoad.non2xx} non-2xx`);

// 5. Peak RSS of one warm environment (REPORT "Max Memory Used" after the load above).
const peakMb = Math.max(...stack.logs.messages(stack.mcp.logGroupName).map((m) => parseReportLine(m)?.maxMemoryUsedMb ?? 0));
console.log('\n5. Peak memory of one warm execution environment');
row('Max Memory Used', `${peakMb} MB`, `${stack.config.mcp.memorySizeMb} MB configured`, peakMb / stack.config.mcp.memorySizeMb, '×', { text: '≤ 80 MB', met: peakMb <= 80 });
await stack.stop();
app.child.kill();

const resultsDir = path.join(repoRoot, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, rows }, null, 2)}\n`);
if (opts.markdown) {
  const table = ['| figure | ours | baseline | ratio | target |', '|---|---|---|---|---|', ...rows.map((r) => `| ${r.figure} | ${r.ours} | ${r.baseline} | ${r.ratio} | ${r.target} |`)].join('\n');
  writeFileSync(opts.markdown, `${table}\n`);
}
process.exit(0);
