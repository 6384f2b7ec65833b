/**
 * Every place the product relies on SDK or zod internals (server/sdk-seams/), judged against the
 * installed versions: an upgrade that removes or changes what a seam relies on fails here, by
 * name, instead of breaking the product silently. Real SDK clients talk to real SDK servers
 * through the SDK's web-standard handler, in process.
 */
import { Client } from '@modelcontextprotocol/client';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import {
  createMcpHandler,
  legacyStatelessFallback,
  McpServer,
  type McpServerFactory,
} from '@modelcontextprotocol/server';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { repoRoot } from '../../shared/lambda-artifacts.ts';
import { createMcpEndpoint } from '../../server/http/mcp-endpoint.ts';
import { beforeRequestHandler } from '../../server/sdk-seams/request-handler-hook.ts';
import { SdkSeamError } from '../../server/sdk-seams/seam-error.ts';
import { skipToolOutputValidation } from '../../server/sdk-seams/tool-output-validation.ts';
import { withCachedJsonSchema } from '../../server/sdk-seams/zod-json-schema.ts';
import { LEGACY_PROTOCOL, MODERN_PROTOCOL } from '../support/mcp-protocol.ts';

const URL_ = 'http://127.0.0.1/dev/mcp';
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function clientFor(factory: McpServerFactory): Promise<Client> {
  const handler = createMcpHandler(factory, { legacy: 'reject' });
  const client = new Client(
    { name: 'seams-test', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: MODERN_PROTOCOL } } },
  );
  await client.connect(
    new StreamableHTTPClientTransport(new URL(URL_), {
      fetch: (input, init) => handler.fetch(new Request(input, init)),
    }),
  );
  closers.push(() => client.close());
  return client;
}

function newServer(): McpServer {
  return new McpServer({ name: 'seams', version: '1.0.0' });
}

describe('SDK versions', () => {
  it('are pinned exactly in package.json, to the versions installed (the ones these seams were judged on)', () => {
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    const specs = { ...manifest.dependencies, ...manifest.devDependencies };
    // The SDK packages and zod (the seams); other @modelcontextprotocol tools (inspector-cli) are not SDKs.
    const sdks = ['@modelcontextprotocol/server', '@modelcontextprotocol/client', '@modelcontextprotocol/sdk', 'zod'];
    const pinned = sdks.map((name) => [name, specs[name]] as const);
    for (const [name, spec] of pinned) {
      expect(spec, name).toBeDefined();
      expect(spec, name).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
      const installed = JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      };
      expect(installed.version, name).toBe(spec);
    }
  });
});

describe('Server._wrapHandler (request-handler-hook.ts)', () => {
  it('runs our check before the SDK tools/call handler, and a throw there is a JSON-RPC error, not an isError result', async () => {
    const seen: string[] = [];
    const client = await clientFor(() => {
      const server = newServer();
      beforeRequestHandler(server, 'tools/call', (request) => {
        const name = (request as { params: { name: string } }).params.name;
        seen.push(name);
        if (name === 'blocked') throw new Error('refused before the tool ran');
      });
      server.registerTool('open', { inputSchema: z.object({}) }, () => ({ content: [{ type: 'text', text: 'ran' }] }));
      server.registerTool('blocked', { inputSchema: z.object({}) }, () => ({
        content: [{ type: 'text', text: 'must not run' }],
      }));
      return server;
    });
    expect((await client.callTool({ name: 'open', arguments: {} })).content).toEqual([{ type: 'text', text: 'ran' }]);
    await expect(client.callTool({ name: 'blocked', arguments: {} })).rejects.toThrow(/refused before the tool ran/);
    expect(seen).toEqual(['open', 'blocked']);
  });

  it('fails loudly when the hook is gone', () => {
    const server = newServer();
    Object.defineProperty(server.server, '_wrapHandler', { value: undefined });
    expect(() => beforeRequestHandler(server, 'tools/call', () => undefined)).toThrow(SdkSeamError);
  });
});

describe('McpServer.validateToolOutput (tool-output-validation.ts)', () => {
  const output = z.object({ answer: z.number() });
  const factory = (skip: boolean) => () => {
    const server = newServer();
    if (skip)
      skipToolOutputValidation(server, (result) => (result as { _meta?: { handle?: boolean } })._meta?.handle === true);
    server.registerTool('handle', { inputSchema: z.object({}), outputSchema: output }, () => ({
      content: [],
      _meta: { handle: true },
    }));
    server.registerTool('wrong', { inputSchema: z.object({}), outputSchema: output }, () => ({
      content: [],
      structuredContent: { answer: 'x' },
    }));
    return server;
  };

  it('is what rejects a result without structuredContent (the seam has something to skip)', async () => {
    const result = await (await clientFor(factory(false)))
      .callTool({ name: 'handle', arguments: {} })
      .catch((error: unknown) => error);
    expect(JSON.stringify(result instanceof Error ? result.message : result)).toMatch(/structured|output/i);
  });

  it('lets the skipped results through and still validates every other one', async () => {
    const client = await clientFor(factory(true));
    expect((await client.callTool({ name: 'handle', arguments: {} })).isError).toBeFalsy();
    const wrong = await client.callTool({ name: 'wrong', arguments: {} }).catch((error: unknown) => error);
    expect(JSON.stringify(wrong instanceof Error ? wrong.message : wrong)).toMatch(/answer|output|structured/i);
  });

  it('fails loudly when the method is gone', () => {
    const server = newServer();
    Object.defineProperty(server, 'validateToolOutput', { value: undefined });
    expect(() => skipToolOutputValidation(server, () => true)).toThrow(SdkSeamError);
  });
});

describe("zod's ~standard.jsonSchema (zod-json-schema.ts)", () => {
  it('is what the SDK lists tools from: memoised, the same object on every call, and the same schema', async () => {
    const plain = z.object({ city: z.string().describe('A city') });
    const expected = plain['~standard'].jsonSchema.input({ target: 'draft-2020-12' });
    const cached = withCachedJsonSchema(z.object({ city: z.string().describe('A city') }));
    const first = cached['~standard'].jsonSchema.input({ target: 'draft-2020-12' });
    expect(cached['~standard'].jsonSchema.input({ target: 'draft-2020-12' })).toBe(first);
    expect(first).toEqual(expected);
    const client = await clientFor(() => {
      const server = newServer();
      server.registerTool('weather', { inputSchema: cached }, () => ({ content: [] }));
      return server;
    });
    const [tool] = (await client.listTools()).tools;
    expect(tool?.inputSchema).toMatchObject({
      type: 'object',
      properties: { city: { type: 'string', description: 'A city' } },
      required: ['city'],
    });
    // Validation still runs through zod.
    expect((await client.callTool({ name: 'weather', arguments: { city: 7 } })).isError).toBe(true);
  });

  it('fails loudly when zod no longer offers jsonSchema on ~standard', () => {
    const schema = z.object({});
    Object.defineProperty(schema, '~standard', {
      value: { ...schema['~standard'], jsonSchema: undefined },
      writable: true,
    });
    expect(() => withCachedJsonSchema(schema)).toThrow(SdkSeamError);
  });
});

describe("the SDK's legacyStatelessFallback (legacy-stateless.ts re-implements it)", () => {
  const initialize = {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: {
      protocolVersion: LEGACY_PROTOCOL,
      capabilities: {},
      clientInfo: { name: 'seams-test', version: '1.0.0' },
    },
  };
  const post = () =>
    new Request(URL_, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify(initialize),
    });

  it('still exists and still answers 2025-era requests over SSE, the one behaviour ours changes', async () => {
    expect(typeof legacyStatelessFallback).toBe('function');
    const sdk = createMcpHandler(() => newServer(), { legacy: 'stateless' });
    const response = await sdk.fetch(post());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(await response.text()).toContain(`"protocolVersion":"${LEGACY_PROTOCOL}"`);
  });

  it('is mirrored by ours with a JSON answer and the same result', async () => {
    const endpoint = createMcpEndpoint(() => newServer(), {
      maxRequestBodyBytes: 1_000_000,
      allowedHosts: [],
      allowedOrigins: [],
    });
    const request = post();
    const response = await endpoint({
      url: request.url,
      method: 'POST',
      headers: request.headers,
      body: JSON.stringify(initialize),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toMatchObject({
      id: 1,
      result: { protocolVersion: LEGACY_PROTOCOL, serverInfo: { name: 'seams' } },
    });
  });
});
