import type { CallToolResult, ServerContext } from '@modelcontextprotocol/server';
import type { TaskStep } from './engine.ts';
import { ownerOf } from './owner.ts';
import type { TasksRuntime } from './runtime.ts';
import { toCreateTaskResult, type JsonObject } from './types.ts';

/**
 * Creates a task for this tool call and answers with its CreateTaskResult. The task is stored
 * before the result returns, so an immediate tasks/get finds it from any execution environment.
 */
export async function startTask(
  ctx: ServerContext,
  runtime: TasksRuntime,
  tool: string,
  args: JsonObject,
  first: TaskStep,
): Promise<CallToolResult> {
  const record = await runtime.engine.create(ownerOf(ctx), tool, args, first);
  // A tool callback is typed to return CallToolResult; SEP-2663 lets tools/call answer with a
  // CreateTaskResult instead (`resultType: "task"`), which the SDK passes through as is.
  return toCreateTaskResult(record) as unknown as CallToolResult;
}
