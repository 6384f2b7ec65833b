/**
 * The embedded stack with the authorizer's test-only fault hook switched on
 * (`AUTHORIZER_FAULT_TOKENS=on`, server/authorizer/fault-injection.ts): bearer tokens starting with
 * `fault-crash.` end the authorizer's process, `fault-hang.` ones run into its timeout.
 */
import type { StartStackOptions } from '../../../emulator/stack.ts';
import { FAULT_TOKENS_VARIABLE } from '../../../server/authorizer/fault-injection.ts';
import { startTestStack } from '../../support/stack.ts';

export { CRASH_TOKEN_PREFIX, HANG_TOKEN_PREFIX } from '../../../server/authorizer/fault-injection.ts';

type TestStack = Awaited<ReturnType<typeof startTestStack>>;

export function startStackWithAuthorizerFaults(options: StartStackOptions): Promise<TestStack> {
  return startTestStack({ ...options, authorizerEnvironment: { ...options.authorizerEnvironment, [FAULT_TOKENS_VARIABLE]: 'on' } });
}
