import type { Response } from 'express';

/** JSON-RPC 2.0 error codes used outside the SDK (transport-level answers). */
export const JSON_RPC = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
} as const;

/** A transport-level JSON-RPC error: no request id could be tied to it. */
export function jsonRpcErrorBody(code: number, message: string): string {
  return JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
}

export function sendJsonRpcError(
  res: Response,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  res
    .status(status)
    .set({ 'Content-Type': 'application/json', ...headers })
    .send(jsonRpcErrorBody(code, message));
}
