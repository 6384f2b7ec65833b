/**
 * The request every throughput and memory figure sends. Its own module, free of the load
 * generator, so that bench servers importing it carry nothing but what they measure.
 */
export const TOOLS_LIST = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'tools/list' });
export const LEGACY_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};
