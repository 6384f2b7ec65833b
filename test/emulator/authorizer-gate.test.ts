import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStack } from '../../emulator/stack.ts';
import { callTool, postJson } from '../support/mcp-http.ts';
import { startTestStack } from '../support/stack.ts';

let stack: RunningStack & { token: string };

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const DISCOVERY = /^Bearer resource_metadata="http:\/\/127\.0\.0\.1:\d+\/dev\/\.well-known\/oauth-protected-resource"$/;

describe('the Lambda authorizer in front of /mcp', () => {
  it('answers 401 with the discovery challenge, without invoking the authorizer, when the header is missing', async () => {
    const before = stack.authorizerFunction.stats().invocations;
    const response = await callTool(stack.endpoint, undefined, 'ping');
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ message: 'Unauthorized' });
    expect(response.headers.get('www-authenticate')).toMatch(DISCOVERY);
    expect(stack.authorizerFunction.stats().invocations).toBe(before);
  });

  it('answers 401 without invoking the authorizer when the token fails the identity validation expression', async () => {
    const before = stack.authorizerFunction.stats().invocations;
    const response = await callTool(stack.endpoint, undefined, 'ping');
    const basic = await postJson(
      stack.endpoint,
      { jsonrpc: '2.0', id: 1, method: 'ping' },
      { authorization: 'Basic dXNlcjpwYXNz' },
    );
    expect([response.status, basic.status]).toEqual([401, 401]);
    expect(stack.authorizerFunction.stats().invocations).toBe(before);
  });

  it('answers 401 for an unknown token after asking the authorizer', async () => {
    const before = stack.authorizerFunction.stats().invocations;
    const response = await callTool(stack.endpoint, `not-the-token-${randomUUID()}`, 'ping');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(DISCOVERY);
    expect(stack.authorizerFunction.stats().invocations).toBe(before + 1);
  });

  it('passes the authorizer context to the function and caches the policy for other methods', async () => {
    const whoami = await callTool(stack.endpoint, stack.token, 'whoami');
    expect(whoami.status).toBe(200);
    const identity = (whoami.json as { result: { structuredContent: Record<string, unknown> } }).result
      .structuredContent;
    expect(identity).toMatchObject({ authenticated: true, authMode: 'static' });
    expect(typeof identity.principal).toBe('string');
    const invocations = stack.authorizerFunction.stats().invocations;

    // Same token, other HTTP method: the cached policy covers the whole API. (OPTIONS reaches
    // ANY /mcp when CORS is off; GET and DELETE are MOCK methods without the authorizer.)
    const other = await fetch(stack.endpoint, {
      method: 'OPTIONS',
      headers: { authorization: `Bearer ${stack.token}` },
    });
    expect(other.status).toBe(405);
    expect(other.headers.get('allow')).toBe('POST');
    expect((await callTool(stack.endpoint, stack.token, 'ping')).status).toBe(200);
    expect(stack.authorizerFunction.stats().invocations).toBe(invocations);
  });

  it('serves the health and RFC 9728 metadata routes without a token', async () => {
    expect((await fetch(`${stack.baseUrl}/health`)).status).toBe(200);
    const metadata = await fetch(`${stack.baseUrl}/.well-known/oauth-protected-resource`);
    expect(metadata.status).toBe(200);
    expect(await metadata.json()).toMatchObject({ resource: stack.endpoint, bearer_methods_supported: ['header'] });
    // RFC 9728 §3.1: the path-inserted location of the same document, as clients derive it.
    const inserted = await fetch(`${stack.baseUrl}/.well-known/oauth-protected-resource/mcp`);
    expect(inserted.status).toBe(200);
    expect(await inserted.json()).toMatchObject({ resource: stack.endpoint });
  });

  it('runs a REQUEST authorizer with the full request when Terraform chooses that type', async () => {
    const request = await startTestStack({ overrides: { authorizer_type: 'REQUEST' } });
    try {
      expect((await callTool(request.endpoint, undefined, 'ping')).status).toBe(401);
      expect(request.authorizerFunction.stats().invocations).toBe(0);
      expect((await callTool(request.endpoint, 'wrong', 'ping')).status).toBe(401);
      expect((await callTool(request.endpoint, request.token, 'ping')).status).toBe(200);
      expect(request.authorizerFunction.stats().invocations).toBe(2);
    } finally {
      await request.stop();
    }
  });

  it('requires every REQUEST identity source (header and query string) before invoking the authorizer, and caches by all of them', async () => {
    const request = await startTestStack({
      overrides: {
        authorizer_type: 'REQUEST',
        authorizer_identity_source: 'method.request.header.Authorization, method.request.querystring.tenant',
      },
    });
    try {
      const withTenant = `${request.endpoint}?tenant=acme`;
      expect((await callTool(request.endpoint, request.token, 'ping')).status).toBe(401);
      expect((await callTool(`${request.endpoint}?tenant=`, request.token, 'ping')).status).toBe(401);
      expect(request.authorizerFunction.stats().invocations).toBe(0);
      expect((await callTool(withTenant, request.token, 'ping')).status).toBe(200);
      expect((await callTool(withTenant, request.token, 'ping')).status).toBe(200);
      expect(request.authorizerFunction.stats().invocations).toBe(1);
      // Another tenant is another cache key: the authorizer runs again.
      expect((await callTool(`${request.endpoint}?tenant=other`, request.token, 'ping')).status).toBe(200);
      expect(request.authorizerFunction.stats().invocations).toBe(2);
    } finally {
      await request.stop();
    }
  });

  it('refuses at start an identity source it cannot emulate instead of ignoring it', async () => {
    await expect(
      startTestStack({
        overrides: {
          authorizer_type: 'REQUEST',
          authorizer_identity_source: 'method.request.header.Authorization, stageVariables.tenant',
        },
      }),
    ).rejects.toThrow(/stageVariables\.tenant.*emulates method\.request\.header\|querystring/);
  });

  it('answers 500 with a null message when the authorizer fails (JWKS endpoint unreachable)', async () => {
    const jwt = await startTestStack({
      overrides: {
        auth_mode: 'jwt',
        jwt_issuer: 'https://issuer.example',
        jwt_jwks_url: 'http://127.0.0.1:9/jwks.json',
      },
    });
    try {
      const token = ['eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0', 'eyJzdWIiOiJ4In0', 'c2ln'].join('.');
      const response = await callTool(jwt.endpoint, token, 'ping');
      expect(response.status).toBe(500);
      expect(response.json).toEqual({ message: null });
    } finally {
      await jwt.stop();
    }
  });
});
