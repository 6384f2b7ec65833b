/**
 * The extension point: an MCP server the harness runs on Lambda is one module whose default export
 * is `defineServer(...)`. The module registers its tools, resources and prompts on the SDK's
 * `McpServer`; the harness owns everything around it (both protocol eras, the API Gateway event
 * mapping, the tasks extension, the authorizer's identity, logging, the build and the stack).
 *
 * ```ts
 * import * as z from 'zod';
 * import { defineServer } from '../server/mcp/define-server.ts';
 *
 * export default defineServer({
 *   name: 'my-server',
 *   version: '1.0.0',
 *   register(server) {
 *     server.registerTool('hello', { inputSchema: z.object({ name: z.string() }) }, ({ name }) => ({
 *       content: [{ type: 'text', text: `Hello, ${name}` }],
 *     }));
 *   },
 * });
 * ```
 *
 * The build picks the module with `npm run build -- --server <file>` (or `MCP_SERVER=<file>`);
 * without either it is the demo (server/mcp/demo-server.ts). See docs/your-own-server.md.
 */
import type { McpRequestContext, McpServer, ServerOptions } from '@modelcontextprotocol/server';
import type { ServerConfig } from '../config.ts';
import type { Env } from '../env.ts';
import type { TaskTool, TasksRuntime } from './tasks/index.ts';

/** What a server module sees once per execution environment (Lambda INIT). */
export interface ServerInit {
  /** The function's settings (function name, region, log stream, ...), read from the environment. */
  readonly config: ServerConfig;
  /** The function's environment variables (Terraform's `mcp_environment` and Lambda's own). */
  readonly env: Env;
}

/** What a server module sees for each request (a fresh `McpServer` per request: stateless). */
export interface RegisterContext extends ServerInit {
  /** `modern` for 2026-07-28 requests, `legacy` for 2025-era ones. */
  readonly era: McpRequestContext['era'];
  /**
   * The tasks extension for this request (2026-07-28 with a task store configured), or undefined.
   * Tools named in `taskTools` run as tasks when the client asks for one (see tasks/start-task.ts).
   */
  readonly tasks: TasksRuntime | undefined;
}

export interface ServerDefinition {
  /** `serverInfo.name` and `version` in the protocol; `title` is optional. */
  readonly name: string;
  readonly version: string;
  readonly title?: string;
  /** `instructions` sent to clients. */
  readonly instructions?: string;
  /** Tools that can run as tasks (2026-07-28 tasks extension), by tool name. */
  readonly taskTools?: ReadonlyMap<string, TaskTool>;
  /** Verifies multi round-trip `requestState` (e.g. `createRequestStateCodec(...).verify`). */
  readonly requestState?: ServerOptions['requestState'];
  /** Registers tools, resources and prompts on this request's server. */
  register(server: McpServer, context: RegisterContext): void;
}

/**
 * A server module's default export: a definition, or a function of the execution environment's
 * settings that returns one (called once per execution environment, at INIT; throwing fails INIT).
 */
export type ServerModule = ServerDefinition | ((init: ServerInit) => ServerDefinition);

/** Identity function that gives a server module its types. */
export function defineServer<T extends ServerModule>(module: T): T {
  return module;
}

export function resolveServerDefinition(module: ServerModule, init: ServerInit): ServerDefinition {
  return typeof module === 'function' ? module(init) : module;
}
