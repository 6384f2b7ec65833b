import type { Context } from 'aws-lambda';
import type { Express } from 'express';
import serverless from 'serverless-http';
import { headersFromProxyEvent, type ProxyEvent, type ProxyResult } from '../gateway/proxy-event.ts';
import type { McpEndpoint } from '../http/mcp-endpoint.ts';
import { isMcpPost, serveMcpEvent } from './mcp-route.ts';

/**
 * The default Lambda proxy integration: the whole response is computed, then returned. `POST /mcp`
 * goes straight from the event to the MCP endpoint; every other route through serverless-http and
 * the express app. serverless-http builds the request from `headers`, which hold only the last
 * value of a repeated header, so repeated headers are restored from the event's `multiValueHeaders`.
 */
export function createBufferedHandler(
  app: Express,
  endpoint: McpEndpoint,
  onError?: (error: Error) => void,
): (event: ProxyEvent, context: Context) => Promise<ProxyResult> {
  const serve = serverless(app, {
    binary: false,
    request: (req: { headers: Record<string, string> }, event: ProxyEvent) => {
      const grouped = new Map<string, string[]>();
      for (const [name, value] of headersFromProxyEvent(event)) {
        const key = name.toLowerCase();
        grouped.set(key, [...(grouped.get(key) ?? []), value]);
      }
      for (const [name, values] of grouped) {
        if (values.length > 1) req.headers[name] = values.join(name === 'cookie' ? '; ' : ', ');
      }
    },
  });
  return async (event, context) => (isMcpPost(event) ? serveMcpEvent(endpoint, event, onError) : ((await serve(event, context)) as ProxyResult));
}
