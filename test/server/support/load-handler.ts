import type { ProxyHandler } from './lambda-http-server.ts';

/** The environment Lambda sets for the MCP function (the values the tests assert on). */
export const LAMBDA_ENV = {
  AWS_LAMBDA_FUNCTION_NAME: 'stateless-mcp-server',
  AWS_LAMBDA_FUNCTION_VERSION: '7',
  AWS_LAMBDA_LOG_STREAM_NAME: '2026/08/01/[7]0123456789abcdef0123456789abcdef',
  AWS_REGION: 'eu-west-1',
  AUTHORIZATION_SERVERS: 'https://auth.example.com/realms/mcp',
  SCOPES_SUPPORTED: 'mcp:invoke,mcp:read',
  // Rejections are logged at WARN by design; keep test output readable.
  POWERTOOLS_LOG_LEVEL: 'ERROR',
} as const;

/**
 * Loads the Lambda entry module as the Node.js runtime does at INIT: configuration comes from the
 * environment at module load, and the returned handler is one module instance (one execution
 * environment) for every invocation that follows.
 */
export async function loadMcpHandler(): Promise<ProxyHandler> {
  const saved = { ...process.env };
  Object.assign(process.env, LAMBDA_ENV);
  try {
    return (await import('../../../server/handlers/mcp.ts')).handler;
  } finally {
    for (const key of Object.keys(LAMBDA_ENV)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}
