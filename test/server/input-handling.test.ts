/**
 * Inputs that used to cost an execution environment its timeout, a 500 or an unreadable error,
 * driven through the MCP Lambda entry with API Gateway proxy events: adversarial text for
 * text_stats, a malformed Host, a forged X-Forwarded-Proto, invalid params on both protocol eras,
 * and an unknown resource.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { computeTextStats } from '../../server/mcp/tools/text-stats.ts';
import type { ProxyHandler } from './support/lambda-http-server.ts';
import { loadMcpHandler } from './support/load-handler.ts';
import {
  API_HOST,
  httpAnswer,
  lambdaContext,
  proxyEvent,
  type EventOptions,
  type HttpAnswer,
} from './support/proxy-events.ts';
import { LEGACY_PROTOCOL, MODERN_PROTOCOL, modernMeta, nextRequestId } from '../support/mcp-protocol.ts';

let handler: ProxyHandler;
beforeAll(async () => {
  handler = await loadMcpHandler();
});

async function invoke(options: EventOptions): Promise<HttpAnswer> {
  return httpAnswer(await handler(proxyEvent(options), lambdaContext()));
}

const MODERN_META = modernMeta('input-handling-test');

async function rpc(
  era: typeof LEGACY_PROTOCOL | typeof MODERN_PROTOCOL,
  method: string,
  params: Record<string, unknown>,
  name?: string,
): Promise<{ answer: HttpAnswer; body: { result?: any; error?: { code: number; message: string; data?: unknown } } }> {
  const modern = era === MODERN_PROTOCOL;
  const answer = await invoke({
    headers: [
      ['Content-Type', 'application/json'],
      ['Accept', 'application/json, text/event-stream'],
      ['MCP-Protocol-Version', era],
      ...(modern ? ([['Mcp-Method', method]] as Array<[string, string]>) : []),
      ...(modern && name ? ([['Mcp-Name', name]] as Array<[string, string]>) : []),
    ],
    body: { jsonrpc: '2.0', id: nextRequestId(), method, params: modern ? { ...params, _meta: MODERN_META } : params },
  });
  return { answer, body: answer.json as never };
}

describe('text_stats is linear in its input', () => {
  it('counts sentences of a 200,000-character run of "!" not followed by a space (quadratic before)', async () => {
    const started = performance.now();
    const { answer, body } = await rpc(LEGACY_PROTOCOL, 'tools/call', {
      name: 'text_stats',
      arguments: { text: `${'!'.repeat(199_999)}x`, top: 5 },
    });
    expect(answer.status).toBe(200);
    expect(body.result?.structuredContent).toEqual({
      characters: 200_000,
      words: 1,
      lines: 1,
      sentences: 0,
      averageWordLength: 1,
      topWords: [{ word: 'x', count: 1 }],
    });
    // Not a performance claim: a guard against the hang (the quadratic version ran past 10 s).
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('gives the same counts as the definition on other adversarial shapes', () => {
    expect(computeTextStats(`${'!'.repeat(100_000)} x`, 1).sentences).toBe(1);
    expect(computeTextStats('!x'.repeat(100_000), 1).sentences).toBe(0);
    expect(computeTextStats('x! '.repeat(60_000), 1).sentences).toBe(60_000);
    expect(computeTextStats('a. b?! c\u00a0d...', 3).sentences).toBe(3);
    expect(computeTextStats('a.\u00a0b', 1).sentences).toBe(1);
    expect(computeTextStats('.?!', 1).sentences).toBe(1);
    const distinct = Array.from({ length: 30_000 }, (_, i) => `w${i}`).join(' ');
    const stats = computeTextStats(`${distinct} w7 w7 w3`, 3);
    expect(stats.words).toBe(30_003);
    expect(stats.topWords).toEqual([
      { word: 'w7', count: 3 },
      { word: 'w3', count: 2 },
      { word: 'w0', count: 1 },
    ]);
  });
});

describe('RFC 9728 metadata as API Gateway presents the request', () => {
  it('answers 400, not 500 with a stack trace, for a Host with userinfo, on the metadata and MCP routes', async () => {
    const metadata = await invoke({
      method: 'GET',
      path: '/.well-known/oauth-protected-resource',
      host: 'user@evil.example',
      authorizer: null,
    });
    expect(metadata.status).toBe(400);
    expect(metadata.json).toEqual({ message: 'Bad Request: malformed Host header' });
    const mcp = await rpc(LEGACY_PROTOCOL, 'tools/list', {}).then(() =>
      invoke({
        host: 'user@evil.example',
        headers: [
          ['Content-Type', 'application/json'],
          ['Accept', 'application/json, text/event-stream'],
        ],
        body: { jsonrpc: '2.0', id: 1, method: 'ping' },
      }),
    );
    expect(mcp.status).toBe(400);
    expect((mcp.json as { error: { code: number } }).error.code).toBe(-32600);
    expect(mcp.text).not.toMatch(/at .*\.ts|Error:/);
  });

  it('takes the scheme API Gateway set (the last X-Forwarded-Proto entry), never a list, and varies on the headers it reads', async () => {
    const answer = await invoke({
      method: 'GET',
      path: '/.well-known/oauth-protected-resource',
      authorizer: null,
      headers: [['X-Forwarded-Proto', 'http']],
    });
    expect(answer.status).toBe(200);
    expect((answer.json as { resource: string }).resource).toBe(`https://${API_HOST}/dev/mcp`);
    expect(answer.headers.vary).toBe('Host, X-Forwarded-Proto');
    expect(answer.headers['cache-control']).toBe('max-age=300');
  });
});

describe('invalid params answer -32602 with a readable message', () => {
  const cases = [
    { era: LEGACY_PROTOCOL, method: 'logging/setLevel', params: { level: 'loud' }, mentions: /level/ },
    {
      era: LEGACY_PROTOCOL,
      method: 'prompts/get',
      params: { name: 'plan_region_rollout', arguments: { service: 5 } },
      mentions: /arguments\.service/,
    },
    {
      era: MODERN_PROTOCOL,
      method: 'prompts/get',
      params: { name: 'plan_region_rollout', arguments: { service: 5 } },
      mentions: /arguments\.service/,
      name: 'plan_region_rollout',
    },
    { era: LEGACY_PROTOCOL, method: 'tools/list', params: { cursor: 5 }, mentions: /cursor/ },
    { era: MODERN_PROTOCOL, method: 'tools/list', params: { cursor: 5 }, mentions: /cursor/ },
  ] as const;
  for (const c of cases) {
    it(`${c.method} on ${c.era}`, async () => {
      const { answer, body } = await rpc(c.era, c.method, c.params, 'name' in c ? c.name : undefined);
      expect(answer.status).toBe(200);
      expect(body.error?.code).toBe(-32602);
      expect(body.error?.message).toMatch(new RegExp(`^Invalid params for ${c.method}: `));
      expect(body.error?.message).toMatch(c.mentions);
      expect(body.error?.message).not.toContain('"code"');
    });
  }

  it('finds no params schema for methods named like Object.prototype members (method not found, not 500)', async () => {
    for (const method of ['__proto__', 'valueOf', 'constructor']) {
      const { answer, body } = await rpc(LEGACY_PROTOCOL, method, {});
      expect(answer.status).toBe(200);
      expect(body.error?.code).toBe(-32601);
    }
  });

  it('leaves valid params to the SDK (a valid level is accepted)', async () => {
    const { body } = await rpc(LEGACY_PROTOCOL, 'logging/setLevel', { level: 'warning' });
    expect(body.error).toBeUndefined();
    expect(body.result).toEqual({});
  });
});

describe('resources/read of an unknown aws-region:// code', () => {
  for (const era of [LEGACY_PROTOCOL, MODERN_PROTOCOL] as const) {
    it(`is the resource-not-found error (-32602 with the URI, SEP-2164) on ${era}`, async () => {
      const uri = 'aws-region://xx-nowhere-9';
      const { body } = await rpc(era, 'resources/read', { uri }, uri);
      expect(body.result).toBeUndefined();
      expect(body.error?.code).toBe(-32602);
      expect(body.error?.message).toContain(uri);
      expect(body.error?.data).toMatchObject({ uri });
    });
  }

  it('still reads a known code', async () => {
    const { body } = await rpc(LEGACY_PROTOCOL, 'resources/read', { uri: 'aws-region://eu-west-1' });
    expect(JSON.parse(body.result.contents[0].text)).toMatchObject({ code: 'eu-west-1' });
  });
});
