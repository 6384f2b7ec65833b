/**
 * Shared fixtures for the authorizer tests: API Gateway authorizer events as AWS documents them,
 * a Lambda-shaped context, log capture, and a loopback JWKS server that can go down and come back.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayRequestAuthorizerEvent, APIGatewayTokenAuthorizerEvent, Context } from 'aws-lambda';
import type { JSONWebKeySet } from 'jose';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { vi } from 'vitest';
import type { AuthorizerHandler } from '../../server/authorizer/authorizer.ts';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const API_ID = 'a1b2c3d4e5';
export const STAGE = 'dev';
export const METHOD_ARN = `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/${STAGE}/POST/mcp`;
export const WHOLE_API = `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/${STAGE}/*/*`;

/** TOKEN input format: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html */
export function tokenEvent(authorizationToken: string, methodArn = METHOD_ARN): APIGatewayTokenAuthorizerEvent {
  return { type: 'TOKEN', authorizationToken, methodArn };
}

/** REQUEST input format (same page); `headers` carries the last value, `multiValueHeaders` all of them. */
export function requestEvent(
  headerPairs: ReadonlyArray<readonly [string, string]>,
  methodArn = METHOD_ARN,
): APIGatewayRequestAuthorizerEvent {
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of headerPairs) (multiValueHeaders[name] ??= []).push(value);
  const headers = Object.fromEntries(
    Object.entries(multiValueHeaders).map(([name, values]) => [name, values[values.length - 1]!]),
  );
  return {
    type: 'REQUEST',
    methodArn,
    resource: '/mcp',
    path: '/mcp',
    httpMethod: 'POST',
    headers,
    multiValueHeaders,
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: ACCOUNT,
      apiId: API_ID,
      authorizer: undefined,
      httpMethod: 'POST',
      identity: { sourceIp: '127.0.0.1', userAgent: 'vitest' },
      path: `/${STAGE}/mcp`,
      protocol: 'HTTP/1.1',
      requestId: 'req-1',
      requestTimeEpoch: Date.now(),
      resourceId: 'mcp',
      resourcePath: '/mcp',
      stage: STAGE,
    } as unknown as APIGatewayRequestAuthorizerEvent['requestContext'],
  };
}

export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'mcp-authorizer',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:mcp-authorizer`,
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/mcp-authorizer',
    logStreamName: '2026/01/01/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function testLogger(): Logger {
  return new Logger({ serviceName: 'mcp-authorizer-test', logLevel: 'DEBUG' });
}

/** Everything written to stdout/stderr while active (Powertools writes through a Console on them). */
export function captureOutput(): { text: () => string; restore: () => void } {
  const chunks: string[] = [];
  const record = (chunk: unknown): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(record as typeof process.stdout.write);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(record as typeof process.stderr.write);
  return {
    text: () => chunks.join(''),
    restore: () => {
      out.mockRestore();
      err.mockRestore();
    },
  };
}

/** Does an IAM `Resource` pattern (`*` any run of characters, `?` one) match this ARN? */
export function iamResourceMatches(pattern: string, arn: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return regex.test(arn);
}

export type JwksMode = 'ok' | 'hang' | 'error';

/** A JWKS endpoint on 127.0.0.1 that counts fetches and can answer, hang, fail, stop and restart. */
export class JwksServer {
  requests = 0;
  mode: JwksMode = 'ok';
  private server: Server | undefined;
  private port = 0;
  private readonly hanging = new Set<ServerResponse>();

  constructor(public jwks: JSONWebKeySet) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/.well-known/jwks.json`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.requests += 1;
      if (this.mode === 'hang') {
        this.hanging.add(res);
        return;
      }
      if (this.mode === 'error') {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('unavailable');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.jwks));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // The first start picks a free port; a restart takes the same one, as a recovered service would.
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Loads a fresh instance of the authorizer's Lambda entry module as Lambda would: configuration read
 * from the environment at module load. `env` is set (and `unset` removed) only while it loads.
 */
export async function loadAuthorizerEntry(
  env: Record<string, string>,
  unset: readonly string[] = [],
  entry = '../../server/handlers/authorizer.ts',
): Promise<AuthorizerHandler> {
  vi.resetModules();
  const saved = { ...process.env };
  for (const key of unset) delete process.env[key];
  Object.assign(process.env, env);
  try {
    return ((await import(entry)) as { handler: AuthorizerHandler }).handler;
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}
