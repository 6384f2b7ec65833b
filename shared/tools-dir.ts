import os from 'node:os';
import path from 'node:path';

/** Where scripts/install-tools.sh puts the pinned external tools (outside the repository). */
export function toolsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.STATELESS_MCP_TOOLS ?? path.join(os.homedir(), '.cache', 'stateless-mcp', 'tools');
}
