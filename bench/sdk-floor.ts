/**
 * The ceiling any stateless server built on `@modelcontextprotocol/server` shares: the SDK's own
 * per-request pipeline (`createMcpHandler` with a fresh one-tool server per request, as the SDK
 * requires for stateless serving), in process, no HTTP, no Lambda mapping. Our handler's
 * invocations per second are judged against it.
 */
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { LEGACY_HEADERS, TOOLS_LIST } from './requests.ts';

/** The smallest useful server: one tool, nothing else. */
export function oneToolServer(): McpServer {
  const server = new McpServer(
    { name: 'sdk-floor', version: '1.0.0' },
    { capabilities: { tools: { listChanged: false } } },
  );
  server.registerTool('ping', { description: 'pong', inputSchema: z.object({}) }, () => ({
    content: [{ type: 'text', text: 'pong' }],
  }));
  return server;
}

/** `tools/list` requests per second for `seconds`, one at a time (one core). */
export async function sdkFloor(seconds: number): Promise<number> {
  const handler = createMcpHandler(() => oneToolServer(), { legacy: 'stateless', responseMode: 'auto' });
  const send = async (): Promise<void> => {
    const response = await handler.fetch(
      new Request('http://127.0.0.1/mcp', { method: 'POST', headers: LEGACY_HEADERS, body: TOOLS_LIST }),
    );
    if (response.status !== 200) throw new Error(`SDK floor answered ${response.status}`);
    await response.arrayBuffer();
  };
  for (let i = 0; i < 200; i += 1) await send();
  let count = 0;
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    await send();
    count += 1;
  }
  return count / seconds;
}
