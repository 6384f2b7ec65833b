/**
 * The SDKs' own clients against the Lambda handler served over real HTTP (node:http on 127.0.0.1,
 * mapped through `toProxyEvent` → handler → `fromProxyResult` as API Gateway does): the v2 `Client`
 * speaking 2026-07-28 (no initialize; `server/discover`), and the v1 `Client` from
 * `@modelcontextprotocol/sdk` negotiating each 2025 revision.
 */
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as LegacyTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveLambda, type LambdaHttpServer } from './support/lambda-http-server.ts';
import { LAMBDA_ENV, loadMcpHandler } from './support/load-handler.ts';
import type { ProxyEvent } from '../../server/gateway/proxy-event.ts';
import { AUTHORIZER_CONTEXT } from './support/proxy-events.ts';
import { LEGACY_PROTOCOLS, MODERN_PROTOCOL } from '../support/mcp-protocol.ts';

/** As the SDKs parse a notification (zod): an absent optional field may be present as `undefined`. */
interface Progress {
  readonly progress: number;
  readonly total?: number | undefined;
  readonly message?: string | undefined;
}

interface ToolResult {
  readonly content?: unknown;
  readonly structuredContent?: Record<string, unknown>;
  readonly isError?: boolean;
}

interface TextContents {
  readonly uri: string;
  readonly mimeType?: string;
  readonly text?: string;
}

/** What both SDK generations offer, narrowed to what these tests use. */
interface McpSession {
  readonly negotiatedVersion: () => string | undefined;
  readonly serverName: () => string | undefined;
  listTools(): Promise<{ tools: Array<{ name: string; inputSchema: unknown; outputSchema?: unknown }> }>;
  callTool(name: string, args: Record<string, unknown>, onprogress?: (progress: Progress) => void): Promise<ToolResult>;
  listResources(): Promise<{ resources: Array<{ uri: string; name: string; title?: string | undefined }> }>;
  readResource(uri: string): Promise<{ contents: TextContents[] }>;
  listResourceTemplates(): Promise<{ resourceTemplates: Array<{ uriTemplate: string; name: string }> }>;
  listPrompts(): Promise<{
    prompts: Array<{ name: string; arguments?: Array<{ name: string; required?: boolean | undefined }> | undefined }>;
  }>;
  getPrompt(
    name: string,
    args: Record<string, string>,
  ): Promise<{ messages: Array<{ role: string; content: unknown }> }>;
  close(): Promise<void>;
}

const CLIENT_INFO = { name: 'sdk-interop-test', version: '1.0.0' };

async function connectModern(url: URL): Promise<McpSession> {
  const client = new ModernClient(CLIENT_INFO, { versionNegotiation: { mode: { pin: MODERN_PROTOCOL } } });
  await client.connect(new ModernTransport(url));
  return {
    negotiatedVersion: () => (client.getProtocolEra() === 'modern' ? client.getNegotiatedProtocolVersion() : undefined),
    serverName: () => client.getServerVersion()?.name,
    listTools: () => client.listTools(),
    callTool: (name, args, onprogress) =>
      client.callTool({ name, arguments: args }, onprogress ? { onprogress } : {}) as Promise<ToolResult>,
    listResources: () => client.listResources(),
    readResource: (uri) => client.readResource({ uri }) as Promise<{ contents: TextContents[] }>,
    listResourceTemplates: () => client.listResourceTemplates(),
    listPrompts: () => client.listPrompts(),
    getPrompt: (name, args) => client.getPrompt({ name, arguments: args }),
    close: () => client.close(),
  };
}

/**
 * v1 always offers its latest revision (2025-11-25) in `initialize`; there is no option to offer
 * an older one. Rewriting the offer on the wire makes it a client of that revision: the server
 * echoes the version, the client accepts it (it supports all 2025 revisions) and sends it in
 * MCP-Protocol-Version from then on.
 */
function offeringVersion(version: string): typeof fetch {
  return async (input, init) => {
    if (init?.method === 'POST' && typeof init.body === 'string') {
      const message = JSON.parse(init.body) as { method?: string; params?: { protocolVersion?: string } };
      if (message.method === 'initialize' && message.params) {
        message.params.protocolVersion = version;
        return fetch(input, { ...init, body: JSON.stringify(message) });
      }
    }
    return fetch(input, init);
  };
}

async function connectLegacy(url: URL, version: string): Promise<McpSession> {
  const client = new LegacyClient(CLIENT_INFO);
  const transport = new LegacyTransport(url, { fetch: offeringVersion(version) });
  await client.connect(transport);
  return {
    negotiatedVersion: () => transport.protocolVersion,
    serverName: () => client.getServerVersion()?.name,
    listTools: () => client.listTools(),
    callTool: (name, args, onprogress) =>
      client.callTool({ name, arguments: args }, undefined, onprogress ? { onprogress } : {}) as Promise<ToolResult>,
    listResources: () => client.listResources(),
    readResource: (uri) => client.readResource({ uri }) as Promise<{ contents: TextContents[] }>,
    listResourceTemplates: () => client.listResourceTemplates(),
    listPrompts: () => client.listPrompts(),
    getPrompt: (name, args) => client.getPrompt({ name, arguments: args }),
    close: () => client.close(),
  };
}

interface ClientCase {
  readonly version: string;
  /** The first method the client sends: 2026-07-28 has no initialize handshake. */
  readonly handshake: 'server/discover' | 'initialize';
  readonly connect: (url: URL) => Promise<McpSession>;
}

const CASES: Array<[string, ClientCase]> = [
  [
    'v2 Client (@modelcontextprotocol/client) at 2026-07-28',
    { version: MODERN_PROTOCOL, handshake: 'server/discover', connect: connectModern },
  ],
  ...LEGACY_PROTOCOLS.map((version): [string, ClientCase] => [
    `v1 Client (@modelcontextprotocol/sdk) negotiating ${version}`,
    { version, handshake: 'initialize', connect: (url) => connectLegacy(url, version) },
  ]),
];

/** The JSON-RPC method(s) of a forwarded event's body. */
function methodsOf(event: ProxyEvent): string[] {
  const body =
    event.body === null ? '' : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8').toString('utf8');
  const parsed = JSON.parse(body) as { method?: string } | Array<{ method?: string }>;
  return (Array.isArray(parsed) ? parsed : [parsed]).map((message) => message.method ?? '(response)');
}

const SAMPLE_TEXT = 'The cat sat. The dog ran!\nThe end?';

let server: LambdaHttpServer;
beforeAll(async () => {
  server = await serveLambda(await loadMcpHandler());
});
afterAll(async () => {
  await server?.close();
});

describe.each(CASES)('%s', (_title, { version, handshake, connect }) => {
  let session: McpSession;
  let firstEvent = 0;
  beforeAll(async () => {
    firstEvent = server.events.length;
    session = await connect(server.mcpUrl);
  });
  afterAll(async () => {
    await session?.close();
  });

  it(`connects at exactly ${version} with ${handshake} and identifies the server`, () => {
    expect(session.negotiatedVersion()).toBe(version);
    expect(session.serverName()).toBe('stateless-mcp-on-lambda');
    const methods = server.events.slice(firstEvent).flatMap(methodsOf);
    expect(methods[0]).toBe(handshake);
    if (handshake === 'server/discover') expect(methods).not.toContain('initialize');
  });

  it('lists the five tools', async () => {
    const { tools } = await session.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'long_task',
      'lookup_region',
      'ping',
      'text_stats',
      'whoami',
    ]);
    // Every request after the handshake told the gateway which revision it speaks, and no session.
    const events = server.events.slice(firstEvent + 1);
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) {
      expect(event.headers['mcp-protocol-version']).toBe(version);
      expect(event.headers['mcp-session-id']).toBeUndefined();
    }
  });

  it('ping answers pong from the Lambda execution environment', async () => {
    const result = await session.callTool('ping', {});
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      message: 'pong',
      logStream: LAMBDA_ENV.AWS_LAMBDA_LOG_STREAM_NAME,
      functionName: LAMBDA_ENV.AWS_LAMBDA_FUNCTION_NAME,
      coldStart: false,
    });
  });

  it('text_stats counts characters, words, lines, sentences and top words', async () => {
    const result = await session.callTool('text_stats', { text: SAMPLE_TEXT, top: 2 });
    expect(result.structuredContent).toEqual({
      characters: SAMPLE_TEXT.length,
      words: 8,
      lines: 2,
      sentences: 3,
      averageWordLength: 3,
      topWords: [
        { word: 'the', count: 3 },
        { word: 'cat', count: 1 },
      ],
    });
  });

  it('lookup_region returns the region as structured content', async () => {
    const result = await session.callTool('lookup_region', { code: 'eu-west-1' });
    expect(result.structuredContent).toEqual({
      code: 'eu-west-1',
      name: 'Europe (Ireland)',
      geography: 'Europe',
      availabilityZones: 3,
      launched: 2007,
    });
  });

  it('lookup_region with an unknown code is an isError tool result the model can read', async () => {
    const result = await session.callTool('lookup_region', { code: 'xx-nowhere-9' });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(JSON.stringify(result.content)).toContain("Unknown region code 'xx-nowhere-9'");
  });

  it('text_stats with a wrongly typed argument is an isError tool result naming the field', async () => {
    const result = await session.callTool('text_stats', { text: 42 });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/Input validation error.*text/);
  });

  it('whoami echoes the API Gateway authorizer context', async () => {
    const result = await session.callTool('whoami', {});
    expect(result.structuredContent).toEqual({
      authenticated: true,
      principal: AUTHORIZER_CONTEXT.principalId,
      clientId: AUTHORIZER_CONTEXT.clientId,
      scopes: AUTHORIZER_CONTEXT.scope.split(' '),
      authMode: AUTHORIZER_CONTEXT.authMode,
    });
  });

  it('long_task without progress returns its structured result', async () => {
    const result = await session.callTool('long_task', { steps: 2, stepMs: 1 });
    expect(result.structuredContent).toMatchObject({ stepsCompleted: 2 });
  });

  it('long_task with onprogress delivers every progress notification, in order, before the result', async () => {
    const seen: string[] = [];
    const pending = session.callTool('long_task', { steps: 3, stepMs: 5 }, (progress) => {
      seen.push(`progress ${progress.progress}/${progress.total} ${progress.message}`);
    });
    const result = await pending.then((value) => {
      seen.push('result');
      return value;
    });
    expect(seen).toEqual([
      'progress 1/3 step 1 of 3',
      'progress 2/3 step 2 of 3',
      'progress 3/3 step 3 of 3',
      'result',
    ]);
    expect(result.structuredContent).toMatchObject({ stepsCompleted: 3 });
  });

  it('lists the server resource and every catalogue region', async () => {
    const { resources } = await session.listResources();
    const uris = resources.map((resource) => resource.uri);
    expect(uris).toContain('info://server');
    expect(uris).toContain('aws-region://eu-west-1');
    expect(uris).toHaveLength(1 + 13);
    expect(resources.find((resource) => resource.uri === 'aws-region://sa-east-1')?.title).toBe(
      'South America (São Paulo)',
    );
  });

  it('reads info://server', async () => {
    const { contents } = await session.readResource('info://server');
    expect(contents).toHaveLength(1);
    expect(contents[0]).toMatchObject({ uri: 'info://server', mimeType: 'application/json' });
    expect(JSON.parse(contents[0]!.text!)).toMatchObject({
      name: 'stateless-mcp-on-lambda',
      functionName: LAMBDA_ENV.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: LAMBDA_ENV.AWS_LAMBDA_FUNCTION_VERSION,
      region: LAMBDA_ENV.AWS_REGION,
    });
  });

  it('reads aws-region://eu-west-1 through the resource template', async () => {
    const { contents } = await session.readResource('aws-region://eu-west-1');
    expect(contents[0]?.uri).toBe('aws-region://eu-west-1');
    expect(JSON.parse(contents[0]!.text!)).toMatchObject({ code: 'eu-west-1', name: 'Europe (Ireland)' });
  });

  it('lists the aws-region resource template', async () => {
    const { resourceTemplates } = await session.listResourceTemplates();
    expect(resourceTemplates).toEqual([
      expect.objectContaining({ name: 'aws-region', uriTemplate: 'aws-region://{code}' }),
    ]);
  });

  it('lists plan_region_rollout and renders it with its arguments', async () => {
    const { prompts } = await session.listPrompts();
    expect(prompts).toEqual([
      expect.objectContaining({
        name: 'plan_region_rollout',
        arguments: [
          expect.objectContaining({ name: 'service', required: true }),
          expect.objectContaining({ name: 'regions' }),
        ],
      }),
    ]);
    const { messages } = await session.getPrompt('plan_region_rollout', {
      service: 'checkout-api',
      regions: 'eu-west-1,us-east-1',
    });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ role: 'user', content: { type: 'text' } });
    expect((messages[0]!.content as { text: string }).text).toMatch(
      /checkout-api.*eu-west-1,us-east-1.*lookup_region/s,
    );
  });
});
