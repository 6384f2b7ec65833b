import { createHash } from 'node:crypto';

/** SHA-256 of the string's UTF-8 bytes (`hash.update` reads a string as UTF-8 when given no encoding). */
export function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** A short, non-reversible handle for a token in logs (12 hex digits of its SHA-256). */
export function tokenFingerprint(token: string): string {
  return sha256(token).toString('hex').slice(0, 12);
}
