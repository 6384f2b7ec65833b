/**
 * JWS algorithms the authorizer may accept: asymmetric ones only. `none` would accept unsigned
 * tokens, and HS* would let anyone holding the (public) JWKS forge tokens by using the public key
 * as an HMAC secret, so neither can ever be configured.
 */
export const SUPPORTED_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

export function isAsymmetricAlgorithm(alg: string): boolean {
  return (SUPPORTED_ALGORITHMS as readonly string[]).includes(alg);
}
