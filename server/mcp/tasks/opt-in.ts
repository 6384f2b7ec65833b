import { CLIENT_CAPABILITIES_META_KEY, type ServerContext } from '@modelcontextprotocol/server';
import { TASKS_EXT } from './constants.ts';

/**
 * Whether this request's client declared the tasks extension. 2026-07-28 has no session: the
 * client capabilities travel in every request's `_meta` envelope (the SDK lifts them into
 * `ctx.mcpReq.envelope`), so opting in is per request.
 */
export function declaresTasks(ctx: ServerContext): boolean {
  const declared = (ctx.mcpReq.envelope as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES_META_KEY] as
    | { extensions?: Record<string, unknown> }
    | undefined;
  return declared?.extensions?.[TASKS_EXT] !== undefined;
}
