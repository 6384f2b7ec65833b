/**
 * Where the credential sits in the authorizer event. TOKEN authorizers receive the identity source
 * header as `authorizationToken`; REQUEST authorizers receive the request's `headers` (last value)
 * and `multiValueHeaders` ("Input to an API Gateway Lambda authorizer":
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html).
 * Terraform lets users pick either type, so both are read here.
 */
import type { APIGatewayRequestAuthorizerEvent, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';

export type AuthorizerEvent = APIGatewayTokenAuthorizerEvent | APIGatewayRequestAuthorizerEvent;

export const AUTHORIZATION_HEADER = 'authorization';

/** The `Authorization` value, `undefined` when absent, or `null` when it is ambiguous (sent twice). */
export function authorizationFromEvent(event: unknown): string | null | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const record = event as Record<string, unknown>;
  if (typeof record.authorizationToken === 'string') return record.authorizationToken;
  const multi = record.multiValueHeaders;
  if (typeof multi === 'object' && multi !== null) {
    const values = Object.entries(multi as Record<string, unknown>)
      .filter(([name]) => name.toLowerCase() === AUTHORIZATION_HEADER)
      .flatMap(([, value]) => (Array.isArray(value) ? value : [value]));
    if (values.length > 1) return null;
  }
  const headers = record.headers;
  if (typeof headers !== 'object' || headers === null) return undefined;
  const found = Object.entries(headers as Record<string, unknown>).filter(
    ([name]) => name.toLowerCase() === AUTHORIZATION_HEADER,
  );
  if (found.length > 1) return null;
  const value = found[0]?.[1];
  return typeof value === 'string' ? value : undefined;
}

export function methodArnOf(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const arn = (event as Record<string, unknown>).methodArn;
  return typeof arn === 'string' ? arn : undefined;
}
