/**
 * Bundled for the browser by test/browser/cors.test.ts: the SDK's browser client, exposed to the
 * page so the test drives it as a web app would.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

export interface BrowserRun {
  readonly tools: string[];
  readonly ping: unknown;
  readonly protocolVersion: string | undefined;
}

async function listToolsAndPing(endpoint: string, token: string): Promise<BrowserRun> {
  const client = new Client({ name: 'browser-cors-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(endpoint), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    }),
  );
  const { tools } = await client.listTools();
  const ping = await client.callTool({ name: 'ping', arguments: {} });
  const protocolVersion = client.getNegotiatedProtocolVersion();
  await client.close();
  return { tools: tools.map((tool) => tool.name), ping: ping.structuredContent, protocolVersion };
}

/** A request without a token: what the page's script can read of API Gateway's 401. */
async function unauthorized(
  endpoint: string,
): Promise<{ status: number; wwwAuthenticate: string | null; body: unknown }> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
  return {
    status: response.status,
    wwwAuthenticate: response.headers.get('WWW-Authenticate'),
    body: await response.json(),
  };
}

Object.assign(globalThis, { mcpBrowserClient: { listToolsAndPing, unauthorized } });
