/**
 * Bearer credentials (RFC 6750 section 2.1): `Authorization: Bearer <b64token>`, scheme matched
 * case-insensitively (RFC 9110 section 11.1), one or more spaces before the token.
 */

/** Larger `Authorization` values are refused before any parsing. */
export const MAX_AUTHORIZATION_BYTES = 8 * 1024;

const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * The TOKEN authorizer's `identity_validation_expression` that matches what this module accepts:
 * API Gateway answers 401 without invoking the function when the header does not match
 * ("Input to an API Gateway Lambda authorizer", TOKEN input format:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html).
 */
export const IDENTITY_VALIDATION_EXPRESSION = '^[Bb][Ee][Aa][Rr][Ee][Rr] +[-A-Za-z0-9._~+/]+=*$';

export type BearerRejection = 'missing' | 'oversize' | 'wrong-scheme' | 'malformed';

export type BearerResult =
  | { readonly ok: true; readonly token: string }
  | { readonly ok: false; readonly reason: BearerRejection };

export function isBearerTokenSyntax(token: string): boolean {
  // B64TOKEN needs at least one character, so an empty token is refused too.
  return Buffer.byteLength(token, 'utf8') <= MAX_AUTHORIZATION_BYTES && B64TOKEN.test(token);
}

export function parseBearer(headerValue: string | undefined): BearerResult {
  if (typeof headerValue !== 'string' || headerValue.trim() === '') return { ok: false, reason: 'missing' };
  // Size first, so no later step ever scans an attacker-sized string.
  if (Buffer.byteLength(headerValue, 'utf8') > MAX_AUTHORIZATION_BYTES) return { ok: false, reason: 'oversize' };
  const value = headerValue.trim();
  const space = value.indexOf(' ');
  const scheme = space === -1 ? value : value.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') return { ok: false, reason: 'wrong-scheme' };
  const token = space === -1 ? '' : value.slice(space).replace(/^ +/, '');
  if (!B64TOKEN.test(token)) return { ok: false, reason: 'malformed' };
  return { ok: true, token };
}
