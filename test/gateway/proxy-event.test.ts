/**
 * The one HTTP ⇄ REST API (v1) Lambda proxy mapping, field by field from "Input format of a Lambda
 * function for proxy integration" and "Output format of a Lambda function for proxy integration"
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html)
 * and "Binary media types for REST APIs"
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings.html):
 * `headers`/`queryStringParameters` carry the last value of a repeated name and the multi-value maps
 * all of them, both are null when there is no query string, a binary body arrives base64 with
 * `isBase64Encoded: true`, `requestTime` is in CLF, a malformed proxy result is a 502.
 */
import { describe, expect, it } from 'vitest';
import {
  fromProxyResult,
  MalformedProxyResultError,
  toProxyEvent,
} from '../../emulator/gateway/proxy-event-builder.ts';
import {
  bodyFromProxyEvent,
  headersFromProxyEvent,
  headerValue,
  toProxyResult,
  type ProxyEvent,
  urlFromProxyEvent,
} from '../../server/gateway/proxy-event.ts';
import { gateRequest, gateRoute } from './support.ts';

describe('HTTP request → proxy event', () => {
  it('maps a JSON POST with every documented top-level and requestContext field', () => {
    const body = Buffer.from('{"jsonrpc":"2.0","id":1,"method":"ping"}');
    const event = toProxyEvent(
      gateRequest(
        [
          ['content-type', 'application/json'],
          ['user-agent', 'curl/8.0'],
          ['Authorization', 'Bearer abc'],
        ],
        { body },
      ),
      gateRoute({ authorizer: { principalId: 'user-1', scope: 'mcp:invoke' } }),
    );
    expect(event).toEqual({
      resource: '/mcp',
      path: '/mcp',
      httpMethod: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'curl/8.0', Authorization: 'Bearer abc' },
      multiValueHeaders: {
        'content-type': ['application/json'],
        'user-agent': ['curl/8.0'],
        Authorization: ['Bearer abc'],
      },
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: null,
      stageVariables: null,
      body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
      isBase64Encoded: false,
      requestContext: {
        accountId: '123456789012',
        apiId: 'a1b2c3d4e5',
        authorizer: { principalId: 'user-1', scope: 'mcp:invoke' },
        domainName: 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com',
        domainPrefix: 'a1b2c3d4e5',
        extendedRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
        httpMethod: 'POST',
        identity: {
          accessKey: null,
          accountId: null,
          apiKey: null,
          apiKeyId: null,
          caller: null,
          clientCert: null,
          cognitoAuthenticationProvider: null,
          cognitoAuthenticationType: null,
          cognitoIdentityId: null,
          cognitoIdentityPoolId: null,
          principalOrgId: null,
          sourceIp: '203.0.113.7',
          user: null,
          userAgent: 'curl/8.0',
          userArn: null,
        },
        path: '/dev/mcp',
        protocol: 'HTTP/1.1',
        requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
        requestTime: '09/Apr/2015:12:34:56 +0000',
        requestTimeEpoch: Date.UTC(2015, 3, 9, 12, 34, 56),
        resourceId: '/mcp',
        resourcePath: '/mcp',
        stage: 'dev',
      },
    });
  });

  it('keeps every value of a repeated header in multiValueHeaders and the last one in headers', () => {
    const event = toProxyEvent(
      gateRequest([
        ['cookie', 'a=1'],
        ['x-trace', 't'],
        ['cookie', 'b=2'],
      ]),
      gateRoute(),
    );
    expect(event.headers).toEqual({ cookie: 'b=2', 'x-trace': 't' });
    expect(event.multiValueHeaders).toEqual({ cookie: ['a=1', 'b=2'], 'x-trace': ['t'] });
  });

  it('maps a query string, repeated parameters included, and decodes it', () => {
    const query = new URLSearchParams('a=1&b=two%20words&a=3&empty=');
    const event = toProxyEvent(gateRequest({}, { method: 'GET', query }), gateRoute());
    expect(event.queryStringParameters).toEqual({ a: '3', b: 'two words', empty: '' });
    expect(event.multiValueQueryStringParameters).toEqual({ a: ['1', '3'], b: ['two words'], empty: [''] });
  });

  it('sends no body as null, not as an empty string, and without a user agent identity.userAgent is null', () => {
    const event = toProxyEvent(gateRequest({}, { method: 'GET' }), gateRoute());
    expect([event.body, event.isBase64Encoded, event.requestContext.identity.userAgent]).toEqual([null, false, null]);
    expect(event.requestContext.authorizer).toBeUndefined();
  });

  it.each([
    ['an exact binary media type', 'application/octet-stream', ['application/octet-stream']],
    ['a type wildcard', 'image/png', ['image/*']],
    ['*/* (everything binary)', 'application/json', ['*/*']],
    [
      'a case-insensitive match with parameters',
      'Application/Octet-Stream; charset=binary',
      ['application/octet-stream'],
    ],
    ['a match with blanks around the type', ' application/octet-stream ;x=y', ['application/octet-stream']],
    ['a configured type in upper case', 'application/pdf', ['APPLICATION/PDF']],
  ])('encodes the body base64 for %s', (_name, contentType, binaryMediaTypes) => {
    const body = Buffer.from([0x00, 0xff, 0x10, 0x80]);
    const event = toProxyEvent(gateRequest({ 'Content-Type': contentType }, { body }), gateRoute({ binaryMediaTypes }));
    expect(event.isBase64Encoded).toBe(true);
    expect(event.body).toBe('AP8QgA==');
    expect(bodyFromProxyEvent(event)).toEqual(body);
  });

  it.each([
    ['no binary media types', 'application/octet-stream', []],
    ['another type', 'text/plain', ['application/octet-stream']],
    ['another type family under a wildcard', 'text/plain', ['image/*']],
    ['a type that only starts like the wildcard family', 'imagex/png', ['image/*']],
    ['no content type', undefined, ['application/octet-stream']],
    ['a type that shares all but its last character with a configured one', 'image/pnm', ['image/png']],
  ])('passes the body as text for %s', (_name, contentType, binaryMediaTypes) => {
    const headers: Record<string, string> = contentType === undefined ? {} : { 'content-type': contentType };
    const event = toProxyEvent(gateRequest(headers, { body: Buffer.from('héllo') }), gateRoute({ binaryMediaTypes }));
    expect([event.isBase64Encoded, event.body]).toEqual([false, 'héllo']);
  });
});

describe('requestTime, in Common Log Format (the documented example: "09/Apr/2015:12:34:56 +0000")', () => {
  // CLF: dd/Mon/yyyy:HH:mm:ss +0000, English month abbreviations, two-digit fields.
  it.each([
    [Date.UTC(2024, 0, 5, 3, 4, 7), '05/Jan/2024:03:04:07 +0000'],
    [Date.UTC(2024, 1, 29, 23, 59, 59), '29/Feb/2024:23:59:59 +0000'],
    [Date.UTC(2024, 2, 1, 0, 0, 0), '01/Mar/2024:00:00:00 +0000'],
    [Date.UTC(2024, 3, 10, 10, 10, 10), '10/Apr/2024:10:10:10 +0000'],
    [Date.UTC(2024, 4, 11, 11, 11, 11), '11/May/2024:11:11:11 +0000'],
    [Date.UTC(2024, 5, 12, 12, 12, 12), '12/Jun/2024:12:12:12 +0000'],
    [Date.UTC(2024, 6, 13, 13, 13, 13), '13/Jul/2024:13:13:13 +0000'],
    [Date.UTC(2024, 7, 14, 14, 14, 14), '14/Aug/2024:14:14:14 +0000'],
    [Date.UTC(2024, 8, 15, 15, 15, 15), '15/Sep/2024:15:15:15 +0000'],
    [Date.UTC(2024, 9, 16, 16, 16, 16), '16/Oct/2024:16:16:16 +0000'],
    [Date.UTC(2024, 10, 17, 17, 17, 17), '17/Nov/2024:17:17:17 +0000'],
    [Date.UTC(2024, 11, 31, 9, 8, 6), '31/Dec/2024:09:08:06 +0000'],
  ])('epoch %d is %s', (requestTimeEpoch, requestTime) => {
    const event = toProxyEvent(gateRequest(), gateRoute({ requestTimeEpoch }));
    expect(event.requestContext.requestTime).toBe(requestTime);
    expect(event.requestContext.requestTimeEpoch).toBe(requestTimeEpoch);
  });
});

describe('proxy event → the URL the client called (the Lambda side)', () => {
  const base = toProxyEvent(gateRequest(), gateRoute());
  const withHeaders = (headers: Record<string, string>): ProxyEvent => ({
    ...base,
    path: '/mcp',
    headers,
    multiValueHeaders: {},
  });

  // API Gateway reports the scheme the client used in X-Forwarded-Proto (the documented input
  // example carries "X-Forwarded-Proto": "https"); a scheme is case-insensitive (RFC 3986 section
  // 3.1); in a comma-separated chain the first value is the client's.
  it.each([
    ['https', 'https://api.example.test/mcp'],
    ['http', 'http://api.example.test/mcp'],
    ['HTTP', 'http://api.example.test/mcp'],
    [' Http ', 'http://api.example.test/mcp'],
    ['http, https', 'http://api.example.test/mcp'],
    ['https, http', 'https://api.example.test/mcp'],
    ['ws', 'https://api.example.test/mcp'],
  ])('X-Forwarded-Proto %j gives %s', (proto, url) => {
    expect(urlFromProxyEvent(withHeaders({ Host: 'api.example.test', 'X-Forwarded-Proto': proto })).href).toBe(url);
  });

  it('is https when no X-Forwarded-Proto is present (execute-api endpoints are HTTPS only)', () => {
    expect(urlFromProxyEvent(withHeaders({ Host: 'api.example.test' })).href).toBe('https://api.example.test/mcp');
  });

  it('takes the host from the Host header, and still maps an event without one (a hand-written test event)', () => {
    expect(urlFromProxyEvent(withHeaders({ host: 'Other.Example.test:8443' })).host).toBe('other.example.test:8443');
    expect(urlFromProxyEvent(withHeaders({})).href).toBe('https://localhost/mcp');
  });

  it('rebuilds the query from every value of multiValueQueryStringParameters, in order, encoded', () => {
    const event: ProxyEvent = {
      ...withHeaders({ Host: 'h.test' }),
      queryStringParameters: { a: '3', b: 'x y' },
      multiValueQueryStringParameters: { a: ['1', '3'], b: ['x y'] },
    };
    expect(urlFromProxyEvent(event).search).toBe('?a=1&a=3&b=x+y');
  });

  it('falls back to queryStringParameters without the multi-value map, skipping absent values', () => {
    const event = {
      ...withHeaders({ Host: 'h.test' }),
      queryStringParameters: { a: '1', gone: undefined, c: '' },
      multiValueQueryStringParameters: null,
    } as unknown as ProxyEvent;
    expect(urlFromProxyEvent(event).search).toBe('?a=1&c=');
  });

  it('skips a multi-value entry without values, and has no query when both maps are null', () => {
    const skipped = {
      ...withHeaders({ Host: 'h.test' }),
      queryStringParameters: { a: '1' },
      multiValueQueryStringParameters: { gone: undefined, a: ['1'] },
    } as unknown as ProxyEvent;
    expect(urlFromProxyEvent(skipped).search).toBe('?a=1');
    const none: ProxyEvent = {
      ...withHeaders({ Host: 'h.test' }),
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
    };
    expect(urlFromProxyEvent(none).href).toBe('https://h.test/mcp');
  });
});

describe('proxy event → HTTP request (the Lambda side)', () => {
  const base = toProxyEvent(gateRequest(), gateRoute());

  it('reads every header value from multiValueHeaders, and headers only for names it lacks (any case)', () => {
    const event: ProxyEvent = {
      ...base,
      headers: { Cookie: 'b=2', Host: 'example.test', 'X-Only-Single': 's' },
      multiValueHeaders: { cookie: ['a=1', 'b=2'], host: ['example.test'] },
    };
    expect(headersFromProxyEvent(event)).toEqual([
      ['cookie', 'a=1'],
      ['cookie', 'b=2'],
      ['host', 'example.test'],
      ['X-Only-Single', 's'],
    ]);
  });

  it('reads headers alone when multiValueHeaders is absent, and tolerates null maps', () => {
    const only = { ...base, headers: { a: '1' }, multiValueHeaders: undefined } as unknown as ProxyEvent;
    expect(headersFromProxyEvent(only)).toEqual([['a', '1']]);
    const none = { ...base, headers: null, multiValueHeaders: null } as unknown as ProxyEvent;
    expect(headersFromProxyEvent(none)).toEqual([]);
    const nullValues = {
      ...base,
      headers: { a: undefined },
      multiValueHeaders: { b: undefined },
    } as unknown as ProxyEvent;
    expect(headersFromProxyEvent(nullValues)).toEqual([]);
  });

  it('decodes the body as base64 only when isBase64Encoded, and a null body as empty', () => {
    expect(bodyFromProxyEvent({ ...base, body: 'aGk=', isBase64Encoded: true })).toEqual(Buffer.from('hi'));
    expect(bodyFromProxyEvent({ ...base, body: 'aGk=', isBase64Encoded: false })).toEqual(Buffer.from('aGk='));
    expect(bodyFromProxyEvent({ ...base, body: null })).toEqual(Buffer.alloc(0));
    expect(bodyFromProxyEvent({ ...base, body: undefined } as unknown as ProxyEvent)).toEqual(Buffer.alloc(0));
  });

  it('finds a header case-insensitively, the last one when repeated, undefined when absent', () => {
    const headers = [
      ['Accept', 'a'],
      ['x', '1'],
      ['ACCEPT', 'b'],
    ] as const;
    expect(headerValue(headers, 'accept')).toBe('b');
    expect(headerValue(headers, 'X')).toBe('1');
    expect(headerValue(headers, 'missing')).toBeUndefined();
  });
});

describe('proxy result → HTTP response (the gateway side)', () => {
  it('maps status, headers, multiValueHeaders and a text body', () => {
    const response = fromProxyResult({
      statusCode: 201,
      headers: { 'content-type': 'application/json' },
      multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] },
      body: '{"ok":true}',
    });
    expect(response).toEqual({
      statusCode: 201,
      headers: [
        ['set-cookie', 'a=1'],
        ['set-cookie', 'b=2'],
        ['content-type', 'application/json'],
      ],
      body: Buffer.from('{"ok":true}'),
    });
  });

  it('merges a name present in both maps, sending an identical value once (any case)', () => {
    const response = fromProxyResult({
      statusCode: 200,
      headers: { 'X-A': '1', 'x-b': '9' },
      multiValueHeaders: { 'x-a': ['1', '2'], 'x-b': ['3'] },
    });
    expect(response.headers).toEqual([
      ['x-a', '1'],
      ['x-a', '2'],
      ['x-b', '3'],
      ['x-b', '9'],
    ]);
  });

  it('keeps a value sent in both maps under one name when it differs, even if another name has it', () => {
    // "If the same key-value pair is specified in both, only the values from multiValueHeaders will
    // appear in the merged list": only the same name AND value is a duplicate.
    const response = fromProxyResult({
      statusCode: 200,
      headers: { 'X-Two': '1' },
      multiValueHeaders: { 'x-one': ['1'], 'x-two': ['2'] },
    });
    expect(response.headers).toEqual([
      ['x-one', '1'],
      ['x-two', '2'],
      ['X-Two', '1'],
    ]);
  });

  it('stringifies non-string header values and decodes a base64 body', () => {
    const response = fromProxyResult({
      statusCode: 200,
      headers: { 'content-length': 2 },
      multiValueHeaders: { 'x-n': [1, true] },
      body: 'aGk=',
      isBase64Encoded: true,
    });
    expect(response.headers).toEqual([
      ['x-n', '1'],
      ['x-n', 'true'],
      ['content-length', '2'],
    ]);
    expect(response.body).toEqual(Buffer.from('hi'));
  });

  it('takes a body delivered as UTF-8 bytes as it is, and decodes it when it is base64', () => {
    const text = Buffer.from('Zoë 🙂');
    expect(fromProxyResult({ statusCode: 200 }, text).body).toBe(text);
    expect(fromProxyResult({ statusCode: 200, isBase64Encoded: true }, Buffer.from('aGk=')).body).toEqual(
      Buffer.from('hi'),
    );
  });

  it('treats a missing or null body and missing headers as empty', () => {
    expect(fromProxyResult({ statusCode: 204 })).toEqual({ statusCode: 204, headers: [], body: Buffer.alloc(0) });
    expect(fromProxyResult({ statusCode: 200, body: null }).body).toEqual(Buffer.alloc(0));
    expect(fromProxyResult({ statusCode: 200, body: 'aGk=', isBase64Encoded: 'true' }).body).toEqual(
      Buffer.from('aGk='),
    );
  });

  it.each([
    ['not an object', 'hello'],
    ['null', null],
    ['an array', [200]],
    ['no statusCode', { body: '' }],
    ['a string statusCode', { statusCode: '200' }],
    ['a fractional statusCode', { statusCode: 200.5 }],
    ['a statusCode below 100', { statusCode: 99 }],
    ['a statusCode above 599', { statusCode: 600 }],
    ['headers that are not an object', { statusCode: 200, headers: 'x' }],
    ['headers that are an array', { statusCode: 200, headers: [['a', 'b']] }],
    ['multiValueHeaders that are not an object', { statusCode: 200, multiValueHeaders: 'x' }],
    ['a multiValueHeaders entry that is not an array', { statusCode: 200, multiValueHeaders: { a: 'b' } }],
    ['a body that is not a string', { statusCode: 200, body: { a: 1 } }],
  ])('refuses a malformed proxy result (%s): API Gateway answers 502', (_name, result) => {
    expect(() => fromProxyResult(result)).toThrow(MalformedProxyResultError);
  });

  it('accepts the edge status codes 100 and 599', () => {
    expect(fromProxyResult({ statusCode: 100 }).statusCode).toBe(100);
    expect(fromProxyResult({ statusCode: 599 }).statusCode).toBe(599);
  });
});

describe('HTTP response → proxy result (the Lambda side)', () => {
  it('sends single headers in headers, repeated ones (Set-Cookie) in multiValueHeaders, a JSON body as text', () => {
    const result = toProxyResult({
      statusCode: 200,
      headers: [
        ['Content-Type', 'application/json; charset=utf-8'],
        ['set-cookie', 'a=1'],
        ['set-cookie', 'b=2'],
      ],
      body: Buffer.from('{"é":1}'),
    });
    expect(result).toEqual({
      statusCode: 200,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] },
      body: '{"é":1}',
      isBase64Encoded: false,
    });
  });

  it.each(['text/event-stream', 'text/plain', 'application/json', 'application/problem+json', undefined])(
    'sends a %s body as text',
    (type) => {
      const headers: Array<[string, string]> = type === undefined ? [] : [['content-type', type]];
      expect(toProxyResult({ statusCode: 200, headers, body: Buffer.from('data') })).toMatchObject({
        body: 'data',
        isBase64Encoded: false,
      });
    },
  );

  it.each(['image/png', 'application/octet-stream', 'application/jsonx'])('sends a %s body base64-encoded', (type) => {
    const result = toProxyResult({
      statusCode: 200,
      headers: [['content-type', type]],
      body: Buffer.from([0xff, 0x00]),
    });
    expect(result).toMatchObject({ body: '/wA=', isBase64Encoded: true });
  });
});
