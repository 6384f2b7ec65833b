/**
 * Authorizer faults on demand, so the embedded stack's reliability tests can prove what API Gateway
 * answers when the authorizer function itself fails (crashes, or runs into its timeout) while other
 * requests keep being authorized. Switched on only by `AUTHORIZER_FAULT_TOKENS=on`, which Terraform
 * never sets; without it the hook is not even installed (see createAuthorizer).
 *
 * When on, only a bearer token with a fault prefix triggers a fault; every other token is verified
 * as usual, so one client's fault does not hide anyone else's traffic:
 * - `fault-crash.…` ends the process mid-invocation (Lambda: Runtime.ExitError)  → gateway 500
 * - `fault-hang.…`  never answers, so the function timeout ends it (Sandbox.Timedout) → gateway 500
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Env } from '../env.ts';
import type { AuthorizerHandler } from './authorizer.ts';
import { parseBearer } from './bearer.ts';
import { authorizationFromEvent } from './event.ts';

export const FAULT_TOKENS_VARIABLE = 'AUTHORIZER_FAULT_TOKENS';
export const CRASH_TOKEN_PREFIX = 'fault-crash.';
export const HANG_TOKEN_PREFIX = 'fault-hang.';
/** What Lambda reports as `Runtime exited with error: exit status 1`. */
export const CRASH_EXIT_CODE = 1;

export type AuthorizerFault = 'crash' | 'hang';

/** Exactly `on` (as `MCP_FAULT_TOOLS`): a stray `true` or `1` must not arm a production function. */
export function faultTokensEnabled(env: Env): boolean {
  return env[FAULT_TOKENS_VARIABLE] === 'on';
}

export function faultOf(event: unknown): AuthorizerFault | undefined {
  const header = authorizationFromEvent(event);
  if (header === null) return undefined;
  const bearer = parseBearer(header);
  if (!bearer.ok) return undefined;
  if (bearer.token.startsWith(CRASH_TOKEN_PREFIX)) return 'crash';
  if (bearer.token.startsWith(HANG_TOKEN_PREFIX)) return 'hang';
  return undefined;
}

export function withFaultTokens(handler: AuthorizerHandler, logger: Logger): AuthorizerHandler {
  return (event, context) => {
    const fault = faultOf(event);
    if (fault === undefined) return handler(event, context);
    // Logged first, with the request id, so the log stream says why the environment died or went silent.
    if (context) logger.addContext(context);
    logger.warn('Injected authorizer fault', { fault });
    if (fault === 'crash') process.exit(CRASH_EXIT_CODE);
    return new Promise(() => {
      // Never settles: the function timeout ends the invocation, as it would a hung dependency.
    });
  };
}
