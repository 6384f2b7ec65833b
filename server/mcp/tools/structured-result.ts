import type { CallToolResult } from '@modelcontextprotocol/server';

/**
 * A tool result carrying data: `structuredContent` for clients that read the output schema, and
 * the same JSON as text for clients that predate structured output (spec 2025-06-18, "Structured
 * Content": servers SHOULD also return the serialized JSON in a TextContent block).
 */
export function structuredResult<T extends Record<string, unknown>>(
  data: T,
): CallToolResult & { structuredContent: T } {
  return {
    content: [{ type: 'text', text: JSON.stringify(data) }],
    structuredContent: data,
  };
}

/** A tool execution error: reported to the model as a result with `isError`, not as a JSON-RPC error. */
export function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
