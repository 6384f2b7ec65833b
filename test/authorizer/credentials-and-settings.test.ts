/**
 * Where the credential is read from and how it is parsed, and the remaining settings rules:
 * - `Authorization: Bearer <b64token>`, b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" /
 *   "/" ) *"=" (RFC 6750 section 2.1), scheme case-insensitive (RFC 9110 section 11.1);
 * - TOKEN events carry the identity source as `authorizationToken`, REQUEST events the request's
 *   `headers` and `multiValueHeaders` ("Input to an API Gateway Lambda authorizer",
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html);
 *   HTTP header names are case-insensitive (RFC 9110 section 5.1), so two spellings are two values;
 * - JWS algorithms are the asymmetric ones of RFC 7518 section 3.1 and RFC 8037 (EdDSA) / RFC 9864
 *   (Ed25519); SHA-256 fingerprints (FIPS 180-4 test vector "abc").
 */
import { describe, expect, it } from 'vitest';
import {
  IDENTITY_VALIDATION_EXPRESSION,
  isBearerTokenSyntax,
  MAX_AUTHORIZATION_BYTES,
  parseBearer,
} from '../../server/authorizer/bearer.ts';
import {
  AuthorizerConfigError,
  readAuthorizerConfig,
  validateAuthorizerConfig,
} from '../../server/authorizer/config.ts';
import { authorizationFromEvent, methodArnOf } from '../../server/authorizer/event.ts';
import { tokenFingerprint } from '../../server/authorizer/fingerprint.ts';
import { createStaticTokenVerifier } from '../../server/authorizer/static-tokens.ts';

describe('bearer credentials (RFC 6750 section 2.1)', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER   A-Z.a_z~0+9/==', 'A-Z.a_z~0+9/=='],
    [' Bearer abc ', 'abc'],
  ])('accepts %j', (header, token) => {
    expect(parseBearer(header)).toEqual({ ok: true, token });
  });

  it.each([
    [undefined, 'missing'],
    ['', 'missing'],
    ['   ', 'missing'],
    ['Basic dXNlcjpwYXNz', 'wrong-scheme'],
    ['Bearerabc', 'wrong-scheme'],
    ['abc', 'wrong-scheme'],
    ['Bearer', 'malformed'],
    ['Bearer a b', 'malformed'],
    ['Bearer ab=c', 'malformed'],
    ['Bearer =abc', 'malformed'],
    ['Bearer ab,c', 'malformed'],
    ['Bearer abc\tdef', 'malformed'],
  ])('refuses %j as %s', (header, reason) => {
    expect(parseBearer(header)).toEqual({ ok: false, reason });
  });

  // The TOKEN authorizer's identity validation expression (Terraform's default): API Gateway answers
  // 401 without invoking the authorizer when the header does not match it ("Input to an API Gateway
  // Lambda authorizer"), so it must accept exactly the RFC 6750 headers the authorizer accepts.
  it.each([
    ['Bearer abc', true],
    ['bearer abc', true],
    ['bEaReR x', true],
    ['BEARER   A-Z.a_z~0+9/==', true],
    ['Basic dXNlcjpwYXNz', false],
    ['Bearerabc', false],
    ['Bearer', false],
    ['Bearer ', false],
    ['Bearer\tabc', false],
    ['Bearer a b', false],
    ['Bearer ab=c', false],
    ['Bearer =abc', false],
    ['Bearer ab,c', false],
    ['Bearer abc!', false],
    ['xBearer abc', false],
  ])('the identity validation expression judges %j as the parser does (%s)', (header, accepted) => {
    expect(new RegExp(IDENTITY_VALIDATION_EXPRESSION).test(header)).toBe(accepted);
    expect(parseBearer(header).ok).toBe(accepted);
  });

  it('measures the 8 KiB limit in bytes, not characters', () => {
    const twoByteChars = `Bearer ${'é'.repeat(MAX_AUTHORIZATION_BYTES / 2)}`;
    expect(parseBearer(twoByteChars)).toEqual({ ok: false, reason: 'oversize' });
  });

  it('the token syntax check accepts 1 to 8192 bytes of b64token and nothing else', () => {
    expect(isBearerTokenSyntax('a')).toBe(true);
    expect(isBearerTokenSyntax('a'.repeat(MAX_AUTHORIZATION_BYTES))).toBe(true);
    expect(isBearerTokenSyntax('a'.repeat(MAX_AUTHORIZATION_BYTES + 1))).toBe(false);
    expect(isBearerTokenSyntax('')).toBe(false);
    expect(isBearerTokenSyntax('a b')).toBe(false);
    expect(isBearerTokenSyntax('abc==')).toBe(true);
  });
});

describe('the credential in the authorizer event', () => {
  it('reads authorizationToken from a TOKEN event', () => {
    expect(authorizationFromEvent({ type: 'TOKEN', authorizationToken: 'Bearer abc', methodArn: 'x' })).toBe(
      'Bearer abc',
    );
  });

  it('reads Authorization from a REQUEST event in any case, from headers', () => {
    expect(authorizationFromEvent({ headers: { AUTHORIZATION: 'Bearer abc' } })).toBe('Bearer abc');
    expect(
      authorizationFromEvent({
        headers: { authorization: 'Bearer abc' },
        multiValueHeaders: { authorization: ['Bearer abc'] },
      }),
    ).toBe('Bearer abc');
  });

  it('finds nothing in an event that is not an object, has no headers, or a non-string value', () => {
    for (const event of [
      undefined,
      null,
      'Bearer abc',
      42,
      {},
      { headers: null },
      { headers: 'Bearer abc' },
      { headers: { authorization: 7 } },
      { authorizationToken: 7 },
    ]) {
      expect(authorizationFromEvent(event)).toBeUndefined();
    }
  });

  it('calls a header sent twice ambiguous (null), in multiValueHeaders or under two spellings', () => {
    expect(
      authorizationFromEvent({
        headers: { authorization: 'Bearer b' },
        multiValueHeaders: { authorization: ['Bearer a', 'Bearer b'] },
      }),
    ).toBeNull();
    expect(
      authorizationFromEvent({
        headers: { authorization: 'Bearer b' },
        multiValueHeaders: { Authorization: ['Bearer a'], authorization: ['Bearer b'] },
      }),
    ).toBeNull();
    expect(authorizationFromEvent({ headers: { Authorization: 'Bearer a', authorization: 'Bearer b' } })).toBeNull();
    expect(
      authorizationFromEvent({
        headers: { authorization: 'Bearer b' },
        multiValueHeaders: { authorization: 'Bearer b', other: ['x', 'y'] },
      }),
    ).toBe('Bearer b');
    // A malformed event (a bare string in multiValueHeaders) still counts each spelling once: fail closed.
    expect(
      authorizationFromEvent({
        headers: { authorization: 'Bearer b' },
        multiValueHeaders: { Authorization: 'Bearer a', authorization: ['Bearer b'] },
      }),
    ).toBeNull();
  });

  it('reads headers when multiValueHeaders is null (a map API Gateway may send as null)', () => {
    expect(authorizationFromEvent({ headers: { authorization: 'Bearer abc' }, multiValueHeaders: null })).toBe(
      'Bearer abc',
    );
  });

  it('reads the methodArn only when it is a string', () => {
    expect(methodArnOf({ methodArn: 'arn:aws:execute-api:r:a:i/s/GET/' })).toBe('arn:aws:execute-api:r:a:i/s/GET/');
    for (const event of [undefined, null, 'x', { methodArn: 7 }, {}]) expect(methodArnOf(event)).toBeUndefined();
  });
});

describe('static tokens', () => {
  it('names the principal by the position of the first matching token, never by the token', async () => {
    const verify = createStaticTokenVerifier(['tok-a', 'tok-b', 'tok-a']);
    expect(await verify('tok-a')).toEqual({
      kind: 'allow',
      identity: { principalId: 'static-token-1', clientId: 'static-token-1', scopes: [] },
    });
    expect(await verify('tok-b')).toMatchObject({ identity: { principalId: 'static-token-2' } });
    expect(await verify('tok-c')).toEqual({ kind: 'unauthorized', reason: 'unknown-static-token' });
    expect(await verify('tok-')).toMatchObject({ kind: 'unauthorized' });
  });

  it('fingerprints a token as the first 12 hex digits of its SHA-256', () => {
    expect(tokenFingerprint('abc')).toBe('ba7816bf8f01');
  });
});

describe('remaining settings', () => {
  it('accepts every supported asymmetric algorithm', () => {
    const all = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
    const env = {
      AUTH_MODE: 'jwt',
      JWT_ISSUER: 'https://auth.example.test/',
      JWT_JWKS_URL: 'https://auth.example.test/jwks',
      JWT_AUDIENCE: 'https://mcp.example.test/dev/mcp',
      JWT_ALLOWED_ALGORITHMS: all.join(','),
    };
    expect(readAuthorizerConfig(env)).toMatchObject({ allowedAlgorithms: all });
    for (const alg of all) {
      expect(() => validateAuthorizerConfig({ mode: 'static', tokens: ['t'] })).not.toThrow();
      expect(readAuthorizerConfig({ ...env, JWT_ALLOWED_ALGORITHMS: alg })).toMatchObject({ allowedAlgorithms: [alg] });
    }
    expect(() => readAuthorizerConfig({ ...env, JWT_ALLOWED_ALGORITHMS: 'rs256' })).toThrow(AuthorizerConfigError);
    expect(() => readAuthorizerConfig({ ...env, JWT_ALLOWED_ALGORITHMS: ' , ' })).toThrow(/must not be empty/);
  });

  it.each([
    ['0', /JWT_JWKS_TIMEOUT_MS must be a positive integer/],
    ['1.5', /JWT_JWKS_TIMEOUT_MS must be a positive integer/],
    ['soon', /JWT_JWKS_TIMEOUT_MS must be a positive integer/],
  ])('refuses JWT_JWKS_TIMEOUT_MS=%s', (value, problem) => {
    const env = {
      AUTH_MODE: 'jwt',
      JWT_ISSUER: 'i',
      JWT_JWKS_URL: 'https://a.test/j',
      JWT_AUDIENCE: 'a',
      JWT_JWKS_TIMEOUT_MS: value,
    };
    expect(() => readAuthorizerConfig(env)).toThrow(problem);
  });

  it('reads AUTH_MODE case-insensitively and trimmed, an empty timeout as the default, and jwt static tokens not at all', () => {
    const env = {
      AUTH_MODE: ' JWT ',
      JWT_ISSUER: ' i ',
      JWT_JWKS_URL: 'https://a.test/j',
      JWT_AUDIENCE: 'a',
      JWT_JWKS_TIMEOUT_MS: ' ',
      JWT_AUDIENCE_CLAIM: ' ',
    };
    expect(readAuthorizerConfig(env)).toMatchObject({
      mode: 'jwt',
      issuer: 'i',
      jwksTimeoutMs: 3000,
      audienceClaim: 'aud',
    });
    expect(readAuthorizerConfig({ AUTH_MODE: '', STATIC_TOKENS: '["t"]' })).toEqual({ mode: 'static', tokens: ['t'] });
  });
});
