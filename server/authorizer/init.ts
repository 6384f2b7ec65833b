import type { Logger } from '@aws-lambda-powertools/logger';
import type { Env } from '../env.ts';
import { createAuthorizer, type AuthorizerHandler } from './authorizer.ts';
import { readAuthorizerConfig } from './config.ts';

/**
 * The authorizer of one execution environment, from its environment variables. A bad config is
 * reported as one CRITICAL log line naming every problem; the handler then throws that error on
 * every invocation, which API Gateway answers with 500: the authorizer never fails open.
 */
export function initAuthorizer(logger: Logger, env: Env = process.env): AuthorizerHandler {
  try {
    return createAuthorizer(readAuthorizerConfig(env), { logger });
  } catch (error) {
    logger.critical('Authorizer configuration rejected; every request fails with 500 until it is fixed', { error });
    return async () => {
      throw error;
    };
  }
}
