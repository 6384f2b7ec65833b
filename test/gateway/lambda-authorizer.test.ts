/**
 * The embedded gateway's authorizer gate, in process with a stand-in authorizer function: identity
 * sources, the input event, how the function's answer becomes 401/403/500, and result caching.
 * Sources: "Use API Gateway Lambda authorizers" (caching by identity source, TTL, "Unauthorized"),
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html;
 * "Input to an API Gateway Lambda authorizer",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html;
 * "Output from an API Gateway Lambda authorizer" (context values are strings, numbers or booleans),
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html;
 * CreateAuthorizer `identitySource` and `authorizerResultTtlInSeconds`,
 * https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LambdaAuthorizer, type InvokeAuthorizer } from '../../emulator/gateway/lambda-authorizer.ts';
import type { InvokeOutcome } from '../../emulator/lambda/function-pool.ts';
import { gateRequest, gateRoute, tokenSettings } from './support.ts';

const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/POST/mcp';
const GET_ARN = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/mcp';
const STAGE = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/*/*';

function policy(
  effect: 'Allow' | 'Deny',
  context: unknown = { clientId: 'client-1' },
  principalId: unknown = 'user-1',
): InvokeOutcome {
  return {
    kind: 'result',
    payloadBytes: 0,
    result: {
      principalId,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: effect, Action: 'execute-api:Invoke', Resource: STAGE }],
      },
      context,
    },
  };
}

/** A stand-in authorizer function that records the events it gets and answers `answer(event)`. */
function authorizerFunction(answer: (event: Record<string, unknown>) => InvokeOutcome) {
  const events: Array<Record<string, unknown>> = [];
  const invoke: InvokeAuthorizer = async (event) => {
    events.push(event as Record<string, unknown>);
    return answer(event as Record<string, unknown>);
  };
  return { invoke, events };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('identity sources', () => {
  it('answers 401 without invoking the function when the identity header is missing, empty or blank', async () => {
    const fn = authorizerFunction(() => policy('Allow'));
    const gate = new LambdaAuthorizer(tokenSettings(), fn.invoke);
    const cases: Array<Record<string, string>> = [
      {},
      { authorization: '' },
      { authorization: '   ' },
      { 'x-other': 'Bearer abc' },
    ];
    for (const headers of cases) {
      expect(await gate.authorize(gateRequest(headers), gateRoute(), METHOD_ARN)).toEqual({ kind: 'unauthorized' });
    }
    expect(fn.events).toHaveLength(0);
  });

  it('reads the identity header case-insensitively and sends it as authorizationToken in a TOKEN event', async () => {
    const fn = authorizerFunction(() => policy('Allow'));
    const gate = new LambdaAuthorizer(tokenSettings(), fn.invoke);
    const decision = await gate.authorize(gateRequest({ AUTHORIZATION: 'Bearer abc' }), gateRoute(), METHOD_ARN);
    expect(decision).toEqual({
      kind: 'allow',
      context: { clientId: 'client-1', principalId: 'user-1' },
      cached: false,
    });
    expect(fn.events).toEqual([{ type: 'TOKEN', authorizationToken: 'Bearer abc', methodArn: METHOD_ARN }]);
  });

  it('answers 401 without invoking the function when the token fails the identity validation expression', async () => {
    const fn = authorizerFunction(() => policy('Allow'));
    const gate = new LambdaAuthorizer(tokenSettings({ validationExpression: /^Bearer [a-z]+$/ }), fn.invoke);
    expect(await gate.authorize(gateRequest({ authorization: 'Basic dXNlcg==' }), gateRoute(), METHOD_ARN)).toEqual({
      kind: 'unauthorized',
    });
    expect(fn.events).toHaveLength(0);
    expect((await gate.authorize(gateRequest({ authorization: 'Bearer abc' }), gateRoute(), METHOD_ARN)).kind).toBe(
      'allow',
    );
    expect(fn.events).toHaveLength(1);
  });

  it('applies no validation expression to a REQUEST authorizer (it is a TOKEN-only setting)', async () => {
    const fn = authorizerFunction(() => policy('Allow'));
    const settings = tokenSettings({ type: 'REQUEST', validationExpression: /^never$/ });
    const gate = new LambdaAuthorizer(settings, fn.invoke);
    expect((await gate.authorize(gateRequest({ authorization: 'Bearer abc' }), gateRoute(), METHOD_ARN)).kind).toBe(
      'allow',
    );
  });

  it('requires every REQUEST identity source, header and query string alike, and sends the whole request', async () => {
    const fn = authorizerFunction(() => policy('Allow'));
    const settings = tokenSettings({
      type: 'REQUEST',
      identitySources: [
        { in: 'header', name: 'Authorization' },
        { in: 'querystring', name: 'tenant' },
      ],
    });
    const gate = new LambdaAuthorizer(settings, fn.invoke);
    const withoutQuery = gateRequest({ authorization: 'Bearer abc' });
    expect(await gate.authorize(withoutQuery, gateRoute(), METHOD_ARN)).toEqual({ kind: 'unauthorized' });
    const emptyQuery = gateRequest({ authorization: 'Bearer abc' }, { query: new URLSearchParams('tenant=') });
    expect(await gate.authorize(emptyQuery, gateRoute(), METHOD_ARN)).toEqual({ kind: 'unauthorized' });
    expect(fn.events).toHaveLength(0);

    const request = gateRequest({ authorization: 'Bearer abc' }, { query: new URLSearchParams('tenant=a&tenant=b') });
    expect((await gate.authorize(request, gateRoute({ authorizer: { principalId: 'stale' } }), METHOD_ARN)).kind).toBe(
      'allow',
    );
    const [event] = fn.events;
    expect(event).toMatchObject({
      type: 'REQUEST',
      methodArn: METHOD_ARN,
      resource: '/mcp',
      path: '/mcp',
      httpMethod: 'POST',
      headers: { authorization: 'Bearer abc' },
      queryStringParameters: { tenant: 'b' },
      multiValueQueryStringParameters: { tenant: ['a', 'b'] },
    });
    // The authorizer runs before any authorizer context exists.
    expect((event!.requestContext as Record<string, unknown>).authorizer).toBeUndefined();
  });

  // A repeated query parameter counts with its last value, the one `queryStringParameters` carries.
  it('keys the cache on the identity source values: a repeated query parameter counts by its last value', async () => {
    const fn = authorizerFunction(() => policy('Allow'));
    const settings = tokenSettings({ type: 'REQUEST', identitySources: [{ in: 'querystring', name: 'tenant' }] });
    const gate = new LambdaAuthorizer(settings, fn.invoke);
    await gate.authorize(gateRequest({}, { query: new URLSearchParams('tenant=x&tenant=a') }), gateRoute(), METHOD_ARN);
    const again = await gate.authorize(
      gateRequest({}, { query: new URLSearchParams('tenant=a') }),
      gateRoute(),
      METHOD_ARN,
    );
    const other = await gate.authorize(
      gateRequest({}, { query: new URLSearchParams('tenant=a&tenant=x') }),
      gateRoute(),
      METHOD_ARN,
    );
    expect([again.kind === 'allow' && again.cached, other.kind === 'allow' && other.cached]).toEqual([true, false]);
    expect(fn.events).toHaveLength(2);
  });

  it('keeps identity sources apart in the cache key: values that only concatenate alike are another identity', async () => {
    const fn = authorizerFunction(() => policy('Allow'));
    const settings = tokenSettings({
      type: 'REQUEST',
      identitySources: [
        { in: 'header', name: 'x-a' },
        { in: 'header', name: 'x-b' },
      ],
    });
    const gate = new LambdaAuthorizer(settings, fn.invoke);
    await gate.authorize(gateRequest({ 'x-a': 'ab', 'x-b': 'c' }), gateRoute(), METHOD_ARN);
    const other = await gate.authorize(gateRequest({ 'x-a': 'a', 'x-b': 'bc' }), gateRoute(), METHOD_ARN);
    expect(other).toMatchObject({ kind: 'allow', cached: false });
    expect(fn.events).toHaveLength(2);
  });
});

describe("the function's answer", () => {
  it('an error with the message "Unauthorized" is 401; any other error is an authorizer failure (500)', async () => {
    const unauthorized = new LambdaAuthorizer(tokenSettings(), async () => ({
      kind: 'function-error',
      error: { errorType: 'Error', errorMessage: 'Unauthorized' },
    }));
    expect(await unauthorized.authorize(gateRequest({ authorization: 'Bearer abc' }), gateRoute(), METHOD_ARN)).toEqual(
      { kind: 'unauthorized' },
    );
    const failing = new LambdaAuthorizer(tokenSettings(), async () => ({
      kind: 'function-error',
      error: { errorType: 'TypeError', errorMessage: 'unauthorized' },
    }));
    expect(await failing.authorize(gateRequest({ authorization: 'Bearer abc' }), gateRoute(), METHOD_ARN)).toEqual({
      kind: 'failure',
      reason: 'TypeError: unauthorized',
    });
  });

  it('a throttled authorizer is an authorizer failure (500)', async () => {
    const gate = new LambdaAuthorizer(tokenSettings(), async () => ({ kind: 'throttled' }));
    expect(await gate.authorize(gateRequest({ authorization: 'Bearer abc' }), gateRoute(), METHOD_ARN)).toEqual({
      kind: 'failure',
      reason: 'authorizer throttled',
    });
  });

  it.each([
    ['no result', null],
    ['no principalId', { policyDocument: { Statement: [] } }],
    ['a numeric principalId', { principalId: 7, policyDocument: { Statement: [] } }],
    ['no policyDocument', { principalId: 'user-1' }],
    ['a context that is a string', { principalId: 'user-1', policyDocument: { Statement: [] }, context: 'x' }],
    ['a context that is an array', { principalId: 'user-1', policyDocument: { Statement: [] }, context: ['x'] }],
    [
      'a context value that is an object',
      { principalId: 'user-1', policyDocument: { Statement: [] }, context: { a: { b: 1 } } },
    ],
    [
      'a context value that is an array',
      { principalId: 'user-1', policyDocument: { Statement: [] }, context: { a: [1] } },
    ],
  ])('a policy with %s is an authorizer configuration error (500)', async (_name, result) => {
    const gate = new LambdaAuthorizer(tokenSettings(), async () => ({ kind: 'result', payloadBytes: 0, result }));
    expect(await gate.authorize(gateRequest({ authorization: 'Bearer abc' }), gateRoute(), METHOD_ARN)).toEqual({
      kind: 'configuration-error',
      reason: 'authorizer returned a malformed policy',
    });
  });

  it('passes string, number, boolean and null context values on, with the principalId', async () => {
    const context = { clientId: 'c', count: 3, admin: false, none: null };
    const gate = new LambdaAuthorizer(tokenSettings(), async () => policy('Allow', context));
    expect(await gate.authorize(gateRequest({ authorization: 'Bearer abc' }), gateRoute(), METHOD_ARN)).toEqual({
      kind: 'allow',
      context: { clientId: 'c', count: 3, admin: false, none: null, principalId: 'user-1' },
      cached: false,
    });
  });

  it('accepts a policy without a context (null or absent) with the principalId alone', async () => {
    for (const context of [{ context: null }, {}]) {
      const allowed = policy('Allow') as { kind: 'result'; result: Record<string, unknown> };
      const { context: _dropped, ...withoutContext } = allowed.result;
      const gate = new LambdaAuthorizer(tokenSettings(), async () => ({
        kind: 'result',
        payloadBytes: 0,
        result: { ...withoutContext, ...context },
      }));
      const decision = await gate.authorize(gateRequest({ authorization: 'Bearer abc' }), gateRoute(), METHOD_ARN);
      expect(decision).toEqual({ kind: 'allow', context: { principalId: 'user-1' }, cached: false });
    }
  });

  it('the principalId returned by the authorizer wins over a context key of the same name', async () => {
    const gate = new LambdaAuthorizer(tokenSettings(), async () =>
      policy('Allow', { principalId: 'forged' }, 'user-1'),
    );
    const decision = await gate.authorize(gateRequest({ authorization: 'Bearer abc' }), gateRoute(), METHOD_ARN);
    expect(decision.kind === 'allow' && decision.context.principalId).toBe('user-1');
  });
});

describe('result caching', () => {
  it('reuses an Allow for every method of the stage within the TTL, without invoking the function again', async () => {
    const fn = authorizerFunction(() => policy('Allow'));
    const gate = new LambdaAuthorizer(tokenSettings({ resultTtlSeconds: 300 }), fn.invoke);
    const first = await gate.authorize(gateRequest({ authorization: 'Bearer abc' }), gateRoute(), METHOD_ARN);
    const second = await gate.authorize(gateRequest({ authorization: 'Bearer abc' }), gateRoute(), GET_ARN);
    expect(first).toMatchObject({ kind: 'allow', cached: false });
    expect(second).toEqual({ kind: 'allow', context: { clientId: 'client-1', principalId: 'user-1' }, cached: true });
    expect(fn.events).toHaveLength(1);
  });

  it('keeps a cached explicit Deny: the same token is answered 403 without invoking the function', async () => {
    const fn = authorizerFunction(() => policy('Deny'));
    const gate = new LambdaAuthorizer(tokenSettings({ resultTtlSeconds: 300 }), fn.invoke);
    expect(await gate.authorize(gateRequest({ authorization: 'Bearer abc' }), gateRoute(), METHOD_ARN)).toEqual({
      kind: 'denied',
    });
    expect(await gate.authorize(gateRequest({ authorization: 'Bearer abc' }), gateRoute(), GET_ARN)).toEqual({
      kind: 'denied',
    });
    expect(fn.events).toHaveLength(1);
  });

  it('keeps tokens apart: another token is judged by its own policy', async () => {
    const fn = authorizerFunction((event) => policy(event.authorizationToken === 'Bearer good' ? 'Allow' : 'Deny'));
    const gate = new LambdaAuthorizer(tokenSettings({ resultTtlSeconds: 300 }), fn.invoke);
    expect((await gate.authorize(gateRequest({ authorization: 'Bearer good' }), gateRoute(), METHOD_ARN)).kind).toBe(
      'allow',
    );
    expect((await gate.authorize(gateRequest({ authorization: 'Bearer bad' }), gateRoute(), METHOD_ARN)).kind).toBe(
      'denied',
    );
    expect(fn.events).toHaveLength(2);
  });

  it('expires a cached policy once the TTL has passed (still cached one millisecond before)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00.000Z'));
    const fn = authorizerFunction(() => policy('Allow'));
    const gate = new LambdaAuthorizer(tokenSettings({ resultTtlSeconds: 60 }), fn.invoke);
    const ask = () => gate.authorize(gateRequest({ authorization: 'Bearer abc' }), gateRoute(), METHOD_ARN);
    await ask();
    vi.setSystemTime(new Date('2026-01-01T00:00:59.999Z'));
    expect(await ask()).toMatchObject({ kind: 'allow', cached: true });
    expect(fn.events).toHaveLength(1);
    vi.setSystemTime(new Date('2026-01-01T00:01:00.000Z'));
    expect(await ask()).toMatchObject({ kind: 'allow', cached: false });
    expect(fn.events).toHaveLength(2);
    // The refreshed policy is cached for a new TTL from now.
    vi.setSystemTime(new Date('2026-01-01T00:01:59.999Z'));
    expect(await ask()).toMatchObject({ kind: 'allow', cached: true });
    expect(fn.events).toHaveLength(2);
  });

  it('with a TTL of 0 caches nothing: every request invokes the function, even within the same millisecond', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00.000Z'));
    const fn = authorizerFunction(() => policy('Allow'));
    const gate = new LambdaAuthorizer(tokenSettings({ resultTtlSeconds: 0 }), fn.invoke);
    for (let i = 0; i < 3; i += 1) {
      expect(await gate.authorize(gateRequest({ authorization: 'Bearer abc' }), gateRoute(), METHOD_ARN)).toMatchObject(
        { cached: false },
      );
    }
    expect(fn.events).toHaveLength(3);
  });

  it('flush() forgets every cached policy', async () => {
    const fn = authorizerFunction(() => policy('Allow'));
    const gate = new LambdaAuthorizer(tokenSettings(), fn.invoke);
    await gate.authorize(gateRequest({ authorization: 'Bearer abc' }), gateRoute(), METHOD_ARN);
    gate.flush();
    expect(await gate.authorize(gateRequest({ authorization: 'Bearer abc' }), gateRoute(), METHOD_ARN)).toMatchObject({
      cached: false,
    });
    expect(fn.events).toHaveLength(2);
  });
});

describe('cache housekeeping and shared invocations', () => {
  const ask = (gate: LambdaAuthorizer, token: string) =>
    gate.authorize(gateRequest({ authorization: `Bearer ${token}` }), gateRoute(), METHOD_ARN);

  it('evictExpired(now) drops an entry once its TTL has run out, not a millisecond before', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00.000Z'));
    const gate = new LambdaAuthorizer(
      tokenSettings({ resultTtlSeconds: 60 }),
      authorizerFunction(() => policy('Allow')).invoke,
    );
    await ask(gate, 'abc');
    expect(gate.cacheSize).toBe(1);
    gate.evictExpired(Date.parse('2026-01-01T00:00:59.999Z'));
    expect(gate.cacheSize).toBe(1);
    gate.evictExpired(Date.parse('2026-01-01T00:01:00.000Z'));
    expect(gate.cacheSize).toBe(0);
    gate.close();
  });

  it('sweeps expired entries as time passes, without the identity coming back; close() stops the sweeper', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00.000Z'));
    const fn = authorizerFunction(() => policy('Allow'));
    const swept = new LambdaAuthorizer(tokenSettings({ resultTtlSeconds: 60 }), fn.invoke);
    const closed = new LambdaAuthorizer(tokenSettings({ resultTtlSeconds: 60 }), fn.invoke);
    await ask(swept, 'abc');
    await ask(closed, 'abc');
    closed.close();
    vi.advanceTimersByTime(59_999);
    expect(swept.cacheSize).toBe(1);
    vi.advanceTimersByTime(1); // the TTL runs out at 60 s: that sweep drops it
    expect(swept.cacheSize).toBe(0);
    expect(closed.cacheSize).toBe(1);
    swept.close();
  });

  it('lets concurrent requests of one identity share one invocation (the second answer is marked cached)', async () => {
    let release: (outcome: InvokeOutcome) => void = () => {};
    const events: unknown[] = [];
    const gate = new LambdaAuthorizer(tokenSettings(), (event) => {
      events.push(event);
      return new Promise<InvokeOutcome>((resolve) => {
        release = resolve;
      });
    });
    const first = ask(gate, 'abc');
    const second = ask(gate, 'abc');
    release(policy('Allow'));
    expect(await first).toMatchObject({ kind: 'allow', cached: false });
    expect(await second).toMatchObject({ kind: 'allow', cached: true });
    expect(events).toHaveLength(1);
    gate.close();
  });

  it('counts the invocations under way at once: two identities together make 2, one after another 1', async () => {
    const sequential = new LambdaAuthorizer(tokenSettings(), authorizerFunction(() => policy('Allow')).invoke);
    for (const token of ['a', 'b', 'c']) await ask(sequential, token);
    expect(sequential.peakInvocationsInFlight).toBe(1);
    sequential.close();

    const releases: Array<() => void> = [];
    const together = new LambdaAuthorizer(
      tokenSettings(),
      () => new Promise<InvokeOutcome>((resolve) => releases.push(() => resolve(policy('Allow')))),
    );
    const pending = [ask(together, 'a'), ask(together, 'b')];
    await vi.waitFor(() => expect(releases).toHaveLength(2));
    for (const release of releases) release();
    await Promise.all(pending);
    expect(together.peakInvocationsInFlight).toBe(2);
    together.close();
  });
});
