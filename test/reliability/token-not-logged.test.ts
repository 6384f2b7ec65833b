/**
 * No bearer token ever reaches a log. A session of requests with good and bad static tokens, then
 * with good and bad JWTs (and the JWKS endpoint failing), runs through the embedded stack at
 * LOG_LEVEL=DEBUG, with a REQUEST authorizer in the JWT stack (its event carries every header).
 * Then every log stream of every log group (the MCP function and the authorizer), read both from
 * the store and through the CloudWatch Logs API with the AWS SDK, the mirrored log files and the
 * emulator's access log entries are searched for every token, and for every JWT's payload and
 * signature segments: zero hits.
 */
import { CloudWatchLogsClient, paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AccessLogEntry } from '../../emulator/gateway/rest-api.ts';
import type { RunningStack } from '../../emulator/stack.ts';
import { JwksServer } from '../authorizer/helpers.ts';
import { callTool, postJson, type RawResponse } from '../support/mcp-http.ts';
import { expectedFingerprint } from '../support/token-fingerprint.ts';
import { startTestStack } from '../support/stack.ts';

const LIST_TOOLS = { jsonrpc: '2.0', id: 1, method: 'tools/list' };

interface Corpus {
  readonly name: string;
  readonly lines: readonly string[];
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/** Every place the stack writes log text, as separate corpora so a hit says where it was. */
async function collectLogs(stack: RunningStack, logDir: string, access: readonly AccessLogEntry[]): Promise<Corpus[]> {
  const corpora: Corpus[] = [];
  for (const group of stack.logs.groups.values()) {
    for (const stream of group.streams.values()) {
      corpora.push({
        name: `store ${group.logGroupName} ${stream.logStreamName}`,
        lines: stream.events.map((event) => event.message),
      });
    }
  }
  const client = new CloudWatchLogsClient({
    endpoint: stack.logsEndpoint,
    region: stack.config.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    for (const logGroupName of stack.logs.groups.keys()) {
      const lines: string[] = [];
      for await (const page of paginateFilterLogEvents({ client }, { logGroupName })) {
        for (const event of page.events ?? []) lines.push(event.message ?? '');
      }
      corpora.push({ name: `CloudWatch Logs API ${logGroupName}`, lines });
    }
  } finally {
    client.destroy();
  }
  for (const file of await filesUnder(logDir))
    corpora.push({ name: `file ${path.relative(logDir, file)}`, lines: (await readFile(file, 'utf8')).split('\n') });
  corpora.push({ name: 'emulator access log', lines: access.map((entry) => JSON.stringify(entry)) });
  return corpora;
}

function findHits(corpora: readonly Corpus[], secrets: ReadonlyMap<string, string>): string[] {
  const hits: string[] = [];
  for (const corpus of corpora) {
    for (const line of corpus.lines) {
      for (const [label, secret] of secrets)
        if (line.includes(secret)) hits.push(`${label} in ${corpus.name}: ${line.slice(0, 200)}`);
    }
  }
  return hits;
}

function summarize(
  name: string,
  corpora: readonly Corpus[],
  secrets: ReadonlyMap<string, string>,
  hits: readonly string[],
): void {
  const lines = corpora.reduce((n, corpus) => n + corpus.lines.length, 0);
  console.log(
    `[token-not-logged] ${name}: ${secrets.size} secret strings searched in ${lines} log lines (${corpora.length} streams/files/APIs): ${hits.length} hits`,
  );
}

async function withStack(
  options: Parameters<typeof startTestStack>[0],
  session: (stack: RunningStack & { token: string }) => Promise<Map<string, string>>,
): Promise<{ corpora: Corpus[]; secrets: Map<string, string>; stack: RunningStack }> {
  const logDir = await mkdtemp(path.join(tmpdir(), 'token-not-logged-'));
  const access: AccessLogEntry[] = [];
  const stack = await startTestStack({ ...options, logDir, onAccess: (entry) => access.push(entry) });
  try {
    const secrets = await session(stack);
    // Let the last log lines of the environments arrive.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await stack.logs.flushFiles();
    return { corpora: await collectLogs(stack, logDir, access), secrets, stack };
  } finally {
    await stack.stop();
    await rm(logDir, { recursive: true, force: true });
  }
}

function expectStatus(response: RawResponse, status: number): void {
  expect(response.status, response.text.slice(0, 300)).toBe(status);
}

describe('bearer tokens never reach a log', () => {
  it('static tokens: good, unknown, wrong scheme, failing the validation expression, oversize, repeated', async () => {
    const { corpora, secrets } = await withStack(
      {
        overrides: { auth_mode: 'static', log_level: 'DEBUG' },
        build: { test: true },
        mcpEnvironment: { MCP_FAULT_TOOLS: 'on' },
      },
      async (stack) => {
        const good = stack.token;
        const unknown = `unknown-${randomBytes(18).toString('base64url')}`;
        const invalidChars = `bad!token#${randomBytes(12).toString('hex')}`;
        const oversize = `${randomBytes(24).toString('hex')}${'z'.repeat(9000)}`;
        const auth = (value: string): Record<string, string> => ({ authorization: value });

        expectStatus(await postJson(stack.endpoint, LIST_TOOLS, auth(`Bearer ${good}`)), 200);
        expectStatus(await callTool(stack.endpoint, good, 'whoami'), 200);
        expectStatus(await callTool(stack.endpoint, good, 'text_stats', { text: 42 }), 200);
        expectStatus(await postJson(stack.endpoint, '{"jsonrpc": "2.0", "id": ', auth(`Bearer ${good}`)), 400);
        expectStatus(
          await postJson(stack.endpoint, LIST_TOOLS, {
            ...auth(`Bearer ${good}`),
            'mcp-protocol-version': '1999-01-01',
          }),
          400,
        );
        expectStatus(await callTool(stack.endpoint, good, 'fault_crash'), 502);
        expectStatus(await callTool(stack.endpoint, good, 'ping'), 200);
        expectStatus(await postJson(stack.endpoint, LIST_TOOLS, auth(`Bearer ${unknown}`)), 401);
        expectStatus(await postJson(stack.endpoint, LIST_TOOLS, auth(`Basic ${good}`)), 401);
        expectStatus(await postJson(stack.endpoint, LIST_TOOLS, auth(good)), 401);
        expectStatus(await postJson(stack.endpoint, LIST_TOOLS, auth(`Bearer ${invalidChars}`)), 401);
        expectStatus(await postJson(stack.endpoint, LIST_TOOLS, auth(`Bearer ${oversize}`)), 401);
        expectStatus(await postJson(stack.endpoint, LIST_TOOLS, auth(`Bearer ${good}x`)), 401);
        // The token in places other than the Authorization header, as confused clients send it.
        expectStatus(await postJson(`${stack.endpoint}?access_token=${good}`, LIST_TOOLS, auth(`Bearer ${good}`)), 200);
        expectStatus(await postJson(stack.endpoint, LIST_TOOLS, { ...auth(`Bearer ${good}`), 'x-api-key': good }), 200);
        return new Map([
          ['good token', good],
          ['unknown token', unknown],
          ['token with invalid characters', invalidChars],
          ['oversize token (prefix)', oversize.slice(0, 48)],
        ]);
      },
    );
    const hits = findHits(corpora, secrets);
    summarize('static tokens', corpora, secrets, hits);
    const all = corpora.flatMap((corpus) => corpus.lines).join('\n');
    expect(all).toContain('Authorization allowed');
    expect(all).toContain('Authorization refused');
    expect(all).toContain('MCP request rejected or failed');
    expect(all).toContain('Runtime.ExitError');
    // Control: what the authorizer logs instead of the token (a SHA-256 prefix) is in the corpus.
    expect(all).toContain(expectedFingerprint(secrets.get('good token')!));
    expect(hits).toEqual([]);
  }, 60_000);

  it('JWTs through a REQUEST authorizer: JWKS down, good, expired, wrong audience, wrong key, tampered, alg none, missing scope, unknown kid', async () => {
    const ISSUER = 'https://issuer.token-log.test/';
    const AUDIENCE = 'https://mcp.token-log.test/dev/mcp';
    const keys = await generateKeyPair('RS256', { extractable: true });
    const rogue: { privateKey: CryptoKey } = await generateKeyPair('RS256');
    const jwks = new JwksServer({
      keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }],
    });
    await jwks.start();
    const issued: string[] = [];
    const sign = async (
      options: { audience?: string; expiresIn?: string | number; scope?: string; key?: CryptoKey; kid?: string } = {},
    ): Promise<string> => {
      const token = await new SignJWT({ scope: options.scope ?? 'mcp:invoke', client_id: 'token-log-client' })
        .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'k1' })
        .setIssuer(ISSUER)
        .setAudience(options.audience ?? AUDIENCE)
        .setSubject(`user-${randomBytes(4).toString('hex')}`)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '5m')
        .sign(options.key ?? keys.privateKey);
      issued.push(token);
      return token;
    };
    try {
      const { corpora } = await withStack(
        {
          overrides: {
            auth_mode: 'jwt',
            authorizer_type: 'REQUEST',
            jwt_issuer: ISSUER,
            jwt_jwks_url: jwks.url,
            jwt_audience: AUDIENCE,
            jwt_required_scopes: ['mcp:invoke'],
            log_level: 'DEBUG',
            // Every request reaches the authorizer, so every token is handled (and could be logged) there.
            authorizer_result_ttl_seconds: 0,
          },
        },
        async (stack) => {
          const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
          const good = await sign();
          // The JWKS endpoint is down before the authorizer has fetched it: the authorizer logs
          // an error with its cause, and the gateway answers 500.
          await jwks.stop();
          expectStatus(await postJson(stack.endpoint, LIST_TOOLS, bearer(good)), 500);
          await jwks.start();
          expectStatus(await postJson(stack.endpoint, LIST_TOOLS, bearer(good)), 200);
          expectStatus(await callTool(stack.endpoint, good, 'whoami'), 200);
          expectStatus(await postJson(stack.endpoint, '{"jsonrpc": "2.0", "id": ', bearer(good)), 400);
          expectStatus(
            await postJson(
              stack.endpoint,
              LIST_TOOLS,
              bearer(await sign({ expiresIn: Math.floor(Date.now() / 1000) - 600 })),
            ),
            401,
          );
          expectStatus(
            await postJson(stack.endpoint, LIST_TOOLS, bearer(await sign({ audience: 'https://elsewhere.test/mcp' }))),
            401,
          );
          expectStatus(await postJson(stack.endpoint, LIST_TOOLS, bearer(await sign({ key: rogue.privateKey }))), 401);
          expectStatus(await postJson(stack.endpoint, LIST_TOOLS, bearer(await sign({ scope: 'openid' }))), 403);
          const [header, payload, signature] = (await sign()).split('.') as [string, string, string];
          const tampered = `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
          issued.push(tampered);
          expectStatus(await postJson(stack.endpoint, LIST_TOOLS, bearer(tampered)), 401);
          const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
          issued.push(none);
          expectStatus(await postJson(stack.endpoint, LIST_TOOLS, bearer(none)), 401);
          // The token twice (REQUEST authorizers see repeated headers), and in a second header.
          expectStatus(
            await postJson(stack.endpoint, LIST_TOOLS, {
              ...bearer(good),
              'x-forwarded-authorization': `Bearer ${good}`,
            }),
            200,
          );
          expectStatus(await postJson(stack.endpoint, LIST_TOOLS, bearer(await sign({ kid: 'unknown-kid' }))), 401);
          return new Map();
        },
      );
      const secrets = new Map<string, string>();
      issued.forEach((token, i) => {
        const [, payload, signature] = token.split('.') as [string, string, string];
        secrets.set(`JWT #${i + 1}`, token);
        secrets.set(`JWT #${i + 1} payload segment`, payload);
        if (signature.length > 0) secrets.set(`JWT #${i + 1} signature segment`, signature);
      });
      const hits = findHits(corpora, secrets);
      summarize('JWTs', corpora, secrets, hits);
      const all = corpora.flatMap((corpus) => corpus.lines).join('\n');
      expect(issued.length).toBeGreaterThanOrEqual(9);
      expect(all).toContain('Authorization allowed');
      expect(all).toContain('Authorization refused');
      expect(all).toContain('Authorization denied');
      expect(all).toContain('Authorization failed');
      expect(all).toContain(expectedFingerprint(issued[0]!));
      expect(hits).toEqual([]);
    } finally {
      await jwks.stop();
    }
  }, 60_000);
});
