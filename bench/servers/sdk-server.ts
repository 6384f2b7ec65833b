/**
 * The SDK's own stateless pipeline over node:http: `createMcpHandler` with a fresh one-tool server
 * per request, as the SDK requires, behind the smallest node:http → web Request adapter; a bench
 * target in its own process, prints its port. What any stateless server on
 * `@modelcontextprotocol/server` pays over HTTP before its own tools and mapping.
 */
import { createServer } from 'node:http';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { readRequestBody, requestHeaders, requestUrl } from '../../server/http/node-request.ts';
import { oneToolServer } from '../sdk-floor.ts';

const handler = createMcpHandler(() => oneToolServer(), { legacy: 'stateless', responseMode: 'auto' });
const server = createServer((req, res) => {
  void (async () => {
    const body = await readRequestBody(req, 4 * 1024 * 1024);
    const response = await handler.fetch(
      new Request(requestUrl(req), {
        method: req.method ?? 'POST',
        headers: requestHeaders(req),
        body: body?.toString('utf8') ?? null,
      }),
    );
    const bytes = Buffer.from(await response.arrayBuffer());
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    res.writeHead(response.status, headers).end(bytes);
  })().catch((error: unknown) => {
    if (!res.headersSent) res.writeHead(500).end(String(error));
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
