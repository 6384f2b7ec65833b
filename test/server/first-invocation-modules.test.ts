/**
 * What a new execution environment's first MCP request loads. Node's global Headers/Request/Response
 * are undici, which loads http2, zlib and web streams on first touch: most of a first invocation.
 * The SDK and our endpoint use server/http/fetch-lite.ts instead (shared/fetch-lite-for-sdk.ts),
 * so none of those load on either protocol path. This fails when a new SDK release reaches the
 * globals by a path the build does not cover. Likewise for two smaller costs: `node:crypto`'s
 * public module (ciphers, key generation, X.509: the bundles get its functions on first use, see
 * shared/lazy-node-crypto-plugin.ts) and an ICU collator (text_stats creates one on first use).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toProxyEvent } from '../../emulator/gateway/proxy-event-builder.ts';
import { buildIfStale } from '../../shared/build-if-stale.ts';
import { distPaths, repoRoot } from '../../shared/lambda-artifacts.ts';

const FIRST_INVOCATION = path.join(repoRoot, 'test', 'fixtures', 'first-invocation-modules.mjs');
const UNDICI_AND_FRIENDS = /internal\/deps\/undici|NativeModule (http2|zlib)$|internal\/webstreams\/readablestream/;
const NODE_CRYPTO_MODULE = 'NativeModule crypto';

let dir: string;
beforeAll(async () => {
  await buildIfStale();
  dir = mkdtempSync(path.join(tmpdir(), 'first-invocation-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function firstInvocation(headers: Record<string, string>, body: object) {
  const eventFile = path.join(dir, `${headers['mcp-protocol-version']}.json`);
  const event = toProxyEvent(
    {
      method: 'POST',
      path: '/mcp',
      query: new URLSearchParams(),
      headers: Object.entries(headers),
      body: Buffer.from(JSON.stringify(body)),
      sourceIp: '127.0.0.1',
    },
    {
      resourcePath: '/mcp',
      stage: 'dev',
      apiId: 'test',
      accountId: '000000000000',
      domainName: '127.0.0.1',
      requestId: 'first-invocation-1',
      requestTimeEpoch: Date.now(),
      binaryMediaTypes: [],
      authorizer: { principalId: 'user-1', clientId: 'client-1', scopes: '' },
    },
  );
  writeFileSync(eventFile, JSON.stringify(event));
  const output = execFileSync(process.execPath, [FIRST_INVOCATION, distPaths('mcp-server').bundle, eventFile], {
    env: {
      PATH: process.env.PATH,
      TZ: ':UTC',
      AWS_REGION: 'us-east-1',
      NODE_PATH: path.join(repoRoot, 'node_modules'),
    },
    encoding: 'utf8',
  });
  return JSON.parse(output) as { statusCode: number; body: string; modules: string[]; collators: number };
}

const LEGACY_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};
const LEGACY_TOOLS_LIST = { jsonrpc: '2.0', id: 1, method: 'tools/list' };

describe('the first request of a new execution environment', () => {
  it('answers a 2025-era tools/list without loading undici, http2, zlib or web streams', () => {
    const result = firstInvocation(LEGACY_HEADERS, LEGACY_TOOLS_LIST);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body).result.tools.length).toBeGreaterThan(0);
    expect(result.modules.filter((name) => UNDICI_AND_FRIENDS.test(name))).toEqual([]);
  });

  it('answers a 2026-07-28 tools/list without loading undici, http2, zlib or web streams', () => {
    const result = firstInvocation(
      {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': 'tools/list',
      },
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/list',
        params: {
          _meta: {
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientInfo': { name: 'first-invocation', version: '1.0.0' },
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      },
    );
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body).result.tools.length).toBeGreaterThan(0);
    expect(result.modules.filter((name) => UNDICI_AND_FRIENDS.test(name))).toEqual([]);
  });

  it("answers its first tools/list without loading node:crypto's public module or creating an ICU collator", () => {
    const result = firstInvocation(LEGACY_HEADERS, LEGACY_TOOLS_LIST);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body).result.tools.map((tool: { name: string }) => tool.name)).toContain('text_stats');
    expect(result.modules).not.toContain(NODE_CRYPTO_MODULE);
    expect(result.collators).toBe(0);
  });
});
