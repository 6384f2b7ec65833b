import { randomBytes } from 'node:crypto';
import { buildIfStale } from '../../shared/build-if-stale.ts';
import { resolveBuildTarget, type BuildTargetOptions } from '../../shared/build-target.ts';
import { startStack, type RunningStack, type StartStackOptions } from '../../emulator/stack.ts';

export interface TestStackOptions extends StartStackOptions {
  /**
   * Which build to run: the product (`dist/`, default), `{ test: true }` for the test build (the
   * demo plus conformance fixtures and fault hooks, switched by MCP_PROFILE / MCP_FAULT_TOOLS /
   * AUTHORIZER_FAULT_TOKENS), or `{ server, out }` for another server module.
   */
  readonly build?: BuildTargetOptions;
}

/** Starts the embedded stack on a free loopback port with a fresh static token. */
export async function startTestStack(options: TestStackOptions = {}): Promise<RunningStack & { token: string }> {
  const { build, ...stackOptions } = options;
  const target = resolveBuildTarget(build ?? {}, {});
  await buildIfStale(() => undefined, target);
  const token = `test-${randomBytes(18).toString('base64url')}`;
  const stack = await startStack({ port: 0, fallbackTokens: [token], distDir: target.distDir, ...stackOptions });
  return Object.assign(stack, { token: stack.tokens[0]! });
}
