/**
 * The floor under the embedded stack's gateway: what any gateway built the same way must do for a
 * request, and nothing else. HTTP in, the proxy event built by the project's one mapping, sent over
 * Node's IPC (JSON) to one of `environments` processes running the deployed bundle, the result
 * written back. No authorizer, throttle, limits, timers, request ids or logs. A bench target in its
 * own process; prints its port. Usage: minimal-gateway.ts <bundle> <lambda node> <environments>
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fromProxyResult, toProxyEvent } from '../../emulator/gateway/proxy-event-builder.ts';
import { benchRoute } from '../requests.ts';

const [bundle, lambdaNode, count] = process.argv.slice(2) as [string, string, string];
const ENVIRONMENT = path.join(import.meta.dirname, 'minimal-environment.mjs');

interface Environment {
  readonly child: ChildProcess;
  answer: ((result: unknown) => void) | undefined;
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
    const child = fork(ENVIRONMENT, [bundle], { execPath: lambdaNode, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const environment: Environment = { child, answer: undefined };
    await new Promise((resolve) => child.once('message', resolve));
    child.on('message', (message: { result: unknown }) => {
      const answer = environment.answer!;
      environment.answer = undefined;
      release(environment);
      answer(message.result);
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
    environment.answer = (result) => {
      const response = fromProxyResult(result);
      res.writeHead(response.statusCode, response.headers.flat());
      res.end(response.body);
    };
    environment.child.send({ requestId, event });
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => {
  for (const environment of idle) environment.child.kill();
  process.exit(0);
});
