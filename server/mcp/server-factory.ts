import { McpServer, type McpRequestContext } from '@modelcontextprotocol/server';
import type { ServerConfig } from '../config.ts';
import { CONFORMANCE_TASK_TOOLS, createFixtureStateCodec, registerConformanceFixtures } from './conformance/index.ts';
import { registerPrompts } from './prompts.ts';
import { registerResources } from './resources.ts';
import { SERVER_INFO } from './server-info.ts';
import { createTasksRuntime, installTasksExtension, openTaskStore, type TaskTool, type TasksRuntime } from './tasks/index.ts';
import { registerFaultInjection } from './tools/fault-injection.ts';
import { LONG_TASK_AS_TASK, registerLongTask } from './tools/long-task.ts';
import { registerLookupRegion } from './tools/lookup-region.ts';
import { registerPing } from './tools/ping.ts';
import { registerTextStats } from './tools/text-stats.ts';
import { registerWhoami } from './tools/whoami.ts';

const INSTRUCTIONS =
  'A stateless MCP server on AWS Lambda. Every request may be served by a different execution environment; ' +
  'call ping to see which one answered.';

/**
 * Builds the MCP server for one request. The SDK calls this per HTTP request for both protocol
 * eras, so no state survives between requests (the server is stateless by construction).
 */
export function createServerFactory(config: ServerConfig): (ctx: McpRequestContext) => McpServer {
  // Multi round-trip requestState is signed with the deployment's key, the same in every
  // execution environment, so a retry may land on any of them.
  const stateCodec = config.requestStateKey === undefined ? undefined : createFixtureStateCodec(config.requestStateKey);
  if (config.profile === 'conformance' && stateCodec === undefined) {
    throw new Error('MCP_PROFILE=conformance needs MCP_REQUEST_STATE_KEY (at least 32 bytes) to sign requestState');
  }
  const tasks = tasksRuntimeFor(config);
  return (ctx) => {
    // A per-request server can never send list_changed (no stream outlives the request), so it
    // must not advertise it: the SDK's default `listChanged: true` would hold a buffered
    // Lambda response open on `subscriptions/listen`.
    const server = new McpServer(SERVER_INFO, {
      instructions: INSTRUCTIONS,
      // `tools` is registered below, after the tasks extension has hooked the tools/call handler
      // the SDK installs with it.
      capabilities: { logging: {}, prompts: { listChanged: false }, resources: { listChanged: false } },
      ...(stateCodec ? { requestState: { verify: stateCodec.verify } } : {}),
    });
    // Tasks are a 2026-07-28 extension; the 2025 wire's v1 tasks are a different protocol.
    const modernTasks = ctx.era === 'modern' ? tasks : undefined;
    if (modernTasks) installTasksExtension(server, modernTasks);
    server.server.registerCapabilities({ tools: { listChanged: false } });
    registerPing(server, config);
    registerTextStats(server);
    registerLookupRegion(server);
    registerWhoami(server);
    registerLongTask(server, modernTasks);
    if (config.faultToolsEnabled) registerFaultInjection(server);
    registerResources(server, config);
    registerPrompts(server);
    if (config.profile === 'conformance' && stateCodec) registerConformanceFixtures(server, { era: ctx.era, codec: stateCodec, tasks: modernTasks });
    return server;
  };
}

/**
 * The tasks extension, built once per execution environment when a shared store is configured
 * (see TaskStoreSettings); undefined leaves it unadvertised and tasks/* unregistered.
 */
function tasksRuntimeFor(config: ServerConfig): TasksRuntime | undefined {
  if (!config.taskStore) return undefined;
  const tools = new Map<string, TaskTool>([['long_task', LONG_TASK_AS_TASK], ...(config.profile === 'conformance' ? CONFORMANCE_TASK_TOOLS : [])]);
  return createTasksRuntime({ store: openTaskStore(config.taskStore, config.region), tools });
}
