/**
 * Explicit Deny through the stack's HTTP door: a valid JWT without the scope Terraform requires makes
 * the real authorizer bundle return a Deny policy, and the gateway answers its ACCESS_DENIED response
 * (403: https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html)
 * as terraform/gateway_responses.tf customises it (the message under `message`, the RFC 9728
 * discovery challenge in WWW-Authenticate), without running the MCP function; the Deny is cached like any policy, so the same token is refused
 * again without invoking the authorizer, while a token with the scope gets in.
 */
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStack } from '../../emulator/stack.ts';
import { JwksServer } from '../authorizer/helpers.ts';
import { callTool } from '../support/mcp-http.ts';
import { startTestStack } from '../support/stack.ts';

const ISSUER = 'https://issuer.example.test/';

let keys: { privateKey: CryptoKey; publicKey: CryptoKey };
let jwks: JwksServer;
let stack: RunningStack;

beforeAll(async () => {
  keys = await generateKeyPair('ES256', { extractable: true });
  jwks = new JwksServer({ keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] });
  await jwks.start();
  stack = await startTestStack({
    overrides: { auth_mode: 'jwt', jwt_issuer: ISSUER, jwt_jwks_url: jwks.url, jwt_required_scopes: ['mcp:invoke'] },
  });
});

afterAll(async () => {
  await stack?.stop();
  await jwks?.stop();
});

function token(scope: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  // The audience is the stage's MCP endpoint, as Terraform sets it when jwt_audience is empty.
  return new SignJWT({ scope })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
    .setIssuer(ISSUER)
    .setAudience(stack.endpoint)
    .setSubject('user-1')
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(keys.privateKey);
}

describe('an explicit Deny from the authorizer', () => {
  it('answers 403 ACCESS_DENIED without running the function, from cache the second time; the right scope gets in', async () => {
    const lacking = await token('openid');
    const denied = await callTool(stack.endpoint, lacking, 'ping');
    expect(denied.status).toBe(403);
    expect(denied.json).toEqual({ message: 'User is not authorized to access this resource with an explicit deny' });
    expect(denied.headers.get('www-authenticate')).toMatch(
      /^Bearer resource_metadata="http:\/\/127\.0\.0\.1:\d+\/dev\/\.well-known\/oauth-protected-resource"$/,
    );
    const afterFirst = stack.authorizerFunction.stats().invocations;
    expect(afterFirst).toBe(1);

    expect((await callTool(stack.endpoint, lacking, 'ping')).status).toBe(403);
    expect(stack.authorizerFunction.stats().invocations).toBe(afterFirst);

    expect((await callTool(stack.endpoint, await token('openid mcp:invoke'), 'ping')).status).toBe(200);
  });
});
