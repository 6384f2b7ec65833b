/** Requests, routes and authorizer settings for the in-process gateway tests (no stack, no processes). */
import type { AuthorizerSettings } from '../../emulator/config/stack-config.ts';
import type { GatewayHttpRequest, GatewayRoute } from '../../emulator/gateway/proxy-event-builder.ts';

export function gateRoute(overrides: Partial<GatewayRoute> = {}): GatewayRoute {
  return {
    resourcePath: '/mcp',
    stage: 'dev',
    apiId: 'a1b2c3d4e5',
    accountId: '123456789012',
    domainName: 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com',
    requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    requestTimeEpoch: Date.UTC(2015, 3, 9, 12, 34, 56),
    binaryMediaTypes: [],
    ...overrides,
  };
}

export function gateRequest(
  headers: Readonly<Record<string, string>> | ReadonlyArray<readonly [string, string]> = {},
  overrides: Partial<GatewayHttpRequest> = {},
): GatewayHttpRequest {
  return {
    method: 'POST',
    path: '/mcp',
    query: new URLSearchParams(),
    headers: Array.isArray(headers) ? headers : Object.entries(headers),
    body: Buffer.alloc(0),
    sourceIp: '203.0.113.7',
    ...overrides,
  };
}

/** A TOKEN authorizer on the Authorization header, as Terraform configures it by default. */
export function tokenSettings(overrides: Partial<AuthorizerSettings> = {}): AuthorizerSettings {
  return {
    type: 'TOKEN',
    identitySources: [{ in: 'header', name: 'Authorization' }],
    validationExpression: undefined,
    resultTtlSeconds: 300,
    ...overrides,
  };
}
