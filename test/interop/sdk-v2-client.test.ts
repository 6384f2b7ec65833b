/**
 * Interop: the v2 TypeScript SDK `Client` (@modelcontextprotocol/client) through the embedded
 * stack's API Gateway and Lambda authorizer, speaking 2026-07-28 (server/discover, no initialize),
 * with the bearer token from an auth provider.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../support/stack.ts';
import { INTEROP_TIMEOUT_MS, expectDefaultTools, expectPong } from './support/interop.ts';
import { MODERN_PROTOCOL } from '../support/mcp-protocol.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

describe('v2 TypeScript Client at 2026-07-28 through the embedded stack', { timeout: INTEROP_TIMEOUT_MS }, () => {
  let stack: Stack;
  let client: Client;

  beforeAll(async () => {
    stack = await startTestStack();
    client = new Client(
      { name: 'interop-v2', version: '1.0.0' },
      { versionNegotiation: { mode: { pin: MODERN_PROTOCOL } } },
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(stack.endpoint), { authProvider: { token: async () => stack.token } }),
    );
  });
  afterAll(async () => {
    await client?.close();
    await stack?.stop();
  });

  it('negotiates 2026-07-28 (the modern era)', () => {
    expect(client.getProtocolEra()).toBe('modern');
    expect(client.getNegotiatedProtocolVersion()).toBe(MODERN_PROTOCOL);
  });

  it('lists the default tools', async () => {
    const { tools } = await client.listTools();
    expectDefaultTools(tools.map((tool) => tool.name));
  });

  it('calls ping', async () => {
    const result = await client.callTool({ name: 'ping', arguments: {} });
    expect(result.isError ?? false).toBe(false);
    expectPong(result.structuredContent);
  });
});
