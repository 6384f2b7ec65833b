/**
 * The request every throughput and memory figure sends. Its own module, free of the load
 * generator, so that bench servers importing it carry nothing but what they measure.
 */
import type { GatewayRoute } from '../emulator/gateway/proxy-event-builder.ts';

export const TOOLS_LIST = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'tools/list' });
export const LEGACY_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};

/** Where bench requests arrive, as the gateway's event builder takes it: stage `dev` of API `bench`, `/mcp`, authorized. */
export function benchRoute(requestId: string): GatewayRoute {
  return {
    resourcePath: '/mcp',
    stage: 'dev',
    apiId: 'bench',
    accountId: '000000000000',
    domainName: '127.0.0.1',
    requestId,
    requestTimeEpoch: Date.now(),
    binaryMediaTypes: [],
    authorizer: { principalId: 'bench', clientId: 'bench', scopes: '' },
  };
}
