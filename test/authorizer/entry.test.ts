/**
 * The Lambda entry module as Lambda loads it: config from the environment at module load, one
 * verifier (and JWKS cache) per module instance. Each test loads a fresh instance.
 */
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizerConfigError } from '../../server/authorizer/config.ts';
import { JwksServer, WHOLE_API, captureOutput, lambdaContext, loadAuthorizerEntry, tokenEvent } from './helpers.ts';

let output: ReturnType<typeof captureOutput>;
beforeAll(() => {
  output = captureOutput();
});
afterAll(() => output.restore());

describe('authorizer entry module', () => {
  it('in jwt mode reads JWT_* from the environment and verifies against the JWKS URL', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwks = new JwksServer({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] });
    await jwks.start();
    try {
      const handler = await loadAuthorizerEntry({
        AUTH_MODE: 'jwt',
        JWT_ISSUER: 'https://issuer.test',
        JWT_JWKS_URL: jwks.url,
        JWT_AUDIENCE: 'https://mcp.test/dev/mcp',
        JWT_REQUIRED_SCOPES: 'mcp:invoke',
      });
      const sign = (scope: string) =>
        new SignJWT({ scope, azp: 'cli' })
          .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
          .setIssuer('https://issuer.test')
          .setAudience('https://mcp.test/dev/mcp')
          .setSubject('alice')
          .setExpirationTime('5m')
          .sign(privateKey);
      const allowed = await handler(tokenEvent(`Bearer ${await sign('mcp:invoke')}`), lambdaContext());
      expect(allowed).toMatchObject({
        principalId: 'alice',
        context: { clientId: 'cli', scope: 'mcp:invoke', authMode: 'jwt' },
      });
      expect(allowed.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow', Resource: WHOLE_API });
      const denied = await handler(tokenEvent(`Bearer ${await sign('other')}`), lambdaContext());
      expect(denied.policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny', Resource: WHOLE_API });
    } finally {
      await jwks.stop();
    }
  });

  it('with a bad config logs every problem at init and fails every invocation with it (API Gateway answers 500)', async () => {
    const before = output.text().length;
    const handler = await loadAuthorizerEntry({ AUTH_MODE: 'jwt', JWT_ALLOWED_ALGORITHMS: 'HS256' });
    expect(output.text().slice(before)).toContain('"level":"CRITICAL","message":"Authorizer configuration rejected');
    for (let i = 0; i < 2; i += 1) {
      const failure = await handler(tokenEvent('Bearer abc'), lambdaContext()).then(
        () => undefined,
        (error: unknown) => error,
      );
      // A fresh module instance has its own class object, so compare by name.
      expect((failure as Error).name).toBe(AuthorizerConfigError.name);
      expect((failure as Error).message).not.toBe('Unauthorized');
      expect((failure as Error).message).toMatch(
        /JWT_ISSUER is required.*JWT_AUDIENCE is required.*JWT_JWKS_URL is required.*must not contain HS256/,
      );
    }
  });

  it('with static mode and no tokens refuses every request with a config error, never Allow', async () => {
    const handler = await loadAuthorizerEntry({ AUTH_MODE: 'static', STATIC_TOKENS: '[]' });
    await expect(handler(tokenEvent('Bearer anything'), lambdaContext())).rejects.toThrow(/at least one token/);
  });
});
