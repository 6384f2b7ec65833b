import { createHash } from 'node:crypto';

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** A short, non-reversible handle for a token in logs (12 hex digits of its SHA-256). */
export function tokenFingerprint(token: string): string {
  return sha256(token).toString('hex').slice(0, 12);
}
