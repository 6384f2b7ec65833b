/**
 * The conformance profile (`MCP_PROFILE=conformance`): the fixture tools, resources and prompts
 * the official MCP conformance suite (@modelcontextprotocol/conformance) calls by name. Opt-in
 * only; the default profile never registers them.
 */
import type { McpServer } from '@modelcontextprotocol/server';
import type { TasksRuntime } from '../tasks/index.ts';
import { registerClientRequestFixtures } from './client-request-tools.ts';
import { registerContentFixtures } from './content-tools.ts';
import { registerInputRequiredFixtures } from './input-required-tools.ts';
import { registerNotificationFixtures } from './notification-tools.ts';
import { registerPromptFixtures } from './prompts.ts';
import type { FixtureStateCodec } from './request-state.ts';
import { registerResourceFixtures } from './resources.ts';
import { registerSchemaFixtures } from './schema-tools.ts';
import { registerTaskFixtures } from './task-tools.ts';

export { createFixtureStateCodec, type FixtureStateCodec } from './request-state.ts';
export { CONFORMANCE_TASK_TOOLS } from './task-tools.ts';

export interface ConformanceFixtureOptions {
  readonly era: 'legacy' | 'modern';
  /** Signs the multi round-trip fixtures' requestState; the server must verify with the same codec. */
  readonly codec: FixtureStateCodec;
  /**
   * The tasks extension, when this request's server has it (2026-07-28 and a configured store):
   * the `tasks-*` fixtures need it. The 2025 wire has v1 task semantics, so they stay off there.
   */
  readonly tasks?: TasksRuntime | undefined;
}

export function registerConformanceFixtures(server: McpServer, { era, codec, tasks }: ConformanceFixtureOptions): void {
  registerContentFixtures(server);
  registerNotificationFixtures(server);
  registerClientRequestFixtures(server);
  registerInputRequiredFixtures(server, codec);
  registerSchemaFixtures(server);
  registerResourceFixtures(server, era);
  registerPromptFixtures(server);
  if (era === 'modern' && tasks) registerTaskFixtures(server, tasks);
}
