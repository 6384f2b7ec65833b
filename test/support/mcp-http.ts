/**
 * Raw Streamable HTTP calls as a 2025-era stateless client sends them, for tests that need to see
 * status codes and headers the SDK clients hide.
 */
import { jsonRpcRequest, LEGACY_PROTOCOL } from './mcp-protocol.ts';

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': LEGACY_PROTOCOL,
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export async function callTool(
  url: string,
  token: string | undefined,
  name: string,
  args: Record<string, unknown> = {},
): Promise<RawResponse> {
  return postJson(
    url,
    jsonRpcRequest('tools/call', { name, arguments: args }),
    token === undefined ? {} : { authorization: `Bearer ${token}` },
  );
}

export interface PingResult {
  readonly logStream: string;
  readonly coldStart: boolean;
  readonly requestNumber: number;
}

export function pingResult(response: RawResponse): PingResult {
  const result = (response.json as { result?: { structuredContent?: PingResult } }).result;
  if (!result?.structuredContent) throw new Error(`not a ping result: ${response.status} ${response.text}`);
  return result.structuredContent;
}
