import { createHash } from 'node:crypto';

/**
 * What the authorizer documents it logs instead of a token (server/authorizer/README.md): the first
 * 12 hex digits of the token's SHA-256. Written here from that rule, not imported from the code
 * under test, so a test that finds it in the logs checks the implementation against the rule.
 * For literal tokens prefer literal fingerprints (computed with `printf %s TOKEN | sha256sum`).
 */
export function expectedFingerprint(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 12);
}
