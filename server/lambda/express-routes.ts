import type { Context } from 'aws-lambda';
import serverless from 'serverless-http';
import type { ServerConfig } from '../config.ts';
import { headersFromProxyEvent, type ProxyEvent, type ProxyResult } from '../gateway/proxy-event.ts';
import { createApp } from '../http/app.ts';
import type { McpEndpoint } from '../http/mcp-endpoint.ts';

export type ProxyHandler = (event: ProxyEvent, context: Context) => Promise<ProxyResult>;

/**
 * The express app behind serverless-http: health, RFC 9728 metadata, the 405s and every other
 * route. serverless-http builds the request from `headers`, which hold only the last value of a
 * repeated header, so repeated headers are restored from the event's `multiValueHeaders`.
 */
export function createExpressRouteHandler(
  config: ServerConfig,
  endpoint: McpEndpoint,
  onError?: (error: Error) => void,
): ProxyHandler {
  const serve = serverless(createApp(config, { endpoint, ...(onError ? { onError } : {}) }), {
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
  return async (event, context) => (await serve(event, context)) as ProxyResult;
}
