/**
 * The gateway's side of the proxy integration against the events AWS documents
 * (test/fixtures/aws-events/): the emulator, given the documented HTTP request, builds the
 * documented event; it reads the documented output format back as API Gateway does; and it builds
 * the documented TOKEN and REQUEST authorizer events. Where the emulated API differs from the
 * documented one by configuration (no `{proxy+}` path parameters, no stage variables), the test
 * says so field by field.
 */
import { describe, expect, it } from 'vitest';
import { requestAuthorizerEvent, tokenAuthorizerEvent } from '../../emulator/gateway/authorizer-event.ts';
import { fromProxyResult, toProxyEvent, type GatewayRoute } from '../../emulator/gateway/proxy-event-builder.ts';
import {
  documentedProxyEvent,
  documentedProxyResult,
  documentedRequestAuthorizerEvent,
  documentedTokenAuthorizerEvent,
} from '../support/aws-events.ts';

const REQUEST_TIME_EPOCH = Date.UTC(2016, 8, 12, 17, 50, 37);

/** `POST /testStage/hello/world?name=me&multivalueName=you&multivalueName=me` as the documented event describes it. */
function documentedRequest() {
  const documented = documentedProxyEvent();
  return {
    documented,
    request: {
      method: 'POST',
      path: '/hello/world',
      query: new URLSearchParams('name=me&multivalueName=you&multivalueName=me'),
      headers: Object.entries(documented.headers),
      body: Buffer.from(documented.body!, 'utf8'),
      sourceIp: '192.168.196.186',
    },
    route: {
      resourcePath: '/{proxy+}',
      stage: 'testStage',
      apiId: 'gy415nuibc',
      accountId: '12345678912',
      domainName: 'gy415nuibc.execute-api.us-east-1.amazonaws.com',
      requestId: 'deef4878-7910-11e6-8f14-25afc3e9ae33',
      requestTimeEpoch: REQUEST_TIME_EPOCH,
      binaryMediaTypes: [],
    } satisfies GatewayRoute,
  };
}

describe('the REST proxy event the emulated gateway builds', () => {
  it('has exactly the documented top-level fields', () => {
    const { documented, request, route } = documentedRequest();
    expect(Object.keys(toProxyEvent(request, route)).sort()).toEqual(Object.keys(documented).sort());
  });

  it('matches the documented event field by field', () => {
    const { documented, request, route } = documentedRequest();
    const event = toProxyEvent(request, route);
    // The emulated API defines no `{proxy+}` resource and no stage variables: API Gateway sends null
    // for both then. `resourceId` is an id API Gateway assigns; the emulator has none.
    const { pathParameters, stageVariables, requestContext, ...rest } = documented;
    const { resourceId, identity, ...context } = requestContext;
    expect(pathParameters).toEqual({ proxy: 'hello/world' });
    expect(stageVariables).toEqual({ stageVariableName: 'stageVariableValue' });
    expect(resourceId).toBe('roq9wj');
    expect(event).toMatchObject(rest);
    expect(event.pathParameters).toBeNull();
    expect(event.stageVariables).toBeNull();
    expect(event.requestContext).toMatchObject({ ...context, identity });
    // Documented for requestContext on the same page (the AWS_IAM example): CLF time, epoch ms, stage in path.
    expect(event.requestContext).toMatchObject({
      requestTime: '12/Sep/2016:17:50:37 +0000',
      requestTimeEpoch: REQUEST_TIME_EPOCH,
      path: '/testStage/hello/world',
      protocol: 'HTTP/1.1',
    });
  });

  it('keeps the last value of a repeated header in headers and all of them in multiValueHeaders', () => {
    const { request, route } = documentedRequest();
    const event = toProxyEvent({ ...request, headers: [...request.headers, ['Accept', 'text/event-stream']] }, route);
    expect(event.headers.Accept).toBe('text/event-stream');
    expect(event.multiValueHeaders.Accept).toEqual(['*/*', 'text/event-stream']);
  });

  it('sends no query maps and a null body when the request has neither', () => {
    const { request, route } = documentedRequest();
    const event = toProxyEvent({ ...request, query: new URLSearchParams(), body: Buffer.alloc(0) }, route);
    expect(event).toMatchObject({
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      body: null,
      isBase64Encoded: false,
    });
  });

  it('base64-encodes a body whose media type is one of the binary media types', () => {
    const { request, route } = documentedRequest();
    const event = toProxyEvent(
      { ...request, headers: [['Content-Type', 'image/png']], body: Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
      { ...route, binaryMediaTypes: ['image/*'] },
    );
    expect(event).toMatchObject({ body: 'iVBORw==', isBase64Encoded: true });
  });
});

describe('the gateway reading a result in the documented output format', () => {
  it('merges headers and multiValueHeaders, a pair in both appearing once (the documented rule)', () => {
    const response = fromProxyResult(documentedProxyResult());
    expect(response.statusCode).toBe(200);
    expect(response.body.toString('utf8')).toBe('Hello, jane!');
    const lower = response.headers.map(([name, value]) => [name.toLowerCase(), value]);
    expect(lower.filter(([name]) => name === 'set-cookie').map(([, value]) => value)).toEqual(['a=1', 'b=2']);
    expect(lower).toContainEqual(['content-type', 'text/plain']);
    expect(lower).toContainEqual(['cache-control', 'no-store']);
    expect(lower).toHaveLength(4);
  });

  it('rejects what the format does not allow (API Gateway answers 502 then)', () => {
    expect(() => fromProxyResult({ statusCode: '200' })).toThrow(/statusCode/);
    expect(() => fromProxyResult({ statusCode: 200, body: { a: 1 } })).toThrow(/body/);
    expect(() => fromProxyResult('ok')).toThrow(/not an object/);
  });
});

describe('the authorizer events the emulated gateway builds', () => {
  it('TOKEN: exactly the documented event', () => {
    const documented = documentedTokenAuthorizerEvent();
    expect(tokenAuthorizerEvent('allow', 'arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/*/GET/')).toEqual(
      documented,
    );
  });

  it('REQUEST: the documented fields for GET /request?QueryString1=queryValue1, and no body', () => {
    const documented = documentedRequestAuthorizerEvent();
    const methodArn = 'arn:aws:execute-api:us-east-1:123456789012:s4x3opwd6i/test/GET/request';
    const event = requestAuthorizerEvent(
      {
        method: 'GET',
        path: '/request',
        query: new URLSearchParams('QueryString1=queryValue1'),
        headers: Object.entries(documented.headers),
        body: Buffer.alloc(0),
        sourceIp: '...',
      },
      {
        resourcePath: '/request',
        stage: 'test',
        apiId: 's4x3opwd6i',
        accountId: '123456789012',
        domainName: '....execute-api.us-east-1.amazonaws.com',
        requestId: '...',
        requestTimeEpoch: REQUEST_TIME_EPOCH,
        binaryMediaTypes: [],
      },
      methodArn,
    );
    // Differences by configuration or by the page's own inconsistency: the documented API has a
    // stage variable and an (empty) path parameter map where the emulated one has none (null), a
    // resource id the emulator does not assign, an API key the stage does not use, and a
    // requestContext.path without the stage, where the proxy page's examples include it.
    const { pathParameters, stageVariables, requestContext, ...rest } = documented;
    const { resourceId: _id, path: _path, identity, ...context } = requestContext;
    expect(pathParameters).toEqual({});
    expect(stageVariables).toEqual({ StageVar1: 'stageValue1' });
    expect(event).toMatchObject(rest);
    expect(event.requestContext).toMatchObject({ ...context, identity: { sourceIp: identity.sourceIp } });
    expect(event).not.toHaveProperty('body');
    expect(event).not.toHaveProperty('isBase64Encoded');
  });
});
