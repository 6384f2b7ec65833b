/**
 * The function's side of the proxy integration against the events AWS documents
 * (test/fixtures/aws-events/): what request the MCP route sees in a documented event, what the
 * authorizer reads from the documented TOKEN and REQUEST events, and that results follow the
 * documented output format. Expected values are read off the documentation, not the code.
 */
import { describe, expect, it } from 'vitest';
import { authorizationFromEvent, methodArnOf } from '../../server/authorizer/event.ts';
import { headersFromProxyEvent, toProxyResult, type ProxyEvent } from '../../server/gateway/proxy-event.ts';
import { mcpRequestFromProxyEvent } from '../../server/lambda/mcp-route.ts';
import {
  documentedProxyEvent,
  documentedRequestAuthorizerEvent,
  documentedTokenAuthorizerEvent,
} from '../support/aws-events.ts';

const asProxyEvent = (event: unknown): ProxyEvent => event as ProxyEvent;

describe('the documented REST proxy event, as the function reads it', () => {
  it('carries the URL the client called: scheme from X-Forwarded-Proto, Host, path and every query value', () => {
    const request = mcpRequestFromProxyEvent(asProxyEvent(documentedProxyEvent()));
    expect(request.url).toBe(
      'https://gy415nuibc.execute-api.us-east-1.amazonaws.com/hello/world?name=me&multivalueName=you&multivalueName=me',
    );
    expect(request.method).toBe('POST');
    expect(request.body).toBe('{\r\n\t"a": 1\r\n}');
    expect(request.headers.get('headername')).toBe('headerValue');
    expect(request.headers.get('x-forwarded-for')).toBe('54.240.196.186, 54.182.214.83');
  });

  it('keeps the scheme the gateway reports (http behind a plain-HTTP front) instead of assuming https', () => {
    const event = documentedProxyEvent();
    event.headers['X-Forwarded-Proto'] = 'http';
    event.multiValueHeaders['X-Forwarded-Proto'] = ['http'];
    expect(new URL(mcpRequestFromProxyEvent(asProxyEvent(event)).url).protocol).toBe('http:');
  });

  it('falls back to queryStringParameters when the multi-value map is absent, and to no query at all', () => {
    const single = documentedProxyEvent();
    single.multiValueQueryStringParameters = null;
    expect(new URL(mcpRequestFromProxyEvent(asProxyEvent(single)).url).search).toBe('?name=me&multivalueName=me');
    const none = { ...documentedProxyEvent(), queryStringParameters: null, multiValueQueryStringParameters: null };
    expect(new URL(mcpRequestFromProxyEvent(asProxyEvent(none)).url).search).toBe('');
  });

  it('sees each documented header once, and every value of a repeated one from multiValueHeaders', () => {
    const event = documentedProxyEvent();
    expect(headersFromProxyEvent(asProxyEvent(event))).toHaveLength(19);
    event.multiValueHeaders.Accept = ['application/json', 'text/event-stream'];
    event.headers.Accept = 'text/event-stream';
    const accept = headersFromProxyEvent(asProxyEvent(event)).filter(([name]) => name === 'Accept');
    expect(accept).toEqual([
      ['Accept', 'application/json'],
      ['Accept', 'text/event-stream'],
    ]);
  });
});

describe('results in the documented output format', () => {
  const FORMAT_KEYS = ['body', 'headers', 'isBase64Encoded', 'multiValueHeaders', 'statusCode'];

  it('uses only the documented keys; repeated headers go to multiValueHeaders, single ones to headers', () => {
    const result = toProxyResult({
      statusCode: 200,
      headers: [
        ['content-type', 'application/json'],
        ['set-cookie', 'a=1'],
        ['set-cookie', 'b=2'],
      ],
      body: Buffer.from('{"ok":true}'),
    });
    expect(Object.keys(result).sort()).toEqual(FORMAT_KEYS);
    expect(result).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] },
      body: '{"ok":true}',
      isBase64Encoded: false,
    });
  });

  it('sends a binary body base64 with isBase64Encoded, as the format requires for binary media', () => {
    const result = toProxyResult({
      statusCode: 200,
      headers: [['content-type', 'image/png']],
      body: Buffer.from([0x89, 0x50, 0x4e, 0x47]),
    });
    expect(result).toMatchObject({ body: 'iVBORw==', isBase64Encoded: true });
  });
});

describe('the documented authorizer events, as the authorizer reads them', () => {
  it('TOKEN: the caller-supplied token and the method ARN', () => {
    const event = documentedTokenAuthorizerEvent();
    expect(authorizationFromEvent(event)).toBe('allow');
    expect(methodArnOf(event)).toBe('arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/*/GET/');
  });

  it('REQUEST: no Authorization header in the documented example; one added to its headers is found', () => {
    const event = documentedRequestAuthorizerEvent();
    expect(authorizationFromEvent(event)).toBeUndefined();
    expect(methodArnOf(event)).toBe('arn:aws:execute-api:us-east-1:123456789012:s4x3opwd6i/test/GET/request');
    event.headers.Authorization = 'Bearer abc.def.ghi';
    expect(authorizationFromEvent(event)).toBe('Bearer abc.def.ghi');
  });
});
