import type { CallToolResult, McpServer, ServerContext } from '@modelcontextprotocol/server';
import { sleep } from './media.ts';

const STEP_MS = 50;

async function logThreeTimes(ctx: ServerContext): Promise<CallToolResult> {
  for (const message of ['Tool execution started', 'Tool processing data', 'Tool execution completed']) {
    // Through ctx.mcpReq.log, never a raw notifications/message: the SDK drops it on 2026-07-28
    // unless the request's _meta asks for that log level (server-no-log-without-loglevel).
    await ctx.mcpReq.log('info', message);
    await sleep(STEP_MS);
  }
  return { content: [{ type: 'text', text: 'Logging tool completed' }] };
}

/**
 * Fixtures that emit notifications before their result. They reach the client only on an SSE
 * response (the endpoint upgrades to SSE at the first notification; JSON mode would drop them).
 */
export function registerNotificationFixtures(server: McpServer): void {
  server.registerTool('test_tool_with_progress', { description: 'Reports progress 0, 50 and 100 of 100.' }, async (ctx) => {
    const progressToken = ctx.mcpReq._meta?.progressToken;
    for (const progress of [0, 50, 100]) {
      if (progressToken !== undefined) {
        await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, progress, total: 100 } });
      }
      if (progress < 100) await sleep(STEP_MS);
    }
    return { content: [{ type: 'text', text: 'Progress tool completed' }] };
  });

  // 2025 wire: three log messages during the call (tools-call-with-logging).
  server.registerTool('test_tool_with_logging', { description: 'Emits three info log messages.' }, logThreeTimes);
  // 2026 wire: must stay silent when the request names no log level (server-stateless).
  server.registerTool('test_logging_tool', { description: 'Emits log messages only at the requested level.' }, logThreeTimes);
}
