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
  try {
    // Created only if absent: of two stacks starting at once, both end up with the first one's token.
    await writeFile(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return token;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readFile(file, 'utf8')).trim();
  }
}
