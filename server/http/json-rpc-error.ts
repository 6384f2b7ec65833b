import type { Response } from 'express';

/** JSON-RPC 2.0 error codes used outside the SDK (transport-level answers). */
export const JSON_RPC = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  internalError: -32603,
} as const;

export function sendJsonRpcError(res: Response, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  res
    .status(status)
    .set({ 'Content-Type': 'application/json', ...headers })
    .send(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}
