/**
 * The MCP handler over real HTTP for the server tests: the in-process gateway with this suite's API,
 * stage and authorizer context (proxy-events.ts).
 */
import type { AuthorizerContext } from '../../../server/gateway/proxy-event.ts';
import {
  serveProxyHandler,
  type LambdaHttpServer,
  type ProxyHandler,
} from '../../../emulator/gateway/in-process-proxy-server.ts';
import { ACCOUNT_ID, API_ID, AUTHORIZER_CONTEXT, STAGE, lambdaContext } from './proxy-events.ts';

export type { LambdaHttpServer, ProxyHandler };

export function serveLambda(
  handler: ProxyHandler,
  options: { authorizer?: AuthorizerContext; stage?: string; recordEvents?: boolean } = {},
): Promise<LambdaHttpServer> {
  return serveProxyHandler(handler, {
    stage: options.stage ?? STAGE,
    apiId: API_ID,
    accountId: ACCOUNT_ID,
    authorizer: options.authorizer ?? AUTHORIZER_CONTEXT,
    context: lambdaContext,
    ...(options.recordEvents === undefined ? {} : { recordEvents: options.recordEvents }),
  });
}
