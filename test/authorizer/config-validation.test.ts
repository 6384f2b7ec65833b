/**
 * Fail-closed configuration: a configuration built in code (tests, the embedded stack) is checked by
 * `createAuthorizer` with the same rules as the environment path, and the JWKS URL must be https
 * unless it is on a loopback host (RFC 6890: 127.0.0.0/8 and ::1; RFC 6761: `localhost`). A JWKS
 * fetched over plain http from any other host could be swapped in transit, and with it every key.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { createAuthorizer } from '../../server/authorizer/authorizer.ts';
import {
  AuthorizerConfigError,
  readAuthorizerConfig,
  validateAuthorizerConfig,
  type AuthorizerConfig,
  type JwtAuthConfig,
} from '../../server/authorizer/config.ts';

const logger = new Logger({ serviceName: 'mcp-authorizer-test', logLevel: 'SILENT' });

const JWT: JwtAuthConfig = {
  mode: 'jwt',
  issuer: 'https://auth.example.test/',
  jwksUrl: new URL('https://auth.example.test/.well-known/jwks.json'),
  audience: ['https://mcp.example.test/dev/mcp'],
  audienceClaim: 'aud',
  requiredScopes: [],
  allowedAlgorithms: ['RS256'],
  clockToleranceSeconds: 30,
  jwksTimeoutMs: 3000,
  jwksCacheMaxAgeMs: 600_000,
  jwksCooldownMs: 30_000,
};

function problemsOf(config: AuthorizerConfig): readonly string[] {
  try {
    createAuthorizer(config, { logger });
  } catch (error) {
    expect(error).toBeInstanceOf(AuthorizerConfigError);
    return (error as AuthorizerConfigError).problems;
  }
  throw new Error('expected createAuthorizer to refuse the configuration');
}

describe('a configuration built in code', () => {
  it('accepts a valid static and a valid jwt configuration, returning it unchanged', () => {
    const staticConfig: AuthorizerConfig = { mode: 'static', tokens: ['abc-123', 'def.456=='] };
    expect(validateAuthorizerConfig(staticConfig)).toBe(staticConfig);
    expect(validateAuthorizerConfig(JWT)).toBe(JWT);
    expect(
      validateAuthorizerConfig({ ...JWT, audienceClaim: 'client_id', allowedAlgorithms: ['ES256', 'EdDSA'] }),
    ).toMatchObject({ mode: 'jwt' });
    expect(typeof createAuthorizer(staticConfig, { logger })).toBe('function');
  });

  it.each<[string, AuthorizerConfig, RegExp]>([
    [
      'static mode without tokens (nobody could get in, or worse, anyone)',
      { mode: 'static', tokens: [] },
      /at least one token/,
    ],
    [
      'a static token that is not RFC 6750 b64token syntax',
      { mode: 'static', tokens: ['ok', 'two words'] },
      /tokens\[1\] is not a valid bearer token/,
    ],
    ['an empty static token', { mode: 'static', tokens: [''] }, /tokens\[0\] is not a valid bearer token/],
    ['jwt mode without an issuer', { ...JWT, issuer: '' }, /issuer/],
    ['jwt mode without an audience (RFC 8707: tokens must be for this resource)', { ...JWT, audience: [] }, /audience/],
    ['an audience claim other than aud or client_id', { ...JWT, audienceClaim: 'azp' as 'aud' }, /audienceClaim/],
    ['no algorithm at all', { ...JWT, allowedAlgorithms: [] }, /at least one algorithm/],
    ['alg none (unsigned tokens)', { ...JWT, allowedAlgorithms: ['RS256', 'none'] }, /algorithm none is not allowed/],
    [
      'HS256 (the public JWKS would become the HMAC secret)',
      { ...JWT, allowedAlgorithms: ['HS256'] },
      /algorithm HS256 is not allowed/,
    ],
  ])('refuses %s, at creation', (_name, config, problem) => {
    const problems = problemsOf(config);
    expect(problems.join('\n')).toMatch(problem);
    expect(() => validateAuthorizerConfig(config)).toThrow(AuthorizerConfigError);
  });

  it('names every problem at once', () => {
    const problems = problemsOf({ ...JWT, issuer: '', audience: [], allowedAlgorithms: ['none', 'HS512'] });
    expect(problems).toHaveLength(4);
    expect(problems.length).toBe(new Set(problems).size);
  });

  it('the error message lists the problems', () => {
    expect(() => validateAuthorizerConfig({ mode: 'static', tokens: [] })).toThrow(
      /^Invalid authorizer configuration: .*at least one token/,
    );
  });
});

describe('the JWKS URL from the environment', () => {
  const env = {
    AUTH_MODE: 'jwt',
    JWT_ISSUER: 'https://auth.example.test/',
    JWT_AUDIENCE: 'https://mcp.example.test/dev/mcp',
  };
  const read =
    (url: string, extra: Record<string, string> = {}) =>
    () =>
      readAuthorizerConfig({ ...env, JWT_JWKS_URL: url, ...extra });

  it.each([
    'https://auth.example.test/.well-known/jwks.json',
    'http://127.0.0.1:8080/jwks',
    'http://127.255.0.9/jwks',
    'http://localhost:8080/jwks',
    'http://[::1]:8080/jwks',
  ])('accepts %s', (url) => {
    expect(read(url)).not.toThrow();
    expect((readAuthorizerConfig({ ...env, JWT_JWKS_URL: url }) as JwtAuthConfig).jwksUrl.href).toBe(new URL(url).href);
  });

  it.each([
    ['a public host', 'http://auth.example.test/jwks'],
    ['a host that only starts like a loopback address', 'http://127.0.0.1.evil.example/jwks'],
    ['a host that only starts with localhost', 'http://localhost.evil.example/jwks'],
    ['a private, non-loopback address', 'http://10.0.0.1/jwks'],
  ])('refuses plain http on %s', (_name, url) => {
    expect(read(url)).toThrow(/must use https/);
  });

  it('accepts plain http on another host only with JWT_JWKS_ALLOW_HTTP=true exactly', () => {
    expect(read('http://mock-idp:8080/jwks', { JWT_JWKS_ALLOW_HTTP: 'true' })).not.toThrow();
    expect(read('http://mock-idp:8080/jwks', { JWT_JWKS_ALLOW_HTTP: '1' })).toThrow(/must use https/);
    expect(read('http://mock-idp:8080/jwks', { JWT_JWKS_ALLOW_HTTP: 'TRUE' })).toThrow(/must use https/);
  });

  it.each(['ftp://auth.example.test/jwks', 'file:///etc/jwks.json', 'data:application/json,{}', 'ws://127.0.0.1/jwks'])(
    'refuses a non-http(s) scheme: %s',
    (url) => {
      expect(read(url)).toThrow(/must be an http\(s\) URL/);
      expect(read(url, { JWT_JWKS_ALLOW_HTTP: 'true' })).toThrow(/must be an http\(s\) URL/);
    },
  );

  it('refuses a value that is not a URL, and a missing one', () => {
    expect(read('jwks.json')).toThrow(/JWT_JWKS_URL is not a URL/);
    expect(read('   ')).toThrow(/JWT_JWKS_URL is required/);
  });
});
