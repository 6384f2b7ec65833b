import type { McpServer, ServerContext } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { withCachedJsonSchema } from '../cached-json-schema.ts';
import { declaresTasks, startTask, type JsonObject, type TaskTool, type TasksRuntime } from '../tasks/index.ts';
import { structuredResult, toolError } from './structured-result.ts';

const longTaskInput = withCachedJsonSchema(
  z.object({
    steps: z.number().int().min(1).max(50).default(5).describe('Number of steps to run'),
    stepMs: z.number().int().min(0).max(5_000).default(200).describe('Milliseconds each step takes'),
  }),
);

const longTaskOutput = withCachedJsonSchema(
  z.object({
    stepsCompleted: z.number().int(),
    elapsedMs: z.number().int(),
  }),
);

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

async function reportProgress(ctx: ServerContext, progress: number, total: number): Promise<void> {
  const progressToken = ctx.mcpReq._meta?.progressToken;
  if (progressToken === undefined) return;
  await ctx.mcpReq.notify({
    method: 'notifications/progress',
    params: { progressToken, progress, total, message: `step ${progress} of ${total}` },
  });
}

/** The result of `steps` steps of `stepMs` each, the same inline and as a task. */
function finished(steps: number, elapsedMs: number) {
  return structuredResult({ stepsCompleted: steps, elapsedMs });
}

/**
 * long_task as a task of the tasks extension (2026-07-28): its work is waiting, so the task is
 * `working` until `steps × stepMs` have passed and then completes, observed by whichever execution
 * environment the next tasks/get reaches (advance on access, ../tasks/engine.ts). Nothing runs in
 * between, which is exactly what the inline tool does while it sleeps; the call itself returns at
 * once, so it may last longer than API Gateway's 29 s without streaming.
 */
export const LONG_TASK_AS_TASK: TaskTool = {
  support: 'optional',
  program: {
    finish: (task) => {
      const steps = Number(task.args.steps);
      return {
        status: 'completed',
        result: finished(steps, steps * Number(task.args.stepMs)) as unknown as JsonObject,
      };
    },
  },
};

/**
 * A bounded, cancellable tool that takes a while and reports progress. Progress notifications
 * reach the client only when the response streams (SSE); in JSON mode the SDK drops them.
 *
 * Bounded: at most 50 × 5 s, and never past the function timeout. Cancellable: it stops at the
 * next step once `ctx.mcpReq.signal` aborts (the exchange was closed: the response stream was lost,
 * or a client cancellation reached this server instance) or once a progress notification can no
 * longer be delivered. Behind API Gateway a client that hangs up does not reach the function at
 * all (docs/streaming.md), so there the bounds are what limit the bill.
 */
export function registerLongTask(server: McpServer, tasks?: TasksRuntime): void {
  server.registerTool(
    'long_task',
    {
      title: 'Long task with progress',
      description:
        'Runs `steps` steps of `stepMs` milliseconds each (at most 50 × 5 s) and reports progress after each step when the request carries a progress token. A client that declares the tasks extension gets a task at once instead, to poll with tasks/get.',
      inputSchema: longTaskInput,
      outputSchema: longTaskOutput,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ steps, stepMs }, ctx) => {
      if (tasks && declaresTasks(ctx))
        return startTask(ctx, tasks, 'long_task', { steps, stepMs }, { status: 'working', delayMs: steps * stepMs });
      const started = Date.now();
      for (let step = 1; step <= steps; step += 1) {
        try {
          await sleep(stepMs, ctx.mcpReq.signal);
          await reportProgress(ctx, step, steps);
        } catch {
          // Aborted, or the progress notification had nowhere to go: no one is waiting for the rest.
          return toolError(`Cancelled after ${ctx.mcpReq.signal.aborted ? step - 1 : step} of ${steps} steps.`);
        }
      }
      return finished(steps, Date.now() - started);
    },
  );
}
