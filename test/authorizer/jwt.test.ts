/**
 * JWT matrix with real tokens: key pairs generated here, their public halves served as a JWKS from a
 * loopback HTTP server, tokens signed with jose (or crafted by hand where jose refuses to help, as
 * for `alg: none`). Each case goes through the authorizer handler with a real TOKEN event.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { CompactSign, SignJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authInfoFromAuthorizer } from '../../server/gateway/authorizer-context.ts';
import { createAuthorizer, type AuthorizerHandler } from '../../server/authorizer/authorizer.ts';
import type { JwtAuthConfig } from '../../server/authorizer/config.ts';
import { AuthorizerDependencyError } from '../../server/authorizer/errors.ts';
import { expectedFingerprint } from '../support/token-fingerprint.ts';
import { JwksServer, WHOLE_API, captureOutput, lambdaContext, requestEvent, tokenEvent } from './helpers.ts';

const ISSUER = 'https://auth.example.test/';
const AUDIENCE = 'https://mcp.example.test/dev/mcp';
const REQUIRED_SCOPE = 'mcp:invoke';

let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
let ec: { privateKey: CryptoKey; publicKey: CryptoKey };
let rogue: { privateKey: CryptoKey; publicKey: CryptoKey };
let jwks: JwksServer;
let output: ReturnType<typeof captureOutput>;
const issuedTokens: string[] = [];

const now = (): number => Math.floor(Date.now() / 1000);
const b64url = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function config(overrides: Partial<JwtAuthConfig> = {}): JwtAuthConfig {
  return {
    mode: 'jwt',
    issuer: ISSUER,
    jwksUrl: new URL(jwks.url),
    audience: [AUDIENCE],
    audienceClaim: 'aud',
    requiredScopes: [REQUIRED_SCOPE],
    // The documented defaults as literals (server/authorizer/README.md), not the implementation's constants.
    allowedAlgorithms: ['RS256', 'ES256'],
    clockToleranceSeconds: 30,
    jwksTimeoutMs: 1000,
    jwksCacheMaxAgeMs: 600_000,
    jwksCooldownMs: 30_000,
    ...overrides,
  };
}

function authorizer(overrides: Partial<JwtAuthConfig> = {}): AuthorizerHandler {
  return createAuthorizer(config(overrides), { logger: new Logger({ serviceName: 'mcp-authorizer-test' }) });
}

interface SignOptions {
  alg?: 'RS256' | 'ES256';
  kid?: string;
  key?: CryptoKey;
  claims?: JWTPayload;
  issuer?: string;
  audience?: string;
  subject?: string | null;
  exp?: number | null;
  nbf?: number;
}

async function sign(options: SignOptions = {}): Promise<string> {
  const alg = options.alg ?? 'RS256';
  const jwt = new SignJWT({ scope: `openid ${REQUIRED_SCOPE}`, client_id: 'client-abc', ...options.claims })
    .setProtectedHeader({ alg, kid: options.kid ?? (alg === 'RS256' ? 'rsa-1' : 'ec-1'), typ: 'at+jwt' })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt(now() - 5);
  if (options.subject !== null) jwt.setSubject(options.subject ?? 'user-123');
  if (options.exp !== null) jwt.setExpirationTime(options.exp ?? now() + 300);
  if (options.nbf !== undefined) jwt.setNotBefore(options.nbf);
  const token = await jwt.sign(options.key ?? (alg === 'RS256' ? rsa.privateKey : ec.privateKey));
  issuedTokens.push(token);
  return token;
}

function track(token: string): string {
  issuedTokens.push(token);
  return token;
}

function call(handler: AuthorizerHandler, token: string) {
  return handler(tokenEvent(`Bearer ${token}`), lambdaContext());
}

beforeAll(async () => {
  output = captureOutput();
  rsa = await generateKeyPair('RS256', { extractable: true });
  ec = await generateKeyPair('ES256', { extractable: true });
  rogue = await generateKeyPair('RS256', { extractable: true });
  jwks = new JwksServer({
    keys: [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ],
  });
  await jwks.start();
});

afterAll(async () => {
  await jwks.stop();
  output.restore();
});

describe('jwt: allowed', () => {
  it('accepts a valid RS256 token with an Allow policy over the whole API and the context contract', async () => {
    const result = await call(authorizer(), await sign());
    expect(result.principalId).toBe('user-123');
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: WHOLE_API },
    ]);
    expect(result.context).toEqual({ clientId: 'client-abc', scope: `openid ${REQUIRED_SCOPE}`, authMode: 'jwt' });
    for (const value of Object.values(result.context)) expect(typeof value).toBe('string');
    expect(authInfoFromAuthorizer({ principalId: result.principalId, ...result.context })).toMatchObject({
      clientId: 'client-abc',
      scopes: ['openid', REQUIRED_SCOPE],
      extra: { principal: 'user-123', authMode: 'jwt' },
    });
  });

  it('accepts a valid ES256 token (both default algorithms)', async () => {
    await expect(call(authorizer(), await sign({ alg: 'ES256' }))).resolves.toMatchObject({ principalId: 'user-123' });
  });

  it('accepts a REQUEST event carrying the token in headers.Authorization', async () => {
    const result = await authorizer()(requestEvent([['authorization', `Bearer ${await sign()}`]]), lambdaContext());
    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow', Resource: WHOLE_API });
  });

  it('reads scopes from scp (array, Okta) and scp (string, Entra ID), client id from azp or cid', async () => {
    const okta = await call(
      authorizer(),
      await sign({
        claims: { scope: undefined, scp: [REQUIRED_SCOPE, 'x'], client_id: undefined, cid: 'okta-client' },
      }),
    );
    expect(okta.context).toMatchObject({ scope: `${REQUIRED_SCOPE} x`, clientId: 'okta-client' });
    const entra = await call(
      authorizer(),
      await sign({ claims: { scope: undefined, scp: `x ${REQUIRED_SCOPE}`, client_id: undefined, azp: 'entra-app' } }),
    );
    expect(entra.context).toMatchObject({ scope: `x ${REQUIRED_SCOPE}`, clientId: 'entra-app' });
  });

  it('accepts a token that expired within the 30 s clock tolerance', async () => {
    await expect(call(authorizer(), await sign({ exp: now() - 10 }))).resolves.toMatchObject({
      principalId: 'user-123',
    });
  });

  it('checks client_id as the audience for issuers whose access tokens carry no aud (Cognito)', async () => {
    const handler = authorizer({ audience: ['cognito-app-client'], audienceClaim: 'client_id' });
    const withoutAud = async (clientId: string) => {
      const token = await new SignJWT({ scope: REQUIRED_SCOPE, client_id: clientId, token_use: 'access' })
        .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
        .setIssuer(ISSUER)
        .setSubject('user-123')
        .setExpirationTime(now() + 300)
        .sign(rsa.privateKey);
      return track(token);
    };
    await expect(call(handler, await withoutAud('cognito-app-client'))).resolves.toMatchObject({
      context: { clientId: 'cognito-app-client' },
    });
    await expect(call(handler, await withoutAud('another-client'))).rejects.toThrow(/^Unauthorized$/);
    // In the default (aud) mode the same token has no audience and is refused.
    await expect(call(authorizer(), await withoutAud('cognito-app-client'))).rejects.toThrow(/^Unauthorized$/);
  });

  it('accepts any of several configured audiences', async () => {
    const handler = authorizer({ audience: ['https://other.example.test/mcp', AUDIENCE] });
    await expect(call(handler, await sign())).resolves.toMatchObject({ principalId: 'user-123' });
  });
});

describe('jwt: refused with Unauthorized (API Gateway answers 401)', () => {
  // [case, token factory, the reason the authorizer logs]
  const cases: Array<[string, () => Promise<string>, string]> = [
    ['expired (beyond the 30 s tolerance)', () => sign({ exp: now() - 120 }), 'ERR_JWT_EXPIRED'],
    [
      'not yet valid (nbf beyond the tolerance)',
      () => sign({ nbf: now() + 120 }),
      'ERR_JWT_CLAIM_VALIDATION_FAILED:nbf',
    ],
    ['wrong issuer', () => sign({ issuer: 'https://evil.example.test/' }), 'ERR_JWT_CLAIM_VALIDATION_FAILED:iss'],
    [
      'wrong audience',
      () => sign({ audience: 'https://other-api.example.test/mcp' }),
      'ERR_JWT_CLAIM_VALIDATION_FAILED:aud',
    ],
    [
      'alg: none (unsigned, crafted by hand)',
      async () =>
        track(
          `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ iss: ISSUER, aud: AUDIENCE, sub: 'user-123', exp: now() + 300, scope: REQUIRED_SCOPE })}.`,
        ),
      'ERR_JOSE_ALG_NOT_ALLOWED',
    ],
    [
      'HS256 signed with the RSA public key as the HMAC secret',
      async () => {
        const secret = new TextEncoder().encode(await exportSPKI(rsa.publicKey));
        const token = await new SignJWT({ scope: REQUIRED_SCOPE })
          .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setSubject('user-123')
          .setExpirationTime(now() + 300)
          .sign(secret);
        return track(token);
      },
      'ERR_JOSE_ALG_NOT_ALLOWED',
    ],
    [
      'tampered signature',
      async () => {
        const [header, payload, signature] = (await sign()).split('.') as [string, string, string];
        const middle = Math.floor(signature.length / 2);
        const flipped = signature[middle] === 'A' ? 'B' : 'A';
        return track(`${header}.${payload}.${signature.slice(0, middle)}${flipped}${signature.slice(middle + 1)}`);
      },
      'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    ],
    [
      'tampered payload (sub changed, signature kept)',
      async () => {
        const [header, , signature] = (await sign()).split('.') as [string, string, string];
        const forged = b64url({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', exp: now() + 300, scope: REQUIRED_SCOPE });
        return track(`${header}.${forged}.${signature}`);
      },
      'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    ],
    [
      'unknown kid (key not in the JWKS)',
      () => sign({ kid: 'rogue-1', key: rogue.privateKey }),
      'ERR_JWKS_NO_MATCHING_KEY',
    ],
    [
      'known kid, signed by another key',
      () => sign({ kid: 'rsa-1', key: rogue.privateKey }),
      'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    ],
    ['missing sub', () => sign({ subject: null }), 'ERR_JWT_CLAIM_VALIDATION_FAILED:sub'],
    ['missing exp', () => sign({ exp: null }), 'ERR_JWT_CLAIM_VALIDATION_FAILED:exp'],
    ['malformed: not a JWT', async () => 'not-a-jwt', 'malformed-jwt'],
    ['malformed: two segments', async () => 'eyJhbGciOiJSUzI1NiJ9.e30', 'malformed-jwt'],
    ['malformed: five segments (JWE shape)', async () => 'a.b.c.d.e', 'malformed-jwt'],
    [
      'malformed: header is not JSON',
      async () => `${b64url('not json')}.${b64url({ sub: 'x' })}.c2ln`,
      'ERR_JWS_INVALID',
    ],
    [
      'malformed: validly signed payload that is not JSON',
      async () =>
        track(
          await new CompactSign(new TextEncoder().encode('[1,2'))
            .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
            .sign(rsa.privateKey),
        ),
      'ERR_JWT_INVALID',
    ],
  ];

  it.each(cases)('%s', async (_name, make, reason) => {
    const token = await make();
    const before = output.text().length;
    await expect(call(authorizer(), token)).rejects.toThrow(/^Unauthorized$/);
    expect(output.text().slice(before)).toContain(`"reason":"${reason}"`);
  });
});

describe('jwt: valid token without the required scope', () => {
  it('returns a Deny policy over the whole API (API Gateway answers 403)', async () => {
    const result = await call(authorizer(), await sign({ claims: { scope: 'openid profile' } }));
    expect(result.principalId).toBe('user-123');
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: WHOLE_API },
    ]);
    expect(result.context).toMatchObject({ scope: 'openid profile', authMode: 'jwt' });
  });

  it('allows the same token when no scope is required', async () => {
    const result = await call(authorizer({ requiredScopes: [] }), await sign({ claims: { scope: 'openid profile' } }));
    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
  });
});

describe('jwt: JWKS endpoint', () => {
  it('is fetched once per execution environment and then served from cache', async () => {
    const handler = authorizer();
    const before = jwks.requests;
    for (let i = 0; i < 5; i += 1) await call(handler, await sign({ alg: i % 2 === 0 ? 'RS256' : 'ES256' }));
    expect(jwks.requests - before).toBe(1);
  });

  it('down: a non-Unauthorized error (API Gateway answers 500), then Allow once it is back', async () => {
    const handler = authorizer();
    const token = await sign();
    await jwks.stop();
    try {
      const failure = await call(handler, token).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(AuthorizerDependencyError);
      expect((failure as Error).message).not.toBe('Unauthorized');
      // Still down on the next call: still 500, not a cached verdict.
      await expect(call(handler, token)).rejects.toBeInstanceOf(AuthorizerDependencyError);
    } finally {
      await jwks.start();
    }
    await expect(call(handler, token)).resolves.toMatchObject({ principalId: 'user-123' });
  });

  it('answering 503: a non-Unauthorized error, then Allow once it answers again', async () => {
    const handler = authorizer();
    jwks.mode = 'error';
    try {
      await expect(call(handler, await sign())).rejects.toBeInstanceOf(AuthorizerDependencyError);
    } finally {
      jwks.mode = 'ok';
    }
    await expect(call(handler, await sign())).resolves.toMatchObject({ principalId: 'user-123' });
  });

  it('hanging: times out after the configured fetch timeout with a non-Unauthorized error', async () => {
    const handler = authorizer({ jwksTimeoutMs: 200 });
    jwks.mode = 'hang';
    const started = performance.now();
    try {
      await expect(call(handler, await sign())).rejects.toThrow(/JWKS unavailable.*ERR_JWKS_TIMEOUT/);
    } finally {
      jwks.mode = 'ok';
    }
    expect(performance.now() - started).toBeLessThan(2000);
    await expect(call(handler, await sign())).resolves.toMatchObject({ principalId: 'user-123' });
  });

  it('down after a successful fetch: the cached key set keeps valid tokens working', async () => {
    const handler = authorizer();
    await call(handler, await sign());
    await jwks.stop();
    try {
      await expect(call(handler, await sign())).resolves.toMatchObject({ principalId: 'user-123' });
      await expect(call(handler, await sign({ exp: now() - 120 }))).rejects.toThrow(/^Unauthorized$/);
    } finally {
      await jwks.start();
    }
  });

  it('key rotation: an unknown kid triggers a refetch once the cooldown has passed', async () => {
    const handler = authorizer({ jwksCooldownMs: 0 });
    await call(handler, await sign());
    const rotated = await generateKeyPair('ES256', { extractable: true });
    const original = jwks.jwks;
    jwks.jwks = {
      keys: [...original.keys, { ...(await exportJWK(rotated.publicKey)), kid: 'ec-2', alg: 'ES256', use: 'sig' }],
    };
    try {
      await expect(
        call(handler, await sign({ alg: 'ES256', kid: 'ec-2', key: rotated.privateKey })),
      ).resolves.toMatchObject({ principalId: 'user-123' });
    } finally {
      jwks.jwks = original;
    }
  });
});

describe('jwt: logs', () => {
  it('never contain a token, only fingerprints', async () => {
    // This test makes its own allowed, refused and failed calls, so it holds alone; run with the
    // rest of the file it also covers every token the other tests issued.
    const before = issuedTokens.length;
    const token = await sign();
    await call(authorizer(), token);
    await expect(call(authorizer(), await sign({ exp: now() - 120 }))).rejects.toThrow(/^Unauthorized$/);
    await expect(call(authorizer(), await sign({ audience: 'https://elsewhere.example.test/' }))).rejects.toThrow(
      /^Unauthorized$/,
    );
    const unreachable = authorizer({ jwksUrl: new URL('http://127.0.0.1:9/jwks.json'), jwksCooldownMs: 0 });
    await expect(call(unreachable, await sign())).rejects.toBeInstanceOf(AuthorizerDependencyError);
    const logs = output.text();
    expect(logs).toContain(expectedFingerprint(token));
    expect(logs).toContain('"reason":"ERR_JWT_EXPIRED"');
    expect(logs).toContain('"reason":"dependency-unavailable"');
    expect(issuedTokens.length - before).toBe(4);
    for (const issued of issuedTokens) {
      expect(logs).not.toContain(issued);
      // Not even the signature segment (the part a log scrubber keyed on "eyJ" would miss).
      const signature = issued.split('.')[2];
      if (signature && signature.length > 16) expect(logs).not.toContain(signature);
    }
  });
});
