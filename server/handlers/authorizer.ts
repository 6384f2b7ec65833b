/**
 * Lambda entry of the API Gateway TOKEN authorizer (REQUEST events are accepted too). The config is
 * read and the verifier (with its JWKS cache) built once per execution environment.
 *
 * A bad config is reported at init as one CRITICAL log line naming every problem; the module still
 * loads (so tooling can import the bundle) and every invocation then throws that error, which API
 * Gateway answers with 500: the authorizer never fails open. See server/authorizer/README.md.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { AuthorizerHandler } from '../authorizer/authorizer.ts';
import { initAuthorizer } from '../authorizer/init.ts';

// Terraform sets POWERTOOLS_SERVICE_NAME to the function name; an explicit option would override it.
const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'mcp-authorizer' });

export const handler: AuthorizerHandler = initAuthorizer(logger);
