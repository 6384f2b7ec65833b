/**
 * What the authorizer answers API Gateway, through `createAuthorizer` with real events and, for
 * JWT, real signed tokens against a loopback JWKS:
 * - "Unauthorized" error → 401; a Deny policy → 403; any other error → 500 (AUTHORIZER_FAILURE),
 *   "Use API Gateway Lambda authorizers",
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html
 * - a JWT access token names its subject in `sub`, a StringOrURI (RFC 7519 section 4.1.2) that is
 *   REQUIRED in access tokens (RFC 9068 section 2.2); an empty or non-string `sub` names nobody.
 */
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthorizer } from '../../server/authorizer/authorizer.ts';
import type { JwtAuthConfig } from '../../server/authorizer/config.ts';
import { createJwtVerifier } from '../../server/authorizer/jwt.ts';
import { InvalidMethodArnError } from '../../server/authorizer/policy.ts';
import { JwksServer, captureOutput, lambdaContext, requestEvent, testLogger, tokenEvent } from './helpers.ts';

const ISSUER = 'https://auth.example.test/';
const AUDIENCE = 'https://mcp.example.test/dev/mcp';
const TOKEN = 'sk-live_4f9c2a7e1b8d4c3aa0e5f6b7c8d9e0f1';
const BAD_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:not-a-method';

let keys: { privateKey: CryptoKey; publicKey: CryptoKey };
let jwks: JwksServer;
let output: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  output = captureOutput();
  keys = await generateKeyPair('ES256', { extractable: true });
  jwks = new JwksServer({ keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] });
  await jwks.start();
});

afterAll(async () => {
  await jwks.stop();
  output.restore();
});

function jwtConfig(overrides: Partial<JwtAuthConfig> = {}): JwtAuthConfig {
  return {
    mode: 'jwt',
    issuer: ISSUER,
    jwksUrl: new URL(jwks.url),
    audience: [AUDIENCE],
    audienceClaim: 'aud',
    requiredScopes: [],
    allowedAlgorithms: ['ES256'],
    clockToleranceSeconds: 30,
    jwksTimeoutMs: 2000,
    jwksCacheMaxAgeMs: 600_000,
    jwksCooldownMs: 30_000,
    ...overrides,
  };
}

/** Signs a token whose payload is exactly `claims` plus iss, aud, iat and exp. */
function sign(claims: Record<string, unknown>): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 300, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
    .sign(keys.privateKey);
}

describe('jwt subject', () => {
  it('accepts a non-empty string sub as the principal', async () => {
    const verdict = await createJwtVerifier(jwtConfig())(await sign({ sub: 'user-123' }));
    expect(verdict).toMatchObject({ kind: 'allow', identity: { principalId: 'user-123' } });
  });

  it.each([
    ['an empty string', ''],
    ['a number', 123],
    ['an array', ['user-123']],
    ['an object', { id: 'user-123' }],
    ['null', null],
  ])('refuses a sub that is %s (401): it names nobody', async (_name, sub) => {
    const verdict = await createJwtVerifier(jwtConfig())(await sign({ sub }));
    expect(verdict.kind).toBe('unauthorized');
  });

  it('refuses a token without sub', async () => {
    expect((await createJwtVerifier(jwtConfig())(await sign({}))).kind).toBe('unauthorized');
  });

  it('with the client_id audience claim, also refuses an empty sub', async () => {
    const verifier = createJwtVerifier(jwtConfig({ audienceClaim: 'client_id', audience: ['client-1'] }));
    expect((await verifier(await sign({ sub: 'u', client_id: 'client-1', aud: undefined }))).kind).toBe('allow');
    expect((await verifier(await sign({ sub: '', client_id: 'client-1', aud: undefined }))).kind).toBe('unauthorized');
  });

  it('takes the client id from client_id, else azp, else cid, skipping empty and non-string values', async () => {
    const verify = createJwtVerifier(jwtConfig());
    const clientIdOf = async (claims: Record<string, unknown>) => {
      const verdict = await verify(await sign({ sub: 'u', ...claims }));
      return verdict.kind === 'allow' ? verdict.identity.clientId : undefined;
    };
    expect(await clientIdOf({ client_id: 'a', azp: 'b', cid: 'c' })).toBe('a');
    expect(await clientIdOf({ client_id: '', azp: 'b', cid: 'c' })).toBe('b');
    expect(await clientIdOf({ client_id: 7, azp: 'b' })).toBe('b');
    expect(await clientIdOf({ cid: 'c' })).toBe('c');
    expect(await clientIdOf({})).toBe('');
  });
});

describe('the authorizer handler', () => {
  const staticAuthorizer = () => createAuthorizer({ mode: 'static', tokens: [TOKEN] }, { logger: testLogger() });

  it('refuses a malformed methodArn with an error other than "Unauthorized" (API Gateway answers 500), never an Allow', async () => {
    const rejection = staticAuthorizer()(tokenEvent(`Bearer ${TOKEN}`, BAD_ARN), lambdaContext());
    await expect(rejection).rejects.toBeInstanceOf(InvalidMethodArnError);
    await expect(staticAuthorizer()({ type: 'TOKEN', authorizationToken: `Bearer ${TOKEN}` })).rejects.toBeInstanceOf(
      InvalidMethodArnError,
    );
  });

  it('a Deny for a valid token lacking a scope also needs a well-formed methodArn', async () => {
    const handler = createAuthorizer(jwtConfig({ requiredScopes: ['mcp:invoke'] }), { logger: testLogger() });
    const token = await sign({ sub: 'user-1', scope: 'openid' });
    await expect(handler(tokenEvent(`Bearer ${token}`, BAD_ARN))).rejects.toBeInstanceOf(InvalidMethodArnError);
    const deny = await handler(tokenEvent(`Bearer ${token}`));
    expect(deny.policyDocument.Statement).toEqual([
      {
        Action: 'execute-api:Invoke',
        Effect: 'Deny',
        Resource: 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/*/*',
      },
    ]);
  });

  it('answers "Unauthorized" for a missing, malformed or unknown token, whatever the methodArn', async () => {
    const handler = staticAuthorizer();
    for (const header of ['', 'Basic dXNlcjpwYXNz', 'Bearer two words', 'Bearer not-the-token']) {
      await expect(handler(tokenEvent(header, BAD_ARN))).rejects.toThrow(/^Unauthorized$/);
    }
    await expect(handler({ methodArn: BAD_ARN })).rejects.toThrow(/^Unauthorized$/);
  });

  it('answers "Unauthorized" when a REQUEST carries Authorization twice, even if one of them is valid', async () => {
    const handler = staticAuthorizer();
    const event = requestEvent([
      ['Authorization', `Bearer ${TOKEN}`],
      ['Authorization', 'Bearer other'],
    ]);
    await expect(handler(event)).rejects.toThrow(/^Unauthorized$/);
    expect(
      (await handler(requestEvent([['Authorization', `Bearer ${TOKEN}`]]))).policyDocument.Statement[0],
    ).toMatchObject({ Effect: 'Allow' });
  });

  it('propagates a JWKS failure as an error other than "Unauthorized" (500)', async () => {
    const handler = createAuthorizer(
      jwtConfig({ jwksUrl: new URL('http://127.0.0.1:9/jwks.json'), jwksTimeoutMs: 500 }),
      { logger: testLogger() },
    );
    const token = await sign({ sub: 'user-1' });
    const error = await handler(tokenEvent(`Bearer ${token}`)).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).not.toBe('Unauthorized');
  });

  it('logs each decision with the Lambda request id when given the invocation context', async () => {
    const handler = staticAuthorizer();
    const before = output.text().length;
    await handler(tokenEvent(`Bearer ${TOKEN}`), { ...lambdaContext(), awsRequestId: 'req-logged-0001' });
    expect(output.text().slice(before)).toContain('req-logged-0001');
  });

  it('is not armed with fault tokens unless the configuration says so: a crash token is just unknown', async () => {
    await expect(staticAuthorizer()(tokenEvent('Bearer fault-crash.now'))).rejects.toThrow(/^Unauthorized$/);
  });
});
