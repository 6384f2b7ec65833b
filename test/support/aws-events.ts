/** The AWS-documented events under test/fixtures/aws-events/ (see its README for each source). */
import { readFileSync } from 'node:fs';

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/aws-events/${name}`, import.meta.url), 'utf8')) as T;
}

export interface DocumentedProxyEvent {
  resource: string;
  path: string;
  httpMethod: string;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters: Record<string, string> | null;
  multiValueQueryStringParameters: Record<string, string[]> | null;
  pathParameters: Record<string, string> | null;
  stageVariables: Record<string, string> | null;
  requestContext: Record<string, unknown> & { identity: Record<string, unknown> };
  body: string | null;
  isBase64Encoded: boolean;
}

/** A fresh copy each call, so a test may change it. */
export const documentedProxyEvent = (): DocumentedProxyEvent => fixture('apigateway-rest-proxy-event.json');
export const documentedProxyResult = (): Record<string, unknown> => fixture('apigateway-rest-proxy-result.json');
export const documentedTokenAuthorizerEvent = (): { type: string; authorizationToken: string; methodArn: string } =>
  fixture('apigateway-authorizer-token-event.json');
export const documentedRequestAuthorizerEvent = (): Omit<
  DocumentedProxyEvent,
  'multiValueHeaders' | 'multiValueQueryStringParameters' | 'body' | 'isBase64Encoded'
> & {
  type: string;
  methodArn: string;
} => fixture('apigateway-authorizer-request-event.json');
