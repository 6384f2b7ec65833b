/**
 * A Lambda handler that only imports `@modelcontextprotocol/server` and answers 200 without
 * serving MCP: what INIT costs any server built on this SDK before its own code and its first
 * request (the SDK builds its protocol schemas when its modules are evaluated). Bundled like ours,
 * with the same module replacements (Ajv on first use).
 */
import * as sdk from '@modelcontextprotocol/server';

export const handler = async (): Promise<{ statusCode: number }> => ({
  statusCode: Object.keys(sdk).length > 0 ? 200 : 500,
});
