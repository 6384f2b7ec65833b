/**
 * The event API Gateway invokes a Lambda authorizer with ("Input to an API Gateway Lambda
 * authorizer": https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html;
 * test/fixtures/aws-events/ holds the documented examples). A TOKEN authorizer receives only the
 * identity source value and the method ARN; a REQUEST authorizer receives the request as a proxy
 * integration would (headers, query string, path, stage variables, request context) plus the
 * method ARN, without the body and before any authorizer context exists.
 */
import { toProxyEvent, type GatewayHttpRequest, type GatewayRoute } from './proxy-event-builder.ts';

export interface TokenAuthorizerEvent {
  readonly type: 'TOKEN';
  readonly authorizationToken: string;
  readonly methodArn: string;
}

export type RequestAuthorizerEvent = Omit<ReturnType<typeof toProxyEvent>, 'body' | 'isBase64Encoded'> & {
  readonly type: 'REQUEST';
  readonly methodArn: string;
};

export function tokenAuthorizerEvent(identity: string, methodArn: string): TokenAuthorizerEvent {
  return { type: 'TOKEN', authorizationToken: identity, methodArn };
}

export function requestAuthorizerEvent(
  request: GatewayHttpRequest,
  route: GatewayRoute,
  methodArn: string,
): RequestAuthorizerEvent {
  const {
    body: _body,
    isBase64Encoded: _encoded,
    ...event
  } = toProxyEvent(request, { ...route, authorizer: undefined });
  return { type: 'REQUEST', methodArn, ...event };
}
