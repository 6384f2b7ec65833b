/**
 * In-process invocations per second, one at a time, no HTTP: the bundled Lambda handler from an API
 * Gateway REST event, the same MCP route through express + serverless-http, and the SDK's own
 * stateless pipeline. Run by bench/run.ts in a child process on the Lambda runtime's Node major
 * (`node --import tsx bench/in-process.ts <seconds> <bundle>`); prints one JSON line.
 */
import type { Context } from 'aws-lambda';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { toProxyEvent } from '../emulator/gateway/proxy-event-builder.ts';
import type { ProxyEvent, ProxyResult } from '../server/gateway/proxy-event.ts';
import { readServerConfig } from '../server/config.ts';
import { createConfiguredEndpoint } from '../server/http/configured-endpoint.ts';
import demoServer from '../server/mcp/demo-server.ts';
import { createExpressRouteHandler } from '../server/lambda/express-routes.ts';
import { LEGACY_HEADERS, TOOLS_LIST } from './requests.ts';
import { sdkFloor } from './sdk-floor.ts';

export interface InProcessRates {
  readonly handler: number;
  readonly viaExpress: number;
  readonly sdkAlone: number;
}

const seconds = Number(process.argv[2] ?? 10);
const bundle = process.argv[3];
if (!bundle || !(seconds > 0)) throw new Error('usage: bench/in-process.ts <seconds> <bundle path>');

const event = toProxyEvent(
  {
    method: 'POST',
    path: '/mcp',
    query: new URLSearchParams(),
    headers: Object.entries({ ...LEGACY_HEADERS, host: 'abc.execute-api.us-east-1.amazonaws.com' }),
    body: Buffer.from(TOOLS_LIST),
    sourceIp: '127.0.0.1',
  },
  {
    resourcePath: '/mcp',
    stage: 'dev',
    apiId: 'abc',
    accountId: '000000000000',
    domainName: 'abc',
    requestId: 'r',
    requestTimeEpoch: Date.now(),
    binaryMediaTypes: [],
    authorizer: { principalId: 'bench' },
  },
);
const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

/** Invocations per second of `serve` with the event above, one at a time, after a warm-up. */
async function invocationsPerSecond(serve: (e: ProxyEvent, c: Context) => Promise<ProxyResult>): Promise<number> {
  for (let i = 0; i < 200; i += 1) await serve(event, context);
  let count = 0;
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    const result = await serve(event, context);
    if (result.statusCode !== 200) throw new Error(`handler answered ${result.statusCode}`);
    count += 1;
  }
  return count / seconds;
}

const { handler } = (await import(pathToFileURL(path.resolve(bundle)).href)) as {
  handler: (e: ProxyEvent, c: Context) => Promise<ProxyResult>;
};
const config = readServerConfig({});
const rates: InProcessRates = {
  handler: await invocationsPerSecond(handler),
  // The MCP route through express + serverless-http, as every route went before: same endpoint, same event.
  viaExpress: await invocationsPerSecond(
    createExpressRouteHandler(config, createConfiguredEndpoint(demoServer, config)),
  ),
  sdkAlone: await sdkFloor(seconds),
};
process.stdout.write(`${JSON.stringify(rates)}\n`);
