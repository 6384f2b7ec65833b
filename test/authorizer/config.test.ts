import { describe, expect, it } from 'vitest';
import { AuthorizerConfigError, readAuthorizerConfig } from '../../server/authorizer/config.ts';
import { MAX_AUTHORIZATION_BYTES, parseBearer } from '../../server/authorizer/bearer.ts';
import { apiWideResource, InvalidMethodArnError } from '../../server/authorizer/policy.ts';

const JWT_ENV = {
  AUTH_MODE: 'jwt',
  JWT_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
  JWT_JWKS_URL: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json',
  JWT_AUDIENCE: 'https://abc123.execute-api.eu-west-1.amazonaws.com/dev/mcp',
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    readAuthorizerConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthorizerConfigError);
    return (error as AuthorizerConfigError).problems;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('authorizer config from the environment', () => {
  it('reads static mode (the default) with a JSON array of tokens', () => {
    expect(readAuthorizerConfig({ STATIC_TOKENS: '["abc-123","def.456"]' })).toEqual({
      mode: 'static',
      tokens: ['abc-123', 'def.456'],
    });
  });

  it('reads jwt mode with defaults: RS256,ES256, 30 s tolerance, no required scopes', () => {
    const config = readAuthorizerConfig(JWT_ENV);
    expect(config).toMatchObject({
      mode: 'jwt',
      issuer: JWT_ENV.JWT_ISSUER,
      audience: [JWT_ENV.JWT_AUDIENCE],
      audienceClaim: 'aud',
      requiredScopes: [],
      allowedAlgorithms: ['RS256', 'ES256'],
      clockToleranceSeconds: 30,
      jwksTimeoutMs: 3000,
      // server/authorizer/README.md, "JWKS caching and failure": kept 10 minutes, 30 s cooldown.
      jwksCacheMaxAgeMs: 600_000,
      jwksCooldownMs: 30_000,
    });
    expect(config.mode === 'jwt' && config.jwksUrl.href).toBe(JWT_ENV.JWT_JWKS_URL);
    // An empty or blank JWT_ALLOWED_ALGORITHMS (a Terraform variable left empty) means the default.
    for (const blank of ['', '  ']) {
      expect(readAuthorizerConfig({ ...JWT_ENV, JWT_ALLOWED_ALGORITHMS: blank })).toMatchObject({
        allowedAlgorithms: ['RS256', 'ES256'],
      });
    }
  });

  it('reads comma-separated scopes, audiences and algorithms', () => {
    const config = readAuthorizerConfig({
      ...JWT_ENV,
      JWT_AUDIENCE: 'https://a.example/mcp, api://mcp',
      JWT_REQUIRED_SCOPES: 'mcp:invoke, mcp:read',
      JWT_ALLOWED_ALGORITHMS: 'PS256,ES384',
      JWT_JWKS_TIMEOUT_MS: '1500',
    });
    expect(config).toMatchObject({
      audience: ['https://a.example/mcp', 'api://mcp'],
      requiredScopes: ['mcp:invoke', 'mcp:read'],
      allowedAlgorithms: ['PS256', 'ES384'],
      jwksTimeoutMs: 1500,
    });
  });

  it('names every missing jwt setting at once', () => {
    const problems = problemsOf({ AUTH_MODE: 'jwt' });
    expect(problems.join('\n')).toMatch(/JWT_ISSUER is required/);
    expect(problems.join('\n')).toMatch(/JWT_AUDIENCE is required/);
    expect(problems.join('\n')).toMatch(/JWT_JWKS_URL is required/);
  });

  it.each(['none', 'HS256', 'hs512', 'RS256,none', 'ES256,HS384'])(
    'refuses JWT_ALLOWED_ALGORITHMS=%s',
    (algorithms) => {
      expect(problemsOf({ ...JWT_ENV, JWT_ALLOWED_ALGORITHMS: algorithms }).join('\n')).toMatch(/must not contain/);
    },
  );

  it('reads JWT_AUDIENCE_CLAIM=client_id (Cognito access tokens) and refuses other claims', () => {
    expect(
      readAuthorizerConfig({ ...JWT_ENV, JWT_AUDIENCE: 'app-client-id', JWT_AUDIENCE_CLAIM: 'client_id' }),
    ).toMatchObject({ audienceClaim: 'client_id' });
    expect(problemsOf({ ...JWT_ENV, JWT_AUDIENCE_CLAIM: 'azp' }).join('\n')).toMatch(/JWT_AUDIENCE_CLAIM/);
  });

  // RFC 7518 section 3.1 names the HMAC algorithms HS256, HS384, HS512 exactly; a name that only
  // contains "HS<digits>" is not one of them, just an algorithm nobody supports.
  it.each(['HS256X', 'XHS256'])('calls %s unsupported (not HMAC), listing the supported algorithms', (alg) => {
    const problems = problemsOf({ ...JWT_ENV, JWT_ALLOWED_ALGORITHMS: alg }).join('\n');
    expect(problems).toMatch(new RegExp(`unsupported algorithm ${alg} \\(supported: RS256, RS384, RS512, PS256, `));
    expect(problems).not.toMatch(/must not contain/);
  });

  it('refuses unknown algorithms and a bad timeout', () => {
    expect(problemsOf({ ...JWT_ENV, JWT_ALLOWED_ALGORITHMS: 'RS257' }).join('\n')).toMatch(
      /unsupported algorithm RS257/,
    );
    expect(problemsOf({ ...JWT_ENV, JWT_JWKS_TIMEOUT_MS: '-1' }).join('\n')).toMatch(/JWT_JWKS_TIMEOUT_MS/);
  });

  it('refuses a plain-http JWKS URL except on loopback or when explicitly allowed', () => {
    expect(problemsOf({ ...JWT_ENV, JWT_JWKS_URL: 'http://idp.example/jwks' }).join('\n')).toMatch(/must use https/);
    expect(() => readAuthorizerConfig({ ...JWT_ENV, JWT_JWKS_URL: 'http://127.0.0.1:8080/jwks' })).not.toThrow();
    expect(() => readAuthorizerConfig({ ...JWT_ENV, JWT_JWKS_URL: 'http://localhost:8080/jwks' })).not.toThrow();
    expect(() =>
      readAuthorizerConfig({ ...JWT_ENV, JWT_JWKS_URL: 'http://mock-idp:8080/jwks', JWT_JWKS_ALLOW_HTTP: 'true' }),
    ).not.toThrow();
  });

  it.each([
    ['no STATIC_TOKENS', {}, /STATIC_TOKENS is required/],
    ['an empty array', { STATIC_TOKENS: '[]' }, /at least one token/],
    ['not JSON', { STATIC_TOKENS: 'supersecret' }, /not valid JSON/],
    ['not an array of strings', { STATIC_TOKENS: '[1,2]' }, /JSON array of strings/],
    ['a token with a space', { STATIC_TOKENS: '["two words"]' }, /STATIC_TOKENS\[0\] is not a valid bearer token/],
  ])('refuses static mode with %s', (_name, env, message) => {
    expect(problemsOf({ AUTH_MODE: 'static', ...env }).join('\n')).toMatch(message);
  });

  it('never echoes a static token in its error message', () => {
    const problems = problemsOf({ STATIC_TOKENS: '["ok-token","bad token-secret-value"]' });
    expect(problems.join('\n')).not.toContain('secret-value');
    expect(problemsOf({ STATIC_TOKENS: 'supersecret-not-json' }).join('\n')).not.toContain('supersecret');
  });

  it('refuses an unknown AUTH_MODE', () => {
    expect(problemsOf({ AUTH_MODE: 'cognito' }).join('\n')).toMatch(/AUTH_MODE must be "static" or "jwt"/);
  });
});

describe('bearer parsing', () => {
  it('extracts the token whatever the scheme case', () => {
    expect(parseBearer('Bearer abc')).toEqual({ ok: true, token: 'abc' });
    expect(parseBearer('bEaReR  abc==')).toEqual({ ok: true, token: 'abc==' });
    expect(parseBearer('  Bearer abc  ')).toEqual({ ok: true, token: 'abc' });
  });

  it('refuses values over 8 KiB before parsing them', () => {
    const exactly = `Bearer ${'a'.repeat(MAX_AUTHORIZATION_BYTES - 7)}`;
    expect(parseBearer(exactly)).toMatchObject({ ok: true });
    expect(parseBearer(`${exactly}a`)).toEqual({ ok: false, reason: 'oversize' });
  });
});

describe('policy resource', () => {
  it('widens a method ARN to every method and path of the stage', () => {
    expect(apiWideResource('arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/POST/mcp')).toBe(
      'arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/*/*',
    );
    expect(apiWideResource('arn:aws-cn:execute-api:cn-north-1:123456789012:abc123/prod/GET/')).toBe(
      'arn:aws-cn:execute-api:cn-north-1:123456789012:abc123/prod/*/*',
    );
    expect(apiWideResource('arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/a/b:c/d')).toBe(
      'arn:aws:execute-api:us-east-1:123456789012:abc123/dev/*/*',
    );
  });

  it.each([
    undefined,
    '',
    'not-an-arn',
    'arn:aws:lambda:us-east-1:123456789012:function:x',
    'arn:aws:execute-api:us-east-1:123456789012:abc123',
  ])('refuses %s (a gateway fault: 500, not 401)', (arn) => {
    expect(() => apiWideResource(arn)).toThrow(InvalidMethodArnError);
  });
});
