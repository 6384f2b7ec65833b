/**
 * The auth matrix end to end through the embedded API Gateway: HTTP requests to the stage's /mcp
 * endpoint, the authorizer bundle in its own execution environments, gateway responses as
 * terraform/gateway_responses.tf defines them. Static tokens first, then JWTs signed by key pairs
 * generated here and served from a loopback JWKS server.
 */
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStack } from '../emulator/stack.ts';
import { JwksServer } from './authorizer/helpers.ts';
import { callTool, postJson, type RawResponse } from './support/mcp-http.ts';
import { startTestStack } from './support/stack.ts';

const LIST_TOOLS = { jsonrpc: '2.0', id: 1, method: 'tools/list' };

function post(stack: RunningStack, authorization?: string): Promise<RawResponse> {
  return postJson(stack.endpoint, LIST_TOOLS, authorization === undefined ? {} : { authorization });
}

function expectChallenge(stack: RunningStack, response: RawResponse): void {
  expect(response.headers.get('www-authenticate')).toBe(
    `Bearer resource_metadata="${stack.baseUrl}/.well-known/oauth-protected-resource"`,
  );
}

/** Every log line of both functions (authorizer and MCP), as CloudWatch Logs would hold them. */
function allLogs(stack: RunningStack): string {
  return [stack.config.authorizerFunction.functionName, stack.config.mcp.functionName]
    .flatMap((name) => stack.logs.messages(`/aws/lambda/${name}`))
    .join('\n');
}

function expectNoSecrets(stack: RunningStack, secrets: readonly string[]): void {
  const logs = allLogs(stack);
  expect(logs).toContain('Authorization allowed');
  for (const secret of secrets) expect(logs).not.toContain(secret);
}

function expect401(stack: RunningStack, response: RawResponse): void {
  expect(response.status, response.text).toBe(401);
  expect(response.json).toEqual({ message: 'Unauthorized' });
  expectChallenge(stack, response);
}

describe('auth through the gateway: static tokens', () => {
  let stack: RunningStack & { token: string };
  beforeAll(async () => {
    stack = await startTestStack({ overrides: { auth_mode: 'static' } });
  });
  afterAll(async () => stack?.stop());

  it('good token → 200', async () => {
    const response = await post(stack, `Bearer ${stack.token}`);
    expect(response.status, response.text).toBe(200);
  });

  it('the scheme is case-insensitive (RFC 9110 §11.1): the gateway and the authorizer both accept "bearer"', async () => {
    const response = await post(stack, `bearer ${stack.token}`);
    expect(response.status, response.text).toBe(200);
  });

  it('the protected resource metadata is served without a token', async () => {
    const response = await fetch(`${stack.baseUrl}/.well-known/oauth-protected-resource`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ resource: stack.endpoint });
  });

  it.each<[string, (token: string) => string | undefined]>([
    ['no Authorization header', () => undefined],
    ['unknown token', () => 'Bearer not-the-configured-token-1234'],
    ['wrong scheme', (token) => `Basic ${token}`],
    ['no scheme', (token) => token],
    ['oversize header (> 8 KiB)', (token) => `Bearer ${token}${'a'.repeat(9000)}`],
  ])('%s → 401 with the discovery challenge', async (_name, header) => {
    expect401(stack, await post(stack, header(stack.token)));
  });

  it('no log stream contains the token', async () => {
    expect((await post(stack, `Bearer ${stack.token}`)).status).toBe(200);
    expect401(stack, await post(stack, `Basic ${stack.token}`));
    expectNoSecrets(stack, [stack.token]);
  });
});

describe('auth through the gateway: JWT', () => {
  const ISSUER = 'https://issuer.example.test/';
  const AUDIENCE = 'https://mcp.example.test/dev/mcp';
  const SCOPE = 'mcp:invoke';
  let stack: RunningStack;
  let jwks: JwksServer;
  let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
  let tokenWhileDown: string;
  let answerWhileDown: RawResponse;
  let rogue: { privateKey: CryptoKey; publicKey: CryptoKey };
  const now = (): number => Math.floor(Date.now() / 1000);
  const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const issued: string[] = [];

  function sign(
    options: {
      claims?: JWTPayload;
      issuer?: string;
      audience?: string;
      exp?: number;
      nbf?: number;
      kid?: string;
      key?: CryptoKey;
    } = {},
  ): Promise<string> {
    const jwt = new SignJWT({ scope: SCOPE, client_id: 'gateway-test-client', ...options.claims })
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'rsa-1' })
      .setIssuer(options.issuer ?? ISSUER)
      .setAudience(options.audience ?? AUDIENCE)
      .setSubject('user-123')
      .setIssuedAt()
      .setExpirationTime(options.exp ?? now() + 300);
    if (options.nbf !== undefined) jwt.setNotBefore(options.nbf);
    return jwt.sign(options.key ?? rsa.privateKey).then((token) => {
      issued.push(token);
      return token;
    });
  }

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256', { extractable: true });
    rogue = await generateKeyPair('RS256');
    jwks = new JwksServer({ keys: [{ ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' }] });
    await jwks.start();
    stack = await startTestStack({
      overrides: {
        auth_mode: 'jwt',
        jwt_issuer: ISSUER,
        jwt_jwks_url: jwks.url,
        jwt_audience: AUDIENCE,
        jwt_required_scopes: [SCOPE],
        // Every request reaches the authorizer, so each case shows the authorizer's own answer.
        authorizer_result_ttl_seconds: 0,
      },
    });
    // The JWKS down while the authorizer has fetched nothing yet: only possible before any other
    // request, so the request is made here and its answer checked by the test below (which then
    // holds in any order, alone or shuffled).
    await jwks.stop();
    tokenWhileDown = await sign();
    answerWhileDown = await post(stack, `Bearer ${tokenWhileDown}`);
    await jwks.start();
  });
  afterAll(async () => {
    await stack?.stop();
    await jwks?.stop();
  });

  it('JWKS endpoint down → 500 (nothing cached yet); back up → 200', async () => {
    expect(answerWhileDown.status, answerWhileDown.text).toBe(500);
    const up = await post(stack, `Bearer ${tokenWhileDown}`);
    expect(up.status, up.text).toBe(200);
  });

  it('valid token → 200, and the MCP handler sees the authorizer context (whoami)', async () => {
    expect((await post(stack, `Bearer ${await sign()}`)).status).toBe(200);
    const whoami = await callTool(stack.endpoint, await sign(), 'whoami');
    expect(whoami.status, whoami.text).toBe(200);
    expect((whoami.json as { result: { structuredContent: unknown } }).result.structuredContent).toEqual({
      authenticated: true,
      principal: 'user-123',
      clientId: 'gateway-test-client',
      scopes: [SCOPE],
      authMode: 'jwt',
    });
  });

  it('missing scope → 403 with the discovery challenge', async () => {
    const response = await post(stack, `Bearer ${await sign({ claims: { scope: 'openid' } })}`);
    expect(response.status, response.text).toBe(403);
    expectChallenge(stack, response);
    // terraform/gateway_responses.tf's template, not API Gateway's default `{"Message": ...}`.
    expect(JSON.parse(response.text)).toEqual({
      message: 'User is not authorized to access this resource with an explicit deny',
    });
  });

  const rejected: Array<[string, () => Promise<string>]> = [
    ['no Authorization header', async () => ''],
    ['expired', async () => `Bearer ${await sign({ exp: now() - 120 })}`],
    ['not yet valid', async () => `Bearer ${await sign({ nbf: now() + 120 })}`],
    ['wrong issuer', async () => `Bearer ${await sign({ issuer: 'https://evil.example.test/' })}`],
    ['wrong audience', async () => `Bearer ${await sign({ audience: 'https://elsewhere.example.test/mcp' })}`],
    [
      'alg: none',
      async () =>
        `Bearer ${b64url({ alg: 'none' })}.${b64url({ iss: ISSUER, aud: AUDIENCE, sub: 'user-123', exp: now() + 300, scope: SCOPE })}.`,
    ],
    [
      'HS256 signed with the public key',
      async () => {
        const secret = new TextEncoder().encode(await exportSPKI(rsa.publicKey));
        const token = await new SignJWT({ scope: SCOPE })
          .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setSubject('user-123')
          .setExpirationTime(now() + 300)
          .sign(secret);
        return `Bearer ${token}`;
      },
    ],
    [
      'tampered signature',
      async () => {
        const [header, payload, signature] = (await sign()).split('.') as [string, string, string];
        const middle = Math.floor(signature.length / 2);
        return `Bearer ${header}.${payload}.${signature.slice(0, middle)}${signature[middle] === 'A' ? 'B' : 'A'}${signature.slice(middle + 1)}`;
      },
    ],
    ['unknown kid', async () => `Bearer ${await sign({ kid: 'rogue-1', key: rogue.privateKey })}`],
    ['malformed token', async () => 'Bearer not.a-jwt'],
    ['oversize header', async () => `Bearer ${'a'.repeat(9000)}`],
  ];
  it.each(rejected)('%s → 401 with the discovery challenge', async (_name, header) => {
    const value = await header();
    if (value.length > 20) issued.push(value.replace(/^Bearer /, ''));
    expect401(stack, await post(stack, value === '' ? undefined : value));
  });

  it('no log stream contains any of the tokens', async () => {
    // Its own allowed and refused calls, so it holds alone; after the others it covers their tokens too.
    const before = issued.length;
    expect((await post(stack, `Bearer ${await sign()}`)).status).toBe(200);
    expect401(stack, await post(stack, `Bearer ${await sign({ exp: now() - 120 })}`));
    expect(issued.length - before).toBe(2);
    expectNoSecrets(stack, issued);
  });
});

describe('JWT with the audience in client_id (Amazon Cognito access tokens)', () => {
  const ISSUER_C = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TEST';
  const APP_CLIENT = 'app-client-123';
  let stack: RunningStack & { token: string };
  let jwks: JwksServer;
  let key: { privateKey: CryptoKey; publicKey: CryptoKey };

  const accessToken = (clientId: string): Promise<string> =>
    // Cognito access tokens: token_use=access, client_id, scope, and no `aud` claim.
    new SignJWT({ token_use: 'access', client_id: clientId, scope: 'mcp/invoke' })
      .setProtectedHeader({ alg: 'RS256', kid: 'cognito-1' })
      .setIssuer(ISSUER_C)
      .setSubject('cognito-user')
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + 300)
      .sign(key.privateKey);

  beforeAll(async () => {
    key = await generateKeyPair('RS256', { extractable: true });
    jwks = new JwksServer({
      keys: [{ ...(await exportJWK(key.publicKey)), kid: 'cognito-1', alg: 'RS256', use: 'sig' }],
    });
    await jwks.start();
    stack = await startTestStack({
      overrides: {
        auth_mode: 'jwt',
        jwt_issuer: ISSUER_C,
        jwt_jwks_url: jwks.url,
        jwt_audience: APP_CLIENT,
        jwt_audience_claim: 'client_id',
        authorizer_result_ttl_seconds: 0,
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await jwks?.stop();
  });

  it('accepts a token whose client_id is the configured app client, refuses another client with 401', async () => {
    expect((await post(stack, `Bearer ${await accessToken(APP_CLIENT)}`)).status).toBe(200);
    expect401(stack, await post(stack, `Bearer ${await accessToken('some-other-client')}`));
  });

  it('names the issuer as the authorization server in the RFC 9728 metadata when none is listed', async () => {
    const metadata = (await (await fetch(`${stack.baseUrl}/.well-known/oauth-protected-resource`)).json()) as {
      authorization_servers: string[];
    };
    expect(metadata.authorization_servers).toEqual([ISSUER_C]);
  });
});
