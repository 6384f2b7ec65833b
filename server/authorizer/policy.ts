/**
 * The authorizer's answer: a principal, an IAM policy and a context ("Output from an API Gateway
 * Lambda authorizer":
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html).
 *
 * With result caching on, API Gateway caches the policy per identity source and evaluates it for
 * every method that identity calls within the TTL ("make sure the policy applies to all resources
 * and methods in your API": https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html),
 * so the Resource is the whole stage, `.../<apiId>/<stage>/*\/*`, never the one `methodArn`.
 * Context values must be strings, numbers or booleans (no objects or arrays), so scopes travel as
 * one space-separated string.
 */
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { AUTH_CONTEXT_KEYS } from '../gateway/authorizer-context.ts';
import type { AuthMode } from './config.ts';
import type { Identity } from './identity.ts';

export class InvalidMethodArnError extends Error {
  override readonly name = 'InvalidMethodArnError';
}

/** `arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<verb>/<path>` → `.../<apiId>/<stage>/*\/*`. */
export function apiWideResource(methodArn: string | undefined): string {
  const parts = (methodArn ?? '').split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== 'execute-api') {
    throw new InvalidMethodArnError(`methodArn is not an execute-api ARN: ${methodArn ?? '(missing)'}`);
  }
  const [apiId, stage] = parts.slice(5).join(':').split('/');
  if (!apiId || !stage) throw new InvalidMethodArnError(`methodArn lacks an API id or stage: ${methodArn}`);
  return `${parts.slice(0, 5).join(':')}:${apiId}/${stage}/*/*`;
}

export type AuthorizerContextValues = Record<(typeof AUTH_CONTEXT_KEYS)['clientId' | 'scopes' | 'authMode'], string>;

export interface AuthorizerResult extends APIGatewayAuthorizerResult {
  context: AuthorizerContextValues;
}

export function buildPolicy(
  effect: 'Allow' | 'Deny',
  identity: Identity,
  resource: string,
  authMode: AuthMode,
): AuthorizerResult {
  return {
    principalId: identity.principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
    },
    context: {
      [AUTH_CONTEXT_KEYS.clientId]: identity.clientId,
      [AUTH_CONTEXT_KEYS.scopes]: identity.scopes.join(' '),
      [AUTH_CONTEXT_KEYS.authMode]: authMode,
    },
  };
}
