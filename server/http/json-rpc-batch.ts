/**
 * JSON-RPC batches on the 2025-era wire. 2025-03-26 has them (so do clients that send no
 * MCP-Protocol-Version, which that revision says to assume); 2025-06-18 removed them and
 * 2026-07-28 keeps them out.
 */
import { Headers, Response } from './fetch-lite.ts';
const BATCH_REVISIONS = new Set(['2024-11-05', '2025-03-26']);

function invalidBatch(message: string): Response {
  return Response.json(
    { jsonrpc: '2.0', id: null, error: { code: -32600, message: `Invalid Request: ${message}` } },
    { status: 400 },
  );
}

/** The answer to a batch we must refuse before it reaches the SDK, or undefined to serve it. */
export function batchRejection(request: Request, message: unknown): Response | undefined {
  if (!Array.isArray(message)) return undefined;
  const version = request.headers.get('mcp-protocol-version')?.trim();
  if (version !== undefined && version !== '' && !BATCH_REVISIONS.has(version)) {
    return invalidBatch(`protocol revision ${version} has no JSON-RPC batches`);
  }
  // The transport pairs answers with requests by id, so a repeated id would silently lose one.
  const ids = message
    .filter(
      (m): m is { id: unknown; method: unknown } => typeof m === 'object' && m !== null && 'id' in m && 'method' in m,
    )
    .map((m) => JSON.stringify(m.id));
  if (new Set(ids).size !== ids.length) return invalidBatch('request ids in a batch must be unique');
  return undefined;
}

/**
 * JSON-RPC 2.0 section 6: the responses to a batch come as an array, even of one. (A batch refused
 * as a whole is answered with one error object, which the SDK sends with a 4xx status.)
 */
export async function asBatchAnswer(response: Response): Promise<Response> {
  if (response.status !== 200 || !response.headers.get('content-type')?.startsWith('application/json')) return response;
  const text = await response.text();
  const body = text.trimStart().startsWith('[') || text === '' ? text : `[${text}]`;
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(body, { status: response.status, headers });
}
