/**
 * The demo server: the default server module (define-server.ts) the build bundles when no other
 * is chosen. Its tools show what the harness does: which execution environment answered (ping),
 * structured output (text_stats), tool errors (lookup_region), the authorizer's identity (whoami)
 * and a long tool that runs as a task (long_task).
 */
import { defineServer } from './define-server.ts';
import { registerPrompts } from './prompts.ts';
import { registerResources } from './resources.ts';
import { SERVER_INFO } from './server-info.ts';
import { LONG_TASK_AS_TASK, registerLongTask } from './tools/long-task.ts';
import { registerLookupRegion } from './tools/lookup-region.ts';
import { registerPing } from './tools/ping.ts';
import { registerTextStats } from './tools/text-stats.ts';
import { registerWhoami } from './tools/whoami.ts';

const INSTRUCTIONS =
  'A stateless MCP server on AWS Lambda. Every request may be served by a different execution environment; ' +
  'call ping to see which one answered.';

export default defineServer({
  ...SERVER_INFO,
  instructions: INSTRUCTIONS,
  taskTools: new Map([['long_task', LONG_TASK_AS_TASK]]),
  register(server, { config, tasks }) {
    registerPing(server, config);
    registerTextStats(server);
    registerLookupRegion(server);
    registerWhoami(server);
    registerLongTask(server, tasks);
    registerResources(server, config);
    registerPrompts(server);
  },
});
