/**
 * The two ways an authorizer invocation can fail, as API Gateway tells them apart: an error whose
 * message is exactly "Unauthorized" becomes 401 UNAUTHORIZED; any other error becomes 500
 * AUTHORIZER_FAILURE (the AWS example TOKEN authorizer: `callback("Unauthorized")` returns 401,
 * any other error "Invalid token" returns 500 — developer guide, "Use API Gateway Lambda
 * authorizers", https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html;
 * also aws/aws-lambda-go events/README_ApiGatewayCustomAuthorizer.md).
 */
export const UNAUTHORIZED_MESSAGE = 'Unauthorized';

export function unauthorized(): Error {
  return new Error(UNAUTHORIZED_MESSAGE);
}

/** A dependency (the JWKS endpoint) failed: not the caller's fault, so it must not read as 401. */
export class AuthorizerDependencyError extends Error {
  override readonly name = 'AuthorizerDependencyError';
}
