/**
 * Protocol rules the conformance suite does not score, checked through the embedded stack (API
 * Gateway + authorizer, with the token): every revision from one endpoint, unknown
 * MCP-Protocol-Version rejected, JSON-RPC batches answered as each revision requires, and the
 * Host/Origin allow-list (DNS rebinding).
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../support/stack.ts';
import {
  LEGACY_PROTOCOL,
  LEGACY_PROTOCOLS,
  MODERN_PROTOCOL as MODERN,
  PROTOCOL_2025_03_26,
  PROTOCOL_2025_06_18,
} from '../support/mcp-protocol.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

const LEGACY_REVISIONS = LEGACY_PROTOCOLS;

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

/** node:http rather than fetch: fetch does not let a caller set Host, which the DNS-rebinding checks need. */
function post(body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const url = new URL(stack.endpoint);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          authorization: `Bearer ${stack.token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'content-length': Buffer.byteLength(payload),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const envelope = (version: string) => ({
  'io.modelcontextprotocol/protocolVersion': version,
  'io.modelcontextprotocol/clientCapabilities': {},
});
const initialize = (version: string, id = 1) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'protocol-test', version: '1.0.0' } },
});
const ping = (id: number) => ({ jsonrpc: '2.0', id, method: 'ping' });
const listTools = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/list' });

describe('one endpoint, every revision', () => {
  it('2026-07-28: server/discover lists the modern revision', async () => {
    const answer = await post(
      { jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: envelope(MODERN) } },
      { 'mcp-protocol-version': MODERN, 'mcp-method': 'server/discover' },
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ result: { supportedVersions: expect.arrayContaining([MODERN]) } });
  });

  it.each(LEGACY_REVISIONS)('%s: initialize is answered at that revision', async (version) => {
    const answer = await post(initialize(version));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      result: { protocolVersion: version, serverInfo: { name: 'stateless-mcp-on-lambda' } },
    });
  });
});

describe('unknown MCP-Protocol-Version', () => {
  it('is rejected with 400 on the 2025 wire', async () => {
    const answer = await post(listTools(1), { 'mcp-protocol-version': '1999-01-01' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ jsonrpc: '2.0', error: { code: expect.any(Number) } });
  });

  it('is rejected with 400 and -32022 (listing the supported versions) on the 2026 wire', async () => {
    const answer = await post(
      { jsonrpc: '2.0', id: 7, method: 'tools/list', params: { _meta: envelope('2099-01-01') } },
      { 'mcp-protocol-version': '2099-01-01', 'mcp-method': 'tools/list' },
    );
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      id: 7,
      error: { code: -32022, data: { supported: expect.arrayContaining([MODERN]), requested: '2099-01-01' } },
    });
  });
});

describe('JSON-RPC batches', () => {
  // 2025-03-26 (and a client that sends no MCP-Protocol-Version header, which the server must
  // take as 2025-03-26): implementations MUST support receiving batches.
  it.each([
    [PROTOCOL_2025_03_26, { 'mcp-protocol-version': PROTOCOL_2025_03_26 }],
    ['no header (taken as 2025-03-26)', {}],
  ])('%s: a batch is answered with an array of responses', async (_case, headers) => {
    const answer = await post([ping(1), listTools(2)], headers);
    expect(answer.status).toBe(200);
    expect(Array.isArray(answer.body)).toBe(true);
    const responses = answer.body as Array<{ id: number; result?: unknown }>;
    expect(responses.map((response) => response.id).sort()).toEqual([1, 2]);
    expect(responses.every((response) => response.result !== undefined)).toBe(true);
  });

  // 2025-06-18 removed batching; 2025-11-25 and 2026-07-28 keep it removed.
  it.each([PROTOCOL_2025_06_18, LEGACY_PROTOCOL])('%s: a batch is rejected with 400 and -32600', async (version) => {
    const answer = await post([ping(1), listTools(2)], { 'mcp-protocol-version': version });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: -32600 } });
  });

  it('2026-07-28: a batch is rejected with 400 and -32600', async () => {
    const request = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/list', params: { _meta: envelope(MODERN) } });
    const answer = await post([request(1), request(2)], { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/list' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: -32600 } });
  });
});

describe('Host and Origin allow-list (DNS rebinding)', () => {
  const request = () => ({ ...listTools(1) });
  const legacy = { 'mcp-protocol-version': LEGACY_PROTOCOL };

  it('serves a loopback Host and Origin', async () => {
    const port = new URL(stack.endpoint).port;
    const answer = await post(request(), { ...legacy, host: `localhost:${port}`, origin: `http://localhost:${port}` });
    expect(answer.status).toBe(200);
  });

  it('rejects a Host outside the allow-list with 403', async () => {
    const answer = await post(request(), { ...legacy, host: 'evil.example.com' });
    expect(answer.status).toBe(403);
  });

  it('rejects an Origin outside the allow-list with 403', async () => {
    const answer = await post(request(), { ...legacy, origin: 'http://evil.example.com' });
    expect(answer.status).toBe(403);
  });
});
