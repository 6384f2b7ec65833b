/**
 * Multi round-trip `requestState` in the conformance profile: signed with the deployment's key,
 * bound to the authenticated caller. A state survives a hop to another execution environment
 * (same key), and is rejected when tampered with, minted under another key, or replayed by another
 * caller. Raw 2026-07-28 requests through the SDK's web-standard handler, in process.
 */
import { createMcpHandler, type AuthInfo } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { serverFactoryFor } from '../fixtures/test-server/in-process.ts';
import { MODERN_PROTOCOL, nextRequestId } from '../support/mcp-protocol.ts';

const KEY = 'request-state-test-key-0123456789abcdef0123';
const TOOL = 'test_input_required_result_request_state';

function environment(key: string) {
  return createMcpHandler(serverFactoryFor({ MCP_PROFILE: 'conformance', MCP_REQUEST_STATE_KEY: key }));
}

const caller = (principal: string): AuthInfo => ({ token: '', clientId: principal, scopes: [], extra: { principal } });

async function callTool(
  handler: ReturnType<typeof environment>,
  authInfo: AuthInfo,
  extra: { requestState?: string; inputResponses?: Record<string, unknown> } = {},
): Promise<{ status: number; body: { result?: Record<string, unknown>; error?: { code: number; message: string } } }> {
  const body = {
    jsonrpc: '2.0',
    id: nextRequestId(),
    method: 'tools/call',
    params: {
      name: TOOL,
      arguments: {},
      ...extra,
      _meta: {
        'io.modelcontextprotocol/protocolVersion': MODERN_PROTOCOL,
        'io.modelcontextprotocol/clientCapabilities': { elicitation: {} },
      },
    },
  };
  const response = await handler.fetch(
    new Request('http://127.0.0.1/dev/mcp', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': MODERN_PROTOCOL,
        'mcp-method': 'tools/call',
        'mcp-name': TOOL,
      },
      body: JSON.stringify(body),
    }),
    { authInfo },
  );
  return { status: response.status, body: (await response.json()) as never };
}

const CONFIRMED = { confirm: { action: 'accept', content: { ok: true } } };

async function firstRound(handler: ReturnType<typeof environment>, authInfo: AuthInfo): Promise<string> {
  const round1 = await callTool(handler, authInfo);
  expect(round1.body.result).toMatchObject({
    resultType: 'input_required',
    inputRequests: { confirm: { method: 'elicitation/create' } },
  });
  const state = round1.body.result?.requestState;
  expect(typeof state).toBe('string');
  return state as string;
}

describe('requestState of the multi round-trip fixtures', () => {
  it('completes on another execution environment that shares the key', async () => {
    const alice = caller('alice');
    const state = await firstRound(environment(KEY), alice);
    const round2 = await callTool(environment(KEY), alice, { requestState: state, inputResponses: CONFIRMED });
    expect(round2.body.error).toBeUndefined();
    expect(round2.body.result).toMatchObject({ content: [{ type: 'text', text: 'state-ok: confirmed=true' }] });
  });

  it.each([
    ['tampered with', (state: string) => `${state}-TAMPERED`, KEY, 'alice'],
    ['minted under another key', (state: string) => state, 'another-deployment-key-0123456789abcdef0123', 'alice'],
    ['replayed by another caller', (state: string) => state, KEY, 'mallory'],
  ])('is rejected with a JSON-RPC error when %s', async (_case, alter, verifierKey, principal) => {
    const state = await firstRound(environment(KEY), caller('alice'));
    const round2 = await callTool(environment(verifierKey), caller(principal), {
      requestState: alter(state),
      inputResponses: CONFIRMED,
    });
    expect(round2.body.result).toBeUndefined();
    expect(round2.body.error).toMatchObject({ code: -32602 });
  });
});
