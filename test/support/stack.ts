import { randomBytes } from 'node:crypto';
import { buildIfStale } from '../../shared/build-if-stale.ts';
import { startStack, type RunningStack, type StartStackOptions } from '../../emulator/stack.ts';

/** Starts the embedded stack on a free loopback port with a fresh static token. */
export async function startTestStack(options: StartStackOptions = {}): Promise<RunningStack & { token: string }> {
  await buildIfStale(() => undefined);
  const token = `test-${randomBytes(18).toString('base64url')}`;
  const stack = await startStack({ port: 0, fallbackTokens: [token], ...options });
  return Object.assign(stack, { token: stack.tokens[0]! });
}
