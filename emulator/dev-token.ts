import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A random bearer token for local use when Terraform's `static_tokens` is empty, kept in a
 * git-ignored file so it survives restarts (clients configured once keep working).
 */
export async function localDevToken(file: string): Promise<string> {
  try {
    const token = (await readFile(file, 'utf8')).trim();
    if (token.length >= 32) return token;
  } catch {
    // First start: create it below.
  }
  const token = `dev-${randomBytes(24).toString('base64url')}`;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return token;
}
