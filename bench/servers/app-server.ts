/**
 * The deployed MCP bundle's Lambda handler over node:http, each request mapped to a REST proxy event
 * and back by the project's one mapping module (as API Gateway would, minus the gateway's own
 * work), as a bench target in its own process; prints its port. The stage is `dev`.
 */
import type { Context } from 'aws-lambda';
import { pathToFileURL } from 'node:url';
import { distPaths } from '../../shared/lambda-artifacts.ts';
import { serveProxyHandler, type ProxyHandler } from '../../emulator/gateway/in-process-proxy-server.ts';

// The bundle's path may be given (the memory bench runs this file bundled, outside the repository).
const { handler } = (await import(pathToFileURL(process.argv[2] ?? distPaths('mcp-server').bundle).href)) as {
  handler: ProxyHandler;
};
const server = await serveProxyHandler(handler, {
  stage: 'dev',
  apiId: 'bench',
  accountId: '000000000000',
  authorizer: { principalId: 'bench', clientId: 'bench', scope: '' },
  context: () => ({ awsRequestId: 'bench', getRemainingTimeInMillis: () => 30_000 }) as unknown as Context,
  recordEvents: false,
});
process.stdout.write(`${new URL(server.baseUrl).port}\n`);
