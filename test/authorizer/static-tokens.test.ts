/**
 * Static-token matrix through the Lambda entry module itself (`server/handlers/authorizer.ts`),
 * loaded fresh with the environment Terraform would set, and driven with real TOKEN and REQUEST
 * authorizer events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authInfoFromAuthorizer } from '../../server/gateway/authorizer-context.ts';
import type { AuthorizerHandler } from '../../server/authorizer/authorizer.ts';
import {
  WHOLE_API,
  captureOutput,
  iamResourceMatches,
  lambdaContext,
  loadAuthorizerEntry,
  requestEvent,
  tokenEvent,
} from './helpers.ts';

const GOOD = 'sk-live_4f9c2a7e1b8d4c3aa0e5f6b7c8d9e0f1';
const SECOND = 'second.token-with~all+allowed/chars==';
const UNKNOWN = 'sk-live_00000000000000000000000000000000';

let handler: AuthorizerHandler;
let output: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  output = captureOutput();
  handler = await loadAuthorizerEntry({ AUTH_MODE: 'static', STATIC_TOKENS: JSON.stringify([GOOD, SECOND]) });
});

afterAll(() => output.restore());

describe('static tokens: allowed', () => {
  it('accepts a configured token with an Allow policy over the whole API and the context contract', async () => {
    const result = await handler(tokenEvent(`Bearer ${GOOD}`), lambdaContext());
    expect(result.principalId).toBe('static-token-1');
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: WHOLE_API },
    ]);
    expect(result.context).toEqual({ clientId: 'static-token-1', scope: '', authMode: 'static' });
    // What the MCP handler reads back from requestContext.authorizer (principalId + context).
    expect(authInfoFromAuthorizer({ principalId: result.principalId, ...result.context })).toMatchObject({
      clientId: 'static-token-1',
      scopes: [],
      extra: { principal: 'static-token-1', authMode: 'static' },
    });
  });

  it('accepts the second configured token as a distinct principal', async () => {
    const result = await handler(tokenEvent(`Bearer ${SECOND}`), lambdaContext());
    expect(result.principalId).toBe('static-token-2');
  });

  it('matches the scheme case-insensitively and tolerates several spaces', async () => {
    for (const header of [`bearer ${GOOD}`, `BEARER ${GOOD}`, `Bearer   ${GOOD}`]) {
      await expect(handler(tokenEvent(header), lambdaContext())).resolves.toMatchObject({
        principalId: 'static-token-1',
      });
    }
  });

  it('reads REQUEST events (headers.Authorization, any case)', async () => {
    for (const name of ['Authorization', 'authorization']) {
      const result = await handler(requestEvent([[name, `Bearer ${GOOD}`]]), lambdaContext());
      expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow', Resource: WHOLE_API });
    }
  });

  it('returns a policy that also covers every other method, since API Gateway caches it per token', async () => {
    const result = await handler(
      tokenEvent(
        `Bearer ${GOOD}`,
        'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/.well-known/oauth-protected-resource',
      ),
    );
    const resource = (result.policyDocument.Statement[0] as { Resource: string }).Resource;
    expect(resource).toBe(WHOLE_API);
    for (const arn of [
      'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/POST/mcp',
      'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/mcp',
      'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/DELETE/mcp',
      'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/GET/',
    ]) {
      expect(iamResourceMatches(resource, arn), arn).toBe(true);
    }
    expect(iamResourceMatches(resource, 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/POST/mcp')).toBe(
      false,
    );
    expect(iamResourceMatches(resource, 'arn:aws:execute-api:us-east-1:123456789012:otherapi/dev/POST/mcp')).toBe(
      false,
    );
  });
});

describe('static tokens: refused with Unauthorized (API Gateway answers 401)', () => {
  // [case, event, the reason the authorizer logs]
  const cases: Array<[string, unknown, string]> = [
    ['unknown token', tokenEvent(`Bearer ${UNKNOWN}`), 'unknown-static-token'],
    ['configured token missing its last character', tokenEvent(`Bearer ${GOOD.slice(0, -1)}`), 'unknown-static-token'],
    ['configured token with an extra character', tokenEvent(`Bearer ${GOOD}x`), 'unknown-static-token'],
    ['missing header (empty TOKEN)', tokenEvent(''), 'missing'],
    ['missing header (REQUEST without Authorization)', requestEvent([['Accept', 'application/json']]), 'missing'],
    ['REQUEST with null headers', { ...requestEvent([]), headers: null, multiValueHeaders: null }, 'missing'],
    ['scheme only', tokenEvent('Bearer'), 'malformed'],
    ['wrong scheme (Basic)', tokenEvent(`Basic ${Buffer.from(`user:${GOOD}`).toString('base64')}`), 'wrong-scheme'],
    ['wrong scheme (Token)', tokenEvent(`Token ${GOOD}`), 'wrong-scheme'],
    ['no scheme (bare token)', tokenEvent(GOOD), 'wrong-scheme'],
    ['token with characters outside b64token', tokenEvent(`Bearer ${GOOD}"`), 'malformed'],
    ['two tokens', tokenEvent(`Bearer ${GOOD} ${GOOD}`), 'malformed'],
    ['oversize header (> 8 KiB)', tokenEvent(`Bearer ${GOOD}${'a'.repeat(9000)}`), 'oversize'],
    [
      'Authorization sent twice (REQUEST)',
      requestEvent([
        ['Authorization', `Bearer ${GOOD}`],
        ['Authorization', `Bearer ${UNKNOWN}`],
      ]),
      'duplicate-header',
    ],
    ['not an event at all', null, 'missing'],
  ];
  it.each(cases)('%s', async (_name, event, reason) => {
    const before = output.text().length;
    await expect(handler(event, lambdaContext())).rejects.toThrow(/^Unauthorized$/);
    expect(output.text().slice(before)).toContain(`"reason":"${reason}"`);
  });
});

describe('static tokens: logs', () => {
  it('never contain a token, only its fingerprint', async () => {
    await handler(tokenEvent(`Bearer ${GOOD}`), lambdaContext());
    await expect(handler(tokenEvent(`Bearer ${UNKNOWN}`), lambdaContext())).rejects.toThrow('Unauthorized');
    const logs = output.text();
    // 12 hex digits of SHA-256, computed by hand: printf %s TOKEN | sha256sum | cut -c1-12
    expect(logs).toContain('1e6371c81f39'); // GOOD
    expect(logs).toContain('80209da3f3d7'); // UNKNOWN
    expect(logs).toContain('"outcome":"allow"');
    expect(logs).toContain('"reason":"unknown-static-token"');
    for (const secret of [GOOD, SECOND, UNKNOWN, GOOD.slice(0, -1)]) expect(logs).not.toContain(secret);
  });
});
