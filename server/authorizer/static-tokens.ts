/**
 * Static bearer tokens compared in constant time. Both sides are hashed with SHA-256 first so that
 * `timingSafeEqual` always compares 32 bytes: neither the token's length nor the position of the
 * first differing byte shows in the timing. Every configured token is compared on every call (no
 * early exit), so neither does which one matched.
 */
import { timingSafeEqual } from 'node:crypto';
import { sha256 } from './fingerprint.ts';
import type { TokenVerifier } from './identity.ts';

export function createStaticTokenVerifier(tokens: readonly string[]): TokenVerifier {
  const digests = tokens.map(sha256);
  return async (token) => {
    const presented = sha256(token);
    let matched = -1;
    digests.forEach((digest, index) => {
      if (timingSafeEqual(digest, presented) && matched === -1) matched = index;
    });
    if (matched === -1) return { kind: 'unauthorized', reason: 'unknown-static-token' };
    // The principal names the token's position in the configuration, never the token itself.
    const principalId = `static-token-${matched + 1}`;
    return { kind: 'allow', identity: { principalId, clientId: principalId, scopes: [] } };
  };
}
