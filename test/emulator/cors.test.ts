/**
 * CORS as terraform/cors.tf defines it, through the embedded stack over HTTP: the preflight is
 * answered by the gateway (MOCK, no authorizer, no invocation), API Gateway's 401 and the
 * function's own responses carry the CORS headers for a listed origin and never for another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStack } from '../../emulator/stack.ts';
import { startTestStack } from '../support/stack.ts';
import { LEGACY_PROTOCOL } from '../support/mcp-protocol.ts';

const ALLOWED = 'https://app.example';
const OTHER = 'https://evil.example';
let stack: RunningStack & { token: string };
beforeAll(async () => {
  stack = await startTestStack({ overrides: { cors_allowed_origins: [ALLOWED, 'http://127.0.0.1:5173'] } });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const reports = (group: string): number =>
  stack.logs.messages(group).filter((line) => line.startsWith('REPORT')).length;

function preflight(origin: string): Promise<Response> {
  return fetch(stack.endpoint, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization,content-type,mcp-protocol-version',
    },
  });
}

describe('CORS with cors_allowed_origins set', () => {
  it('answers the preflight at the gateway for a listed origin, without the authorizer or the function', async () => {
    const before = { mcp: reports(stack.mcp.logGroupName), authorizer: reports(stack.authorizerFunction.logGroupName) };
    const response = await preflight(ALLOWED);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase().split(',')).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'mcp-protocol-version']),
    );
    expect(response.headers.get('vary')).toBe('Origin');
    expect(reports(stack.mcp.logGroupName)).toBe(before.mcp);
    expect(reports(stack.authorizerFunction.logGroupName)).toBe(before.authorizer);
  });

  it('gives an unlisted origin no Access-Control-Allow-Origin on the preflight', async () => {
    const response = await preflight(OTHER);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("puts the CORS headers on API Gateway's 401 so the browser can read WWW-Authenticate", async () => {
    const response = await fetch(stack.endpoint, {
      method: 'POST',
      headers: { Origin: ALLOWED, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="/);
  });

  it("puts them on the function's responses for a listed origin only, with Vary: Origin", async () => {
    const call = (origin: string): Promise<Response> =>
      fetch(stack.endpoint, {
        method: 'POST',
        headers: {
          Origin: origin,
          Authorization: `Bearer ${stack.token}`,
          'Content-Type': 'application/json',
          Accept: 'application/json, text/event-stream',
          'MCP-Protocol-Version': LEGACY_PROTOCOL,
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
    const allowed = await call(ALLOWED);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(allowed.headers.get('vary')).toContain('Origin');
    const other = await call(OTHER);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('vary')).toContain('Origin');
  });

  it('the 405 for GET carries them too (an SDK 1.x browser client opens GET after initialize)', async () => {
    const response = await fetch(stack.endpoint, {
      method: 'GET',
      headers: { Origin: ALLOWED, Accept: 'text/event-stream' },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  });
});
