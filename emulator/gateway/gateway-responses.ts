/**
 * API Gateway's own answers (gateway responses), with their default status codes from
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
 * and the `{"message": ...}` bodies of the default template.
 */
import type { GatewayHttpResponse } from '../../server/gateway/proxy-event.ts';
import type { GatewayResponseCustomisations } from './terraform-gateway-responses.ts';

export type GatewayResponseType =
  | 'UNAUTHORIZED'
  | 'ACCESS_DENIED'
  | 'AUTHORIZER_FAILURE'
  | 'AUTHORIZER_CONFIGURATION_ERROR'
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'THROTTLED'
  | 'REQUEST_TOO_LARGE'
  | 'INTEGRATION_TIMEOUT'
  | 'LAMBDA_INVOKE_REJECTED'
  | 'LAMBDA_FUNCTION_ERROR';

interface GatewayResponseDefault {
  readonly statusCode: number;
  /** `$context.error.messageString` of the default template; null renders as JSON null. */
  readonly message: string | null;
  /** The explicit-deny answer is the one default body that spells its key `Message`. */
  readonly messageKey?: 'Message';
}

const DEFAULTS: Record<GatewayResponseType, GatewayResponseDefault> = {
  UNAUTHORIZED: { statusCode: 401, message: 'Unauthorized' },
  ACCESS_DENIED: {
    statusCode: 403,
    message: 'User is not authorized to access this resource with an explicit deny',
    messageKey: 'Message',
  },
  AUTHORIZER_FAILURE: { statusCode: 500, message: null },
  AUTHORIZER_CONFIGURATION_ERROR: { statusCode: 500, message: null },
  // Unknown routes and methods answer this, not 404.
  MISSING_AUTHENTICATION_TOKEN: { statusCode: 403, message: 'Missing Authentication Token' },
  THROTTLED: { statusCode: 429, message: 'Too Many Requests' },
  REQUEST_TOO_LARGE: { statusCode: 413, message: 'Request Too Long' },
  INTEGRATION_TIMEOUT: { statusCode: 504, message: 'Endpoint request timed out' },
  // "If the Lambda API rejects the invocation request, API Gateway returns a 500 error code. If the
  // function runs but returns an error, or returns a response in the wrong format, API Gateway
  // returns a 502. In both cases, the body ... is {"message": "Internal server error"}."
  // (https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html)
  LAMBDA_INVOKE_REJECTED: { statusCode: 500, message: 'Internal server error' },
  LAMBDA_FUNCTION_ERROR: { statusCode: 502, message: 'Internal server error' },
};

/**
 * Renders a gateway response: the default status and body of its type, or what Terraform's
 * `aws_api_gateway_gateway_response` sets instead (status, headers, JSON template). The one
 * template variable our Terraform uses, `$context.error.messageString`, is the quoted message.
 */
export function gatewayResponse(
  type: GatewayResponseType,
  requestId: string,
  customisations: GatewayResponseCustomisations = {},
  requestHeader: (name: string) => string | undefined = () => undefined,
): GatewayHttpResponse {
  const defaults = DEFAULTS[type];
  const custom = customisations[type];
  const body =
    custom?.jsonTemplate !== undefined
      ? custom.jsonTemplate.replaceAll('$context.error.messageString', JSON.stringify(defaults.message))
      : JSON.stringify({ [defaults.messageKey ?? 'message']: defaults.message });
  return {
    statusCode: custom?.statusCode ?? defaults.statusCode,
    headers: [
      ['content-type', 'application/json'],
      ['x-amzn-requestid', requestId],
      ['x-amzn-errortype', errorTypeHeader(type)],
      ...Object.entries(custom?.headers ?? {}).flatMap(([name, value]): Array<[string, string]> => {
        // A header mapped from a request header the request did not send is left out.
        const resolved = typeof value === 'string' ? value : requestHeader(value.requestHeader);
        return resolved === undefined ? [] : [[name, resolved]];
      }),
    ],
    body: Buffer.from(body),
  };
}

function errorTypeHeader(type: GatewayResponseType): string {
  switch (type) {
    case 'UNAUTHORIZED':
      return 'UnauthorizedException';
    case 'ACCESS_DENIED':
      return 'AccessDeniedException';
    case 'MISSING_AUTHENTICATION_TOKEN':
      return 'MissingAuthenticationTokenException';
    case 'THROTTLED':
      return 'TooManyRequestsException';
    case 'REQUEST_TOO_LARGE':
      return 'RequestEntityTooLargeException';
    default:
      return 'InternalServerErrorException';
  }
}
