/**
 * Lambda entry of the MCP function: API Gateway REST proxy events in; a proxy result out, or a
 * response stream when Terraform's `streaming_enabled` is on. Runs once per execution environment.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { readServerConfig } from '../config.ts';
import type { ProxyEvent, ProxyResult } from '../gateway/proxy-event.ts';
import { createConfiguredEndpoint } from '../http/configured-endpoint.ts';
import { createBufferedHandler } from '../lambda/buffered-handler.ts';
import { createStreamingHandler } from '../lambda/streaming-handler.ts';
import serverModule from '../mcp/selected-server.ts';
import { recordInvocation } from '../runtime/environment-stats.ts';

// Terraform and the embedded stack set POWERTOOLS_SERVICE_NAME to the function name.
const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'mcp-server' });
const config = readServerConfig();
const onError = (error: Error): void => logger.warn('MCP request rejected or failed', { error });
const endpoint = createConfiguredEndpoint(serverModule, config, onError);
const buffered = createBufferedHandler(
  endpoint,
  async () => (await import('../lambda/express-routes.ts')).createExpressRouteHandler(config, endpoint, onError),
  onError,
);

async function bufferedHandler(event: ProxyEvent, context: Context): Promise<ProxyResult> {
  recordInvocation();
  logger.addContext(context);
  return buffered(event, context);
}

// A streamified handler is called by the runtime with a response stream; its type is the
// runtime's business, so the export keeps the buffered signature that callers and tests use.
export const handler = (
  config.streamingEnabled ? createStreamingHandler(endpoint, buffered) : bufferedHandler
) as typeof bufferedHandler;
