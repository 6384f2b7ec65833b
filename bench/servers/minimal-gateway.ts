/**
 * The floor under the embedded stack's gateway: what any gateway built the same way must do for a
 * request, and nothing else. HTTP in, the proxy event built by the project's one mapping, sent on
 * the stack's runtime channel (emulator/lambda/runtime-channel.ts) to one of `environments`
 * processes running the deployed bundle, the result written back. No authorizer, throttle, limits,
 * timers, request ids or logs. A bench target in its own process; prints its port.
 * Usage: minimal-gateway.ts <bundle> <lambda node> <environments>
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fromProxyResult, toProxyEvent } from '../../emulator/gateway/proxy-event-builder.ts';
import { encodeFrame, frameReader, RUNTIME_CHANNEL_FD } from '../../emulator/lambda/runtime-channel.ts';
import { bundleLikeTheLambda } from '../bundle.ts';
import { benchRoute } from '../requests.ts';

const [bundle, lambdaNode, count] = process.argv.slice(2) as [string, string, string];
const bundleDir = mkdtempSync(path.join(tmpdir(), 'minimal-environment-'));
const ENVIRONMENT = bundleLikeTheLambda(
  path.join(import.meta.dirname, 'minimal-environment.ts'),
  path.join(bundleDir, 'environment.mjs'),
);

interface Environment {
  readonly child: ChildProcess;
  readonly channel: Socket;
  answer: ((result: unknown, body: Buffer) => void) | undefined;
}

const idle: Environment[] = [];
const waiting: Array<(environment: Environment) => void> = [];
const release = (environment: Environment): void => {
  const next = waiting.shift();
  if (next) next(environment);
  else idle.push(environment);
};
await Promise.all(
  Array.from({ length: Number(count) }, async () => {
    const child = spawn(lambdaNode, [ENVIRONMENT, bundle], { stdio: ['ignore', 'inherit', 'inherit', 'pipe'] });
    const channel = child.stdio[RUNTIME_CHANNEL_FD] as Socket;
    const environment: Environment = { child, channel, answer: undefined };
    await new Promise<void>((resolve) => {
      channel.on(
        'data',
        frameReader((header, payload) => {
          const answer = environment.answer;
          if (!answer) return resolve();
          environment.answer = undefined;
          release(environment);
          answer((header as { result: unknown }).result, payload);
        }),
      );
    });
    idle.push(environment);
  }),
);
const acquire = (): Promise<Environment> =>
  idle.length > 0 ? Promise.resolve(idle.pop()!) : new Promise((resolve) => waiting.push(resolve));

let invocations = 0;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', async () => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const headers: Array<[string, string]> = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
    invocations += 1;
    const requestId = String(invocations);
    const event = toProxyEvent(
      {
        method: req.method ?? 'GET',
        path: url.pathname.slice('/dev'.length),
        query: url.searchParams,
        headers,
        body: Buffer.concat(chunks),
        sourceIp: '127.0.0.1',
      },
      benchRoute(requestId),
    );
    const environment = await acquire();
    environment.answer = (result, body) => {
      const response = fromProxyResult(result, body);
      res.writeHead(response.statusCode, response.headers.flat());
      res.end(response.body);
    };
    environment.channel.write(encodeFrame({ requestId, event }));
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => {
  for (const environment of idle) environment.child.kill();
  rmSync(bundleDir, { recursive: true, force: true });
  process.exit(0);
});
