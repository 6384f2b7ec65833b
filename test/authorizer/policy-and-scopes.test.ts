/**
 * The authorizer's output and the scope rules it applies, from the specifications:
 * - method ARN as API Gateway sends it,
 *   `arn:{partition}:execute-api:{regionId}:{accountId}:{apiId}/{stage}/{httpVerb}/[{resource}/[{child-resources}]]`,
 *   and the output shape (principalId, policyDocument Version 2012-10-17, Action execute-api:Invoke,
 *   context values strings/numbers/booleans only): "Output from an API Gateway Lambda authorizer",
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
 * - scope: a space-delimited list of case-sensitive strings (RFC 6749 section 3.3), carried as the
 *   `scope` claim string (RFC 9068 section 2.2.3, RFC 8693 section 4.2) or, by some issuers, `scp`
 *   as an array (Okta) or a string (Entra ID); a Bearer 403 `insufficient_scope` names the missing
 *   ones (RFC 6750 section 3.1).
 */
import { describe, expect, it } from 'vitest';
import { apiWideResource, buildPolicy, InvalidMethodArnError } from '../../server/authorizer/policy.ts';
import { missingScopes, scopesFromClaims } from '../../server/authorizer/scopes.ts';

describe('method ARN → the stage-wide policy resource', () => {
  it.each([
    [
      'a POST on /mcp',
      'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/POST/mcp',
      'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/*/*',
    ],
    [
      'the root resource',
      'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/',
      'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/*/*',
    ],
    [
      'child resources',
      'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/v1/DELETE/a/b/c',
      'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/v1/*/*',
    ],
    [
      'the aws-us-gov partition',
      'arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:a1b2c3d4e5/dev/POST/mcp',
      'arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:a1b2c3d4e5/dev/*/*',
    ],
    [
      'a colon in a path parameter value',
      'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/items/urn:x:1',
      'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/*/*',
    ],
  ])('%s', (_name, methodArn, expected) => {
    expect(apiWideResource(methodArn)).toBe(expected);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['not an ARN', 'POST /dev/mcp'],
    ['another service (lambda)', 'arn:aws:lambda:us-east-1:123456789012:function:mcp'],
    ['another service in the execute-api position', 'arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5'],
    ['not starting with arn', 'urn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/POST/mcp'],
    ['execute-api in the partition position', 'arn:execute-api:aws:us-east-1:123456789012:a1b2c3d4e5/dev/POST/mcp'],
    ['too few segments (no account)', 'arn:aws:execute-api:us-east-1:a1b2c3d4e5/dev/POST/mcp'],
    ['no API id', 'arn:aws:execute-api:us-east-1:123456789012:/dev/POST/mcp'],
    ['no stage', 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5'],
    ['an empty stage', 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5//POST/mcp'],
  ])('refuses a methodArn that is %s (the authorizer then fails: 500, never an Allow)', (_name, methodArn) => {
    expect(() => apiWideResource(methodArn)).toThrow(InvalidMethodArnError);
  });

  it('names the offending methodArn in the error, for the operator', () => {
    expect(() => apiWideResource('arn:aws:lambda:x')).toThrow(/arn:aws:lambda:x/);
    expect(() => apiWideResource('arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5')).toThrow(/a1b2c3d4e5/);
    expect(() => apiWideResource(undefined)).toThrow(/missing/);
  });
});

describe('the policy document', () => {
  const identity = { principalId: 'user-123', clientId: 'client-abc', scopes: ['mcp:invoke', 'openid'] };
  const resource = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/*/*';

  it.each(['Allow', 'Deny'] as const)(
    '%s: one execute-api:Invoke statement on the resource, with the caller as context',
    (effect) => {
      expect(buildPolicy(effect, identity, resource, 'jwt')).toEqual({
        principalId: 'user-123',
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
        },
        // Context values must be strings, numbers or booleans: scopes travel space-separated.
        context: { clientId: 'client-abc', scope: 'mcp:invoke openid', authMode: 'jwt' },
      });
    },
  );

  it('an identity without scopes gets an empty scope string', () => {
    expect(buildPolicy('Allow', { ...identity, scopes: [] }, resource, 'static').context).toEqual({
      clientId: 'client-abc',
      scope: '',
      authMode: 'static',
    });
  });
});

describe('scopes granted by a token', () => {
  it.each([
    ['scope as a space-delimited string', { scope: 'openid mcp:invoke' }, ['openid', 'mcp:invoke']],
    ['repeated spaces between scopes', { scope: '  openid   mcp:invoke ' }, ['openid', 'mcp:invoke']],
    ['an empty scope string', { scope: '' }, []],
    ['scopes are case-sensitive strings', { scope: 'MCP:invoke mcp:invoke' }, ['MCP:invoke', 'mcp:invoke']],
    ['scp as an array (Okta)', { scp: ['openid', 'mcp:invoke'] }, ['openid', 'mcp:invoke']],
    ['scp as a string (Entra ID)', { scp: 'openid mcp:invoke' }, ['openid', 'mcp:invoke']],
    [
      'non-string and empty array entries dropped',
      { scp: ['mcp:invoke', 7, null, '', { a: 1 }, ['x'], true] },
      ['mcp:invoke'],
    ],
    ['a number or an object is no scope', { scope: 42, scp: { 'mcp:invoke': true } }, []],
    ['no scope claims at all', { sub: 'x' }, []],
    [
      'both claims together, each scope once',
      { scope: 'openid mcp:invoke', scp: ['mcp:invoke', 'profile'] },
      ['openid', 'mcp:invoke', 'profile'],
    ],
    ['a repeated scope counted once', { scope: 'a a b' }, ['a', 'b']],
  ])('%s', (_name, claims, expected) => {
    expect(scopesFromClaims(claims)).toEqual(expected);
  });

  it('a scope is one space-delimited word: a tab or comma does not split it (RFC 6749 section 3.3)', () => {
    expect(scopesFromClaims({ scope: 'a,b c\td' })).toEqual(['a,b', 'c\td']);
  });

  it('lists the required scopes the token lacks, in the required order, and nothing when all are granted', () => {
    expect(missingScopes(['openid', 'mcp:invoke'], ['mcp:invoke'])).toEqual([]);
    expect(missingScopes(['openid'], ['mcp:invoke', 'mcp:admin'])).toEqual(['mcp:invoke', 'mcp:admin']);
    expect(missingScopes(['mcp:invoke'], ['mcp:admin', 'mcp:invoke'])).toEqual(['mcp:admin']);
    expect(missingScopes(['MCP:INVOKE'], ['mcp:invoke'])).toEqual(['mcp:invoke']);
    expect(missingScopes([], [])).toEqual([]);
  });
});
