/**
 * Lambda entry of the API Gateway TOKEN authorizer (REQUEST events are accepted too). The config is
 * read and the verifier (with its JWKS cache) built once per execution environment.
 *
 * A bad config is reported at init as one CRITICAL log line naming every problem; the module still
 * loads (so tooling can import the bundle) and every invocation then throws that error, which API
 * Gateway answers with 500: the authorizer never fails open. See server/authorizer/README.md.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createAuthorizer, type AuthorizerHandler } from '../authorizer/authorizer.ts';
import { readAuthorizerConfig } from '../authorizer/config.ts';

// Terraform sets POWERTOOLS_SERVICE_NAME to the function name; an explicit option would override it.
const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'mcp-authorizer' });

function init(): AuthorizerHandler {
  try {
    return createAuthorizer(readAuthorizerConfig(), { logger });
  } catch (error) {
    logger.critical('Authorizer configuration rejected; every request fails with 500 until it is fixed', { error });
    return async () => {
      throw error;
    };
  }
}

export const handler: AuthorizerHandler = init();
