/**
 * The embedded gateway's own answers. Default status codes from "Gateway response types for API
 * Gateway" (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html);
 * the Lambda integration errors' 500/502 `{"message": "Internal server error"}` from "Handle Lambda
 * errors in API Gateway" (https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html);
 * the default body `{"message":$context.error.messageString}` and the `x-amzn-ErrorType` header as
 * API Gateway sends them.
 */
import { describe, expect, it } from 'vitest';
import { gatewayResponse, type GatewayResponseType } from '../../emulator/gateway/gateway-responses.ts';

const REQUEST_ID = 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef';

const DEFAULTS: ReadonlyArray<readonly [GatewayResponseType, number, string, string]> = [
  ['UNAUTHORIZED', 401, '{"message":"Unauthorized"}', 'UnauthorizedException'],
  [
    'ACCESS_DENIED',
    403,
    '{"Message":"User is not authorized to access this resource with an explicit deny"}',
    'AccessDeniedException',
  ],
  ['AUTHORIZER_FAILURE', 500, '{"message":null}', 'InternalServerErrorException'],
  ['AUTHORIZER_CONFIGURATION_ERROR', 500, '{"message":null}', 'InternalServerErrorException'],
  [
    'MISSING_AUTHENTICATION_TOKEN',
    403,
    '{"message":"Missing Authentication Token"}',
    'MissingAuthenticationTokenException',
  ],
  ['THROTTLED', 429, '{"message":"Too Many Requests"}', 'TooManyRequestsException'],
  ['REQUEST_TOO_LARGE', 413, '{"message":"Request Too Long"}', 'RequestEntityTooLargeException'],
  ['INTEGRATION_TIMEOUT', 504, '{"message":"Endpoint request timed out"}', 'InternalServerErrorException'],
  ['LAMBDA_INVOKE_REJECTED', 500, '{"message":"Internal server error"}', 'InternalServerErrorException'],
  ['LAMBDA_FUNCTION_ERROR', 502, '{"message":"Internal server error"}', 'InternalServerErrorException'],
];

describe('gateway responses', () => {
  it.each(DEFAULTS)('%s answers %i with %s by default', (type, status, body, errorType) => {
    const response = gatewayResponse(type, REQUEST_ID);
    expect(response.statusCode).toBe(status);
    expect(response.body.toString('utf8')).toBe(body);
    expect(response.headers).toEqual([
      ['content-type', 'application/json'],
      ['x-amzn-requestid', REQUEST_ID],
      ['x-amzn-errortype', errorType],
    ]);
  });

  it('takes the status, extra headers and JSON template of a customised response, with the message quoted in', () => {
    const response = gatewayResponse('UNAUTHORIZED', REQUEST_ID, {
      UNAUTHORIZED: {
        statusCode: 401,
        headers: {
          'WWW-Authenticate': 'Bearer resource_metadata="https://example.test/.well-known/oauth-protected-resource"',
        },
        jsonTemplate: '{"message":$context.error.messageString,"again":$context.error.messageString}',
      },
    });
    expect(response.statusCode).toBe(401);
    expect(response.body.toString('utf8')).toBe('{"message":"Unauthorized","again":"Unauthorized"}');
    expect(response.headers).toContainEqual([
      'WWW-Authenticate',
      'Bearer resource_metadata="https://example.test/.well-known/oauth-protected-resource"',
    ]);
    expect(response.headers.slice(0, 3)).toEqual([
      ['content-type', 'application/json'],
      ['x-amzn-requestid', REQUEST_ID],
      ['x-amzn-errortype', 'UnauthorizedException'],
    ]);
  });

  it('a customisation without status or template keeps the default status and body; the message can be null', () => {
    const headersOnly = gatewayResponse('ACCESS_DENIED', REQUEST_ID, {
      ACCESS_DENIED: { headers: { 'x-extra': '1' } },
    });
    expect(headersOnly.statusCode).toBe(403);
    expect(JSON.parse(headersOnly.body.toString('utf8'))).toEqual({
      Message: 'User is not authorized to access this resource with an explicit deny',
    });
    expect(headersOnly.headers.at(-1)).toEqual(['x-extra', '1']);
    const failure = gatewayResponse('AUTHORIZER_FAILURE', REQUEST_ID, {
      AUTHORIZER_FAILURE: { statusCode: 503, headers: {}, jsonTemplate: '{"error":$context.error.messageString}' },
    });
    expect([failure.statusCode, failure.body.toString('utf8')]).toEqual([503, '{"error":null}']);
  });

  it('a customisation of another type changes nothing', () => {
    const response = gatewayResponse('THROTTLED', REQUEST_ID, {
      UNAUTHORIZED: { statusCode: 418, headers: { a: 'b' }, jsonTemplate: '{}' },
    });
    expect([response.statusCode, response.body.toString('utf8'), response.headers.length]).toEqual([
      429,
      '{"message":"Too Many Requests"}',
      3,
    ]);
  });
});
