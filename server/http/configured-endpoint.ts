import type { ServerConfig } from '../config.ts';
import type { ServerModule } from '../mcp/define-server.ts';
import { createServerFactory } from '../mcp/server-factory.ts';
import { createMcpEndpoint, type McpEndpoint } from './mcp-endpoint.ts';

/** Lambda's synchronous invocation payload quota (6 MB); larger bodies never reach the function on AWS. */
export const MAX_REQUEST_BODY_BYTES = 6 * 1024 * 1024;

/**
 * The DNS-rebinding check compares the Origin's host name with a list; an origin CORS lets in
 * (cors_allowed_origins) is one the deployment chose, so it passes that check too.
 */
function originsToValidate(config: ServerConfig): readonly string[] {
  if (config.allowedOrigins.length === 0) return [];
  return [
    ...new Set([
      ...config.allowedOrigins,
      ...config.corsAllowedOrigins.filter((origin) => URL.canParse(origin)).map((origin) => new URL(origin).hostname),
    ]),
  ];
}

/** The MCP endpoint of this function around the user's server module, built once per execution environment. */
export function createConfiguredEndpoint(
  module: ServerModule,
  config: ServerConfig,
  onError?: (error: Error) => void,
): McpEndpoint {
  return createMcpEndpoint(createServerFactory(module, config), {
    maxRequestBodyBytes: MAX_REQUEST_BODY_BYTES,
    allowedHosts: config.allowedHosts,
    allowedOrigins: originsToValidate(config),
    corsAllowedOrigins: config.corsAllowedOrigins,
    onError,
  });
}
