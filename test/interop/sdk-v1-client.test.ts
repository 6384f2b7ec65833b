/**
 * Interop: the v1 TypeScript SDK `Client` (@modelcontextprotocol/sdk, the one most published
 * clients embed) through the embedded stack's API Gateway and Lambda authorizer, speaking
 * 2025-11-25 (initialize handshake, stateless: no session id).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../support/stack.ts';
import { INTEROP_TIMEOUT_MS, expectDefaultTools, expectPong } from './support/interop.ts';
import { LEGACY_PROTOCOL } from '../support/mcp-protocol.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

describe('v1 TypeScript Client at 2025-11-25 through the embedded stack', { timeout: INTEROP_TIMEOUT_MS }, () => {
  let stack: Stack;
  let client: Client;
  let transport: StreamableHTTPClientTransport;

  beforeAll(async () => {
    stack = await startTestStack();
    client = new Client({ name: 'interop-v1', version: '1.0.0' });
    transport = new StreamableHTTPClientTransport(new URL(stack.endpoint), {
      requestInit: { headers: { Authorization: `Bearer ${stack.token}` } },
    });
    await client.connect(transport);
  });
  afterAll(async () => {
    await client?.close();
    await stack?.stop();
  });

  it('negotiates 2025-11-25 without a session', () => {
    expect(transport.protocolVersion).toBe(LEGACY_PROTOCOL);
    expect(transport.sessionId).toBeUndefined();
    expect(client.getServerVersion()?.name).toBe('stateless-mcp-on-lambda');
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
