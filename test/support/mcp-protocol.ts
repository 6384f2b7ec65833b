/**
 * The MCP protocol revisions the tests speak, written once as the specification names them. They
 * are the tests' oracle: never import them from the server's code.
 */

/** The stateless revision (no `initialize`, a per-request `_meta` envelope, `Mcp-Method`/`Mcp-Name`). */
export const MODERN_PROTOCOL = '2026-07-28';
/** The last 2025-era revision, the one SDK 1.x clients offer. */
export const LEGACY_PROTOCOL = '2025-11-25';
export const PROTOCOL_2025_06_18 = '2025-06-18';
export const PROTOCOL_2025_03_26 = '2025-03-26';
/** Every 2025-era revision the server serves from the same route, oldest first. */
export const LEGACY_PROTOCOLS = [PROTOCOL_2025_03_26, PROTOCOL_2025_06_18, LEGACY_PROTOCOL] as const;

/** The `_meta` envelope of a 2026-07-28 request: protocol version, client info and capabilities. */
export function modernMeta(clientName: string, capabilities: object = {}): Record<string, unknown> {
  return {
    'io.modelcontextprotocol/protocolVersion': MODERN_PROTOCOL,
    'io.modelcontextprotocol/clientInfo': { name: clientName, version: '1.0.0' },
    'io.modelcontextprotocol/clientCapabilities': capabilities,
  };
}

let lastId = 0;

/** A JSON-RPC request id no other request of this test process uses. */
export function nextRequestId(): number {
  lastId += 1;
  return lastId;
}

export type JsonRpcRequest = {
  readonly jsonrpc: '2.0';
  readonly id: number;
  readonly method: string;
  readonly params?: Record<string, unknown>;
};

/** A JSON-RPC 2.0 request with a fresh id (params left out when not given). */
export function jsonRpcRequest(method: string, params?: Record<string, unknown>): JsonRpcRequest {
  return { jsonrpc: '2.0', id: nextRequestId(), method, ...(params ? { params } : {}) };
}
