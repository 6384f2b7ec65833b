import {
  MissingRequiredClientCapabilityError,
  ProtocolError,
  ProtocolErrorCode,
  type McpServer,
  type ServerContext,
} from '@modelcontextprotocol/server';
import * as z from 'zod';
import { beforeRequestHandler } from '../../sdk-seams/request-handler-hook.ts';
import { skipToolOutputValidation } from '../../sdk-seams/tool-output-validation.ts';
import { TASKS_EXT, TASKS_REQUIRED } from './constants.ts';
import { TaskNotFoundError } from './engine.ts';
import { declaresTasks } from './opt-in.ts';
import { ownerOf } from './owner.ts';
import type { TasksRuntime } from './runtime.ts';
import { toDetailedTask, type JsonObject, type TaskRecord } from './types.ts';

const TaskParams = z.object({ taskId: z.string() });

function missingExtension(what: string): MissingRequiredClientCapabilityError {
  return new MissingRequiredClientCapabilityError(TASKS_REQUIRED, `${what} requires the ${TASKS_EXT} extension`);
}

/**
 * Adds the tasks extension to a per-request 2026-07-28 server: the capability, the -32021 gate for
 * tools that only run as tasks, and tasks/get, tasks/update, tasks/cancel. tasks/result and
 * tasks/list stay unregistered: SEP-2663 removed them, and the SDK answers -32601.
 *
 * Call it before the `tools` capability is registered: the gate wraps the tools/call handler as
 * the SDK installs it.
 */
export function installTasksExtension(server: McpServer, runtime: TasksRuntime): void {
  server.server.registerCapabilities({ extensions: { [TASKS_EXT]: {} } });
  gateRequiredTools(server, runtime);
  skipOutputValidationOfTaskHandles(server);

  const run = async (
    ctx: ServerContext,
    method: string,
    action: (owner: string) => Promise<TaskRecord>,
  ): Promise<TaskRecord> => {
    // The capability gate comes before any lookup, so a client without the extension learns
    // nothing about which ids exist.
    if (!declaresTasks(ctx)) throw missingExtension(method);
    try {
      return await action(ownerOf(ctx));
    } catch (error) {
      if (error instanceof TaskNotFoundError)
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'Failed to retrieve task: Task not found');
      throw new ProtocolError(
        ProtocolErrorCode.InternalError,
        `${method} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
  // 3-argument form: tasks/get and tasks/cancel are 2025 spec methods the 2026 codec does not
  // know, tasks/update is new; registered with their own params schema they reach the handler.
  server.server.setRequestHandler('tasks/get', { params: TaskParams }, async ({ taskId }, ctx) =>
    toDetailedTask(await run(ctx, 'tasks/get', (owner) => runtime.engine.get(owner, taskId))),
  );
  // The SDK lifts `inputResponses` out of the params into ctx.mcpReq.inputResponses. The answers
  // are stored before the acknowledgement returns, so the next tasks/get sees them wherever it lands.
  server.server.setRequestHandler('tasks/update', { params: TaskParams }, async ({ taskId }, ctx) => {
    await run(ctx, 'tasks/update', (owner) =>
      runtime.engine.provideInput(owner, taskId, ctx.mcpReq.inputResponses ?? {}),
    );
    return acknowledgement();
  });
  server.server.setRequestHandler('tasks/cancel', { params: TaskParams }, async ({ taskId }, ctx) => {
    await run(ctx, 'tasks/cancel', (owner) => runtime.engine.cancel(owner, taskId));
    return acknowledgement();
  });
}

/** An empty result: the SDK adds `resultType: "complete"`; the task itself is read with tasks/get. */
function acknowledgement(): JsonObject {
  return {};
}

/**
 * A tool that only runs as a task must refuse a client without the extension with -32021, before
 * the SDK's tools/call handler runs (a throw inside a tool callback would become an `isError`
 * result): the request-handler seam (server/sdk-seams/request-handler-hook.ts).
 */
function gateRequiredTools(server: McpServer, runtime: TasksRuntime): void {
  beforeRequestHandler(server, 'tools/call', (request, ctx) => {
    const name = (request as { params?: { name?: unknown } }).params?.name;
    if (typeof name === 'string' && runtime.tools.get(name)?.support === 'required' && !declaresTasks(ctx)) {
      throw missingExtension(`Tool ${name}`);
    }
  });
}

/**
 * A tool with an `outputSchema` may answer with a task: the CreateTaskResult is a handle with no
 * `structuredContent`, and the tool's structured result arrives later, with tasks/get. Handles skip
 * the output validation (server/sdk-seams/tool-output-validation.ts); everything else is validated.
 */
function skipOutputValidationOfTaskHandles(server: McpServer): void {
  skipToolOutputValidation(server, (result) => (result as { resultType?: unknown } | null)?.resultType === 'task');
}
