/**
 * The embedded stack with the authorizer's test-only fault hook switched on
 * (`AUTHORIZER_FAULT_TOKENS=on`, test/fixtures/test-server/authorizer-fault-tokens.ts): bearer tokens starting with
 * `fault-crash.` end the authorizer's process, `fault-hang.` ones run into its timeout.
 */
import { FAULT_TOKENS_VARIABLE } from '../../fixtures/test-server/authorizer-fault-tokens.ts';
import { startTestStack, type TestStackOptions } from '../../support/stack.ts';

export { CRASH_TOKEN_PREFIX, HANG_TOKEN_PREFIX } from '../../fixtures/test-server/authorizer-fault-tokens.ts';

type TestStack = Awaited<ReturnType<typeof startTestStack>>;

export function startStackWithAuthorizerFaults(options: TestStackOptions): Promise<TestStack> {
  return startTestStack({
    ...options,
    build: { test: true },
    authorizerEnvironment: { ...options.authorizerEnvironment, [FAULT_TOKENS_VARIABLE]: 'on' },
  });
}
