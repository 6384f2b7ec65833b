/**
 * JWT access tokens verified with `jose` against the issuer's JWKS: signature with an allow-listed
 * asymmetric algorithm, `iss`, `aud` (RFC 8707 resource), `exp`/`nbf` with clock tolerance, a `sub`.
 *
 * The remote JWKS is created once per verifier, i.e. once per execution environment, and caches the
 * key set (refetched after `jwksCacheMaxAgeMs`, or on an unknown `kid` once `jwksCooldownMs` has
 * passed). The only I/O is the JWKS fetch, so every failure there is classified as a dependency
 * failure (500) and everything else jose rejects is the token's fault (401). A failed fetch leaves
 * no state behind: the next call fetches again, so the authorizer recovers when the JWKS is back.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { JwtAuthConfig } from './config.ts';
import { AuthorizerDependencyError } from './errors.ts';
import type { Identity, TokenVerifier } from './identity.ts';
import { missingScopes, scopesFromClaims } from './scopes.ts';

/** Three base64url segments; anything else (JWE, garbage) is refused before jose sees it. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Errors from the key lookup that the token caused (its `kid`/`alg` matches no key), not the JWKS. */
const TOKEN_KEY_ERRORS: ReadonlySet<string | undefined> = new Set([
  errors.JWKSNoMatchingKey.code,
  errors.JWKSMultipleMatchingKeys.code,
  errors.JOSENotSupported.code,
]);

function errorCode(error: unknown): string | undefined {
  return error instanceof errors.JOSEError ? error.code : undefined;
}

/** The jose error code, with the failing claim where there is one (e.g. `ERR_JWT_CLAIM_VALIDATION_FAILED:aud`). */
function rejectionReason(error: errors.JOSEError): string {
  return error instanceof errors.JWTClaimValidationFailed ? `${error.code}:${error.claim}` : error.code;
}

function keyResolver(config: JwtAuthConfig): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(config.jwksUrl, {
    timeoutDuration: config.jwksTimeoutMs,
    cacheMaxAge: config.jwksCacheMaxAgeMs,
    cooldownDuration: config.jwksCooldownMs,
  });
  return async (protectedHeader, token) => {
    try {
      return await remote(protectedHeader, token);
    } catch (error) {
      const code = errorCode(error);
      if (TOKEN_KEY_ERRORS.has(code)) throw error;
      // Stryker disable next-line StringLiteral: diagnostic detail of the 500, only logged
      const detail = code ?? (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      // Stryker disable next-line ObjectLiteral: the cause only shows in the log record
      throw new AuthorizerDependencyError(`JWKS unavailable from ${config.jwksUrl.href} (${detail})`, { cause: error });
    }
  };
}

function firstString(...values: unknown[]): string {
  for (const value of values) if (typeof value === 'string' && value.length > 0) return value;
  return '';
}

function identityOf(payload: JWTPayload): Identity {
  return {
    principalId: payload.sub!,
    clientId: firstString(payload.client_id, payload.azp, payload.cid),
    scopes: scopesFromClaims(payload),
  };
}

export function createJwtVerifier(config: JwtAuthConfig): TokenVerifier {
  const getKey = keyResolver(config);
  const audiences = new Set(config.audience);
  const options = {
    issuer: config.issuer,
    // jose checks `aud`; a `client_id` audience (Cognito access tokens) is checked below instead.
    ...(config.audienceClaim === 'aud' ? { audience: [...config.audience] } : {}),
    algorithms: [...config.allowedAlgorithms],
    clockTolerance: config.clockToleranceSeconds,
    requiredClaims: ['exp', 'sub'],
  };
  return async (token) => {
    if (!COMPACT_JWS.test(token)) return { kind: 'unauthorized', reason: 'malformed-jwt' };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, getKey, options));
    } catch (error) {
      const code = errorCode(error);
      if (code !== undefined) return { kind: 'unauthorized', reason: rejectionReason(error as errors.JOSEError) };
      // Not a jose error: the JWKS failed (AuthorizerDependencyError, from keyResolver), or a bug.
      // Either way a 500, never hidden as 401.
      throw error;
    }
    if (config.audienceClaim === 'client_id') {
      const clientId = payload.client_id;
      // A non-string client_id matches no (string) audience.
      if (!(audiences as ReadonlySet<unknown>).has(clientId)) {
        // Stryker disable next-line StringLiteral: the reason is log text only
        return { kind: 'unauthorized', reason: `${errors.JWTClaimValidationFailed.code}:client_id` };
      }
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') {
      // Stryker disable next-line StringLiteral: the reason is log text only
      return { kind: 'unauthorized', reason: 'missing-sub' };
    }
    const identity = identityOf(payload);
    const missing = missingScopes(identity.scopes, config.requiredScopes);
    if (missing.length > 0) {
      // Stryker disable next-line StringLiteral: the reason is log text only
      return { kind: 'deny', identity, reason: `missing-scope:${missing.join(' ')}` };
    }
    return { kind: 'allow', identity };
  };
}
