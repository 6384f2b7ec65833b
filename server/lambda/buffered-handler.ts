import type { Context } from 'aws-lambda';
import type { ProxyEvent, ProxyResult } from '../gateway/proxy-event.ts';
import type { McpEndpoint } from '../http/mcp-endpoint.ts';
import type { ProxyHandler } from './express-routes.ts';
import { isMcpPost, serveMcpEvent } from './mcp-route.ts';

/**
 * The default Lambda proxy integration: the whole response is computed, then returned. `POST /mcp`
 * goes straight from the event to the MCP endpoint; every other route is served by the express app
 * behind serverless-http, loaded on the first such request so that INIT (the cold start) of an
 * environment that only serves MCP never pays for express.
 */
export function createBufferedHandler(
  endpoint: McpEndpoint,
  loadOtherRoutes: () => Promise<ProxyHandler>,
  onError?: (error: Error) => void,
): (event: ProxyEvent, context: Context) => Promise<ProxyResult> {
  let otherRoutes: Promise<ProxyHandler> | undefined;
  return async (event, context) => {
    if (isMcpPost(event)) return serveMcpEvent(endpoint, event, onError);
    otherRoutes ??= loadOtherRoutes();
    return (await otherRoutes)(event, context);
  };
}
