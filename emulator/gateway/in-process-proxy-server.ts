/**
 * Serves a Lambda proxy handler over real HTTP on 127.0.0.1, in process and without the stack's
 * gateway (no authorizer, throttle or limits): each request is mapped with the gateway's event
 * builder (`toProxyEvent` → handler → `fromProxyResult`), as API Gateway would, so SDK clients and
 * benchmarks talk to the exact code Lambda runs. The stage is the first path segment
 * (`http://127.0.0.1:<port>/dev/mcp`), as on the raw execute-api URL.
 */
import type { Context } from 'aws-lambda';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthorizerContext, ProxyEvent, ProxyResult } from '../../server/gateway/proxy-event.ts';
import { MalformedProxyResultError, fromProxyResult, toProxyEvent } from './proxy-event-builder.ts';

export type ProxyHandler = (event: ProxyEvent, context: Context) => Promise<ProxyResult>;

export interface LambdaHttpServer {
  /** Base URL including the stage, e.g. `http://127.0.0.1:41234/dev`. */
  readonly baseUrl: string;
  readonly mcpUrl: URL;
  /** Every event the handler received, in order (for assertions on what the gateway forwarded); empty with `recordEvents: false`. */
  readonly events: ProxyEvent[];
  close(): Promise<void>;
}

function pairs(rawHeaders: readonly string[]): Array<[string, string]> {
  const result: Array<[string, string]> = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) result.push([rawHeaders[i]!, rawHeaders[i + 1]!]);
  return result;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

let requestCounter = 0;

/** Who the requests come from: the API, its stage, and what its authorizer would have said. */
export interface InProcessGatewaySettings {
  readonly stage: string;
  readonly apiId: string;
  readonly accountId: string;
  readonly authorizer: AuthorizerContext;
  /** The Lambda `context` of each invocation. */
  readonly context: () => Context;
  /** Keep every event in `events` (a benchmark's load would make it grow without bound). */
  readonly recordEvents?: boolean;
}

export async function serveProxyHandler(
  handler: ProxyHandler,
  settings: InProcessGatewaySettings,
): Promise<LambdaHttpServer> {
  const { stage } = settings;
  const events: ProxyEvent[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const prefix = `/${stage}`;
      if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) {
        // API Gateway answers an unknown stage with 403 {"message":"Forbidden"}.
        res.writeHead(403, { 'Content-Type': 'application/json' }).end('{"message":"Forbidden"}');
        return;
      }
      const path = url.pathname.slice(prefix.length) || '/';
      requestCounter += 1;
      const event = toProxyEvent(
        {
          method: req.method ?? 'GET',
          path,
          query: url.searchParams,
          headers: [...pairs(req.rawHeaders), ['X-Forwarded-Proto', 'http']],
          body: await readBody(req),
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        },
        {
          resourcePath: path,
          stage,
          apiId: settings.apiId,
          accountId: settings.accountId,
          domainName: req.headers.host ?? '127.0.0.1',
          requestId: `local-${requestCounter}`,
          requestTimeEpoch: Date.now(),
          binaryMediaTypes: ['*/*'],
          authorizer: settings.authorizer,
        },
      );
      if (settings.recordEvents !== false) events.push(event);
      let mapped;
      try {
        mapped = fromProxyResult(await handler(event, settings.context()));
      } catch (error) {
        // API Gateway answers a malformed proxy result or a failed invocation with 502.
        const message = error instanceof MalformedProxyResultError ? 'Internal server error' : String(error);
        res.writeHead(502, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message }));
        return;
      }
      const headers = mapped.headers.filter(([name]) => !/^(content-length|transfer-encoding|connection)$/i.test(name));
      res.writeHead(mapped.statusCode, headers.flat());
      res.end(mapped.body);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/${stage}`;
  return {
    baseUrl,
    mcpUrl: new URL(`${baseUrl}/mcp`),
    events,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
