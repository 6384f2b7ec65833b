/**
 * Raw HTTP POSTs of 2026-07-28 requests to the Lambda handler served over real HTTP: the per-request
 * `_meta` envelope plus the standard `MCP-Protocol-Version` / `Mcp-Method` / `Mcp-Name` headers
 * (SEP-2243). Headers that are missing or disagree with the body are the spec's HeaderMismatch error
 * (-32020, HTTP 400); after each rejection the next good request succeeds.
 */
import {
  CLIENT_CAPABILITIES_META_KEY,
  Client,
  PROTOCOL_VERSION_META_KEY,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveLambda, type LambdaHttpServer } from './support/lambda-http-server.ts';
import { loadMcpHandler } from './support/load-handler.ts';
import { LEGACY_PROTOCOL, MODERN_PROTOCOL as MODERN, modernMeta, nextRequestId } from '../support/mcp-protocol.ts';

const HEADER_MISMATCH = -32020;
const UNSUPPORTED_PROTOCOL_VERSION = -32022;

let server: LambdaHttpServer;
beforeAll(async () => {
  server = await serveLambda(await loadMcpHandler());
});
afterAll(async () => {
  await server?.close();
});

const ENVELOPE = modernMeta('raw-http-test');

interface ModernRequest {
  readonly body: { jsonrpc: '2.0'; id?: number; method: string; params: Record<string, unknown> };
  readonly headers: Record<string, string>;
}

/** A 2026-07-28 request with the headers a conforming client sends for it. */
function modern(method: string, params: Record<string, unknown> = {}, name?: string): ModernRequest {
  return {
    body: { jsonrpc: '2.0', id: nextRequestId(), method, params: { ...params, _meta: ENVELOPE } },
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      'MCP-Protocol-Version': MODERN,
      'Mcp-Method': method,
      ...(name === undefined ? {} : { 'Mcp-Name': name }),
    },
  };
}

interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly text: string;
  readonly json: {
    id?: unknown;
    result?: Record<string, unknown> & {
      isError?: boolean;
      structuredContent?: Record<string, unknown>;
      content?: Array<{ text?: string }>;
    };
    error?: { code: number; message: string; data?: Record<string, unknown> };
  };
}

async function post(body: unknown, headers: Record<string, string | undefined>): Promise<Answer> {
  const sent: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) sent[name] = value;
  const response = await fetch(server.mcpUrl, {
    method: 'POST',
    headers: sent,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: Answer['json'] = {};
  try {
    json = JSON.parse(text) as Answer['json'];
  } catch {
    // Left empty: the assertions on status and text say what was wrong.
  }
  return { status: response.status, contentType: response.headers.get('content-type'), text, json };
}

async function send(request: ModernRequest, headerChanges: Record<string, string | undefined> = {}): Promise<Answer> {
  return post(request.body, { ...request.headers, ...headerChanges });
}

async function expectGoodRequestSucceeds(): Promise<void> {
  const answer = await send(modern('tools/call', { name: 'ping', arguments: {} }, 'ping'));
  expect(answer.status).toBe(200);
  expect(answer.json.result?.structuredContent).toMatchObject({ message: 'pong' });
}

describe('2026-07-28 requests whose headers match the body', () => {
  it('tools/list (Mcp-Method only) lists the five tools as a complete result', async () => {
    const answer = await send(modern('tools/list'));
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect((answer.json.result?.tools as unknown[]).length).toBe(5);
    expect(answer.json.result?.resultType).toBe('complete');
  });

  it('tools/call with Mcp-Name = params.name is served', async () => {
    await expectGoodRequestSucceeds();
  });

  it('resources/read with Mcp-Name = params.uri is served', async () => {
    const answer = await send(modern('resources/read', { uri: 'aws-region://eu-west-1' }, 'aws-region://eu-west-1'));
    expect(answer.status).toBe(200);
    expect(answer.json.result?.contents).toEqual([expect.objectContaining({ uri: 'aws-region://eu-west-1' })]);
  });

  it('prompts/get with Mcp-Name = params.name is served', async () => {
    const answer = await send(
      modern('prompts/get', { name: 'plan_region_rollout', arguments: { service: 'billing' } }, 'plan_region_rollout'),
    );
    expect(answer.status).toBe(200);
    expect(JSON.stringify(answer.json.result?.messages)).toContain('billing');
  });

  it('a notification needs no standard headers and is accepted with 202', async () => {
    const answer = await post(
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 99, _meta: ENVELOPE } },
      { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
    );
    expect(answer.status).toBe(202);
    expect(answer.text).toBe('');
  });

  it('these raw requests carry the same headers and envelope keys as the v2 Client sends', async () => {
    const captured: Array<{ headers: Headers; body: { method: string; params: { _meta: Record<string, unknown> } } }> =
      [];
    const capture: typeof fetch = (input, init) => {
      captured.push({
        headers: new Headers(init?.headers),
        body: JSON.parse(String(init?.body)) as (typeof captured)[number]['body'],
      });
      return fetch(input, init);
    };
    const client = new Client({ name: 'capture', version: '1.0.0' }, { versionNegotiation: { mode: { pin: MODERN } } });
    await client.connect(new StreamableHTTPClientTransport(server.mcpUrl, { fetch: capture }));
    try {
      await client.callTool({ name: 'ping', arguments: {} });
    } finally {
      await client.close();
    }
    const call = captured.find((request) => request.body.method === 'tools/call');
    expect(call?.headers.get('mcp-method')).toBe('tools/call');
    expect(call?.headers.get('mcp-name')).toBe('ping');
    expect(call?.headers.get('mcp-protocol-version')).toBe(MODERN);
    expect(Object.keys(call?.body.params._meta ?? {}).sort()).toEqual(Object.keys(ENVELOPE).sort());
  });
});

interface Mismatch {
  readonly name: string;
  readonly request: () => ModernRequest;
  readonly headers: Record<string, string | undefined>;
  readonly mentions: RegExp;
}

const MISMATCHES: Mismatch[] = [
  {
    name: 'Mcp-Method missing',
    request: () => modern('tools/call', { name: 'ping', arguments: {} }, 'ping'),
    headers: { 'Mcp-Method': undefined },
    mentions: /required Mcp-Method header is absent/,
  },
  {
    name: 'Mcp-Method naming another method than the body',
    request: () => modern('tools/call', { name: 'ping', arguments: {} }, 'ping'),
    headers: { 'Mcp-Method': 'tools/list' },
    mentions: /Mcp-Method header names tools\/list/,
  },
  {
    name: 'Mcp-Name missing on tools/call',
    request: () => modern('tools/call', { name: 'ping', arguments: {} }, 'ping'),
    headers: { 'Mcp-Name': undefined },
    mentions: /required Mcp-Name header is absent/,
  },
  {
    name: 'Mcp-Name naming another tool than params.name',
    request: () => modern('tools/call', { name: 'ping', arguments: {} }, 'ping'),
    headers: { 'Mcp-Name': 'whoami' },
    mentions: /Mcp-Name header names "whoami"/,
  },
  {
    name: 'Mcp-Name naming another resource than params.uri',
    request: () => modern('resources/read', { uri: 'info://server' }, 'info://server'),
    headers: { 'Mcp-Name': 'aws-region://eu-west-1' },
    mentions: /params\.uri="info:\/\/server"/,
  },
  {
    name: 'Mcp-Name naming another prompt than params.name',
    request: () =>
      modern('prompts/get', { name: 'plan_region_rollout', arguments: { service: 'x' } }, 'plan_region_rollout'),
    headers: { 'Mcp-Name': 'other_prompt' },
    mentions: /Mcp-Name header names "other_prompt"/,
  },
  {
    name: 'MCP-Protocol-Version missing',
    request: () => modern('tools/list'),
    headers: { 'MCP-Protocol-Version': undefined },
    mentions: /required MCP-Protocol-Version header is absent/,
  },
  {
    name: 'MCP-Protocol-Version naming a 2025 revision while the envelope names 2026-07-28',
    request: () => modern('tools/list'),
    headers: { 'MCP-Protocol-Version': LEGACY_PROTOCOL },
    mentions: /MCP-Protocol-Version header names 2025-11-25/,
  },
];

describe('2026-07-28 standard headers that are missing or disagree with the body', () => {
  it.each(MISMATCHES)(
    '$name → 400 HeaderMismatch (-32020) with the request id; the next good request succeeds',
    async ({ request, headers, mentions }) => {
      const sent = request();
      const answer = await send(sent, headers);
      expect(answer.status).toBe(400);
      expect(answer.json.result).toBeUndefined();
      expect(answer.json.error?.code).toBe(HEADER_MISMATCH);
      expect(answer.json.error?.message).toMatch(mentions);
      expect(answer.json.id).toBe(sent.body.id);
      await expectGoodRequestSucceeds();
    },
  );

  it('an initialize handshake sent with the 2026-07-28 MCP-Protocol-Version header → 400 -32020', async () => {
    const answer = await post(
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: MODERN, capabilities: {}, clientInfo: { name: 'x', version: '1' } },
      },
      {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        'MCP-Protocol-Version': MODERN,
        'Mcp-Method': 'initialize',
      },
    );
    expect(answer.status).toBe(400);
    expect(answer.json.error?.code).toBe(HEADER_MISMATCH);
    await expectGoodRequestSucceeds();
  });
});

describe('other 2026-07-28 bad input', () => {
  it('an envelope naming an unsupported revision → 400 -32022 listing the supported ones', async () => {
    const sent = modern('tools/list');
    sent.body.params._meta = { ...ENVELOPE, [PROTOCOL_VERSION_META_KEY]: '2099-01-01' };
    const answer = await send(sent, { 'MCP-Protocol-Version': '2099-01-01' });
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatchObject({
      code: UNSUPPORTED_PROTOCOL_VERSION,
      data: { supported: [MODERN], requested: '2099-01-01' },
    });
    await expectGoodRequestSucceeds();
  });

  it('an envelope without clientCapabilities → 400 -32602 naming the missing key', async () => {
    const sent = modern('tools/list');
    sent.body.params._meta = { [PROTOCOL_VERSION_META_KEY]: MODERN };
    const answer = await send(sent);
    expect(answer.status).toBe(400);
    expect(answer.json.error?.code).toBe(-32602);
    expect(answer.json.error?.message).toContain(CLIENT_CAPABILITIES_META_KEY);
    await expectGoodRequestSucceeds();
  });

  it('an unknown method → -32601 (HTTP 404 on this revision)', async () => {
    const answer = await send(modern('tools/explode'));
    expect(answer.status).toBe(404);
    expect(answer.json.error?.code).toBe(-32601);
    await expectGoodRequestSucceeds();
  });

  it('a wrongly typed tool argument → isError tool result naming the field', async () => {
    const answer = await send(modern('tools/call', { name: 'text_stats', arguments: { text: 42 } }, 'text_stats'));
    expect(answer.status).toBe(200);
    expect(answer.json.result?.isError).toBe(true);
    expect(answer.json.result?.content?.[0]?.text).toMatch(/Input validation error.*\btext\b/);
    await expectGoodRequestSucceeds();
  });

  it('malformed JSON → 400 -32700', async () => {
    const answer = await post('{"jsonrpc":"2.0","id":', modern('tools/list').headers);
    expect(answer.status).toBe(400);
    expect(answer.json.error?.code).toBe(-32700);
    await expectGoodRequestSucceeds();
  });

  it('Content-Type: text/plain → 415', async () => {
    const answer = await send(modern('tools/list'), { 'Content-Type': 'text/plain' });
    expect(answer.status).toBe(415);
    await expectGoodRequestSucceeds();
  });

  // Observed SDK behaviour, recorded so a change is noticed: the 2026-07-28 path answers JSON
  // whatever the Accept header says; the 406 check applies to 2025-era requests only.
  it('Accept: text/html is not refused on this revision (the SDK answers JSON)', async () => {
    const answer = await send(modern('tools/list'), { Accept: 'text/html' });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^application\/json/);
  });
});
