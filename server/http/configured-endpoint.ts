import type { ServerConfig } from '../config.ts';
import { createServerFactory } from '../mcp/server-factory.ts';
import { createMcpEndpoint, type McpEndpoint } from './mcp-endpoint.ts';

/** Lambda's synchronous invocation payload quota (6 MB); larger bodies never reach the function on AWS. */
export const MAX_REQUEST_BODY_BYTES = 6 * 1024 * 1024;

/** The MCP endpoint of this function, built once per execution environment. */
export function createConfiguredEndpoint(config: ServerConfig, onError?: (error: Error) => void): McpEndpoint {
  return createMcpEndpoint(createServerFactory(config), {
    maxRequestBodyBytes: MAX_REQUEST_BODY_BYTES,
    allowedHosts: config.allowedHosts,
    allowedOrigins: config.allowedOrigins,
    corsAllowedOrigins: config.corsAllowedOrigins,
    onError,
  });
}
