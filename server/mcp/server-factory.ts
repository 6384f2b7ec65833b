import { McpServer, type McpRequestContext } from '@modelcontextprotocol/server';
import type { ServerConfig } from '../config.ts';
import type { Env } from '../env.ts';
import { resolveServerDefinition, type ServerModule } from './define-server.ts';
import {
  createTasksRuntime,
  installTasksExtension,
  openTaskStore,
  type TaskTool,
  type TasksRuntime,
} from './tasks/index.ts';

/**
 * Builds the MCP server for one request around a server module (define-server.ts). The SDK calls
 * this per HTTP request for both protocol eras, so no state survives between requests (the server
 * is stateless by construction). The module is resolved once per execution environment.
 */
export function createServerFactory(
  module: ServerModule,
  config: ServerConfig,
  env: Env = process.env,
): (ctx: McpRequestContext) => McpServer {
  const definition = resolveServerDefinition(module, { config, env });
  const tasks = tasksRuntimeFor(config, definition.taskTools);
  const info = {
    name: definition.name,
    version: definition.version,
    ...(definition.title ? { title: definition.title } : {}),
  };
  return (ctx) => {
    // A per-request server can never send list_changed (no stream outlives the request), so it
    // must not advertise it: the SDK's default `listChanged: true` would hold a buffered
    // Lambda response open on `subscriptions/listen`.
    const server = new McpServer(info, {
      ...(definition.instructions ? { instructions: definition.instructions } : {}),
      // `tools` is registered below, after the tasks extension has hooked the tools/call handler
      // the SDK installs with it.
      capabilities: { logging: {}, prompts: { listChanged: false }, resources: { listChanged: false } },
      ...(definition.requestState ? { requestState: definition.requestState } : {}),
    });
    // Tasks are a 2026-07-28 extension; the 2025 wire's v1 tasks are a different protocol.
    const modernTasks = ctx.era === 'modern' ? tasks : undefined;
    if (modernTasks) installTasksExtension(server, modernTasks);
    server.server.registerCapabilities({ tools: { listChanged: false } });
    definition.register(server, { config, env, era: ctx.era, tasks: modernTasks });
    return server;
  };
}

/**
 * The tasks extension, built once per execution environment when a shared store is configured
 * (see TaskStoreSettings); undefined leaves it unadvertised and tasks/* unregistered.
 */
function tasksRuntimeFor(
  config: ServerConfig,
  taskTools: ReadonlyMap<string, TaskTool> | undefined,
): TasksRuntime | undefined {
  if (!config.taskStore) return undefined;
  return createTasksRuntime({ store: openTaskStore(config.taskStore, config.region), tools: taskTools ?? new Map() });
}
