import { acceptedContent, inputRequired, type CallToolResult, type McpServer, type ServerContext } from '@modelcontextprotocol/server';
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { declaresTasks, startTask, type JsonObject, type TaskStep, type TaskTool, type TasksRuntime } from '../tasks/index.ts';

/**
 * The tasks extension's fixtures (SEP-2663, the suite's `tasks-*` scenarios), 2026-07-28 only.
 * Their work is simulated and deterministic, so any execution environment can take the next step
 * when a tasks/* request arrives (advance on access, see ../tasks/engine.ts).
 */

/** Without the extension slow_compute runs inline; API Gateway cuts integrations at 29 s. */
const MAX_SYNC_SECONDS = 20;

const text = (value: string): JsonObject => ({ content: [{ type: 'text', text: value }] });

/** Stored records are plain JSON; the SDK's InputRequest builders return plain JSON too. */
const json = (value: unknown): JsonObject => JSON.parse(JSON.stringify(value)) as JsonObject;

const ConfirmSchema = z.object({ confirm: z.boolean() });
const NameSchema = z.object({ name: z.string() });
const askConfirm = (message: string): JsonObject => json(inputRequired.elicit({ message, requestedSchema: ConfirmSchema }));
const askName = (message: string) => inputRequired.elicit({ message, requestedSchema: NameSchema });

function slowComputeText(args: JsonObject): string {
  return `slow_compute ${typeof args.label === 'string' ? args.label : ''} finished after ${String(args.seconds)}s`;
}

/** What an elicitation answer said, whatever its shape (the suite answers every key alike). */
function elicited(answer: unknown): { accepted: boolean; content: Record<string, unknown> } {
  const value = (answer ?? {}) as { action?: unknown; content?: unknown };
  const content = typeof value.content === 'object' && value.content !== null ? (value.content as Record<string, unknown>) : {};
  return { accepted: value.action === 'accept', content };
}

/** Task support and the program each fixture runs after it answered with a task; built once per environment. */
export const CONFORMANCE_TASK_TOOLS: ReadonlyMap<string, TaskTool> = new Map<string, TaskTool>([
  ['slow_compute', { support: 'optional', program: { finish: (task) => ({ status: 'completed', result: text(slowComputeText(task.args)) }) } }],
  [
    'failing_job',
    {
      support: 'required',
      program: { finish: () => ({ status: 'completed', result: { ...text('failing_job: simulated tool failure'), isError: true } }) },
    },
  ],
  [
    'protocol_error_job',
    {
      support: 'required',
      program: {
        finish: () => ({
          status: 'failed',
          statusMessage: 'protocol_error_job hit a simulated internal error',
          error: { code: -32603, message: 'protocol_error_job: simulated internal error' },
        }),
      },
    },
  ],
  [
    'confirm_delete',
    {
      support: 'required',
      program: {
        resume: (task, answers) => {
          const { accepted, content } = elicited(answers.confirm);
          const filename = String(task.args.filename);
          return { status: 'completed', result: text(accepted && content.confirm === true ? `Deleted ${filename}` : `Kept ${filename}`) };
        },
      },
    },
  ],
  [
    'multi_input',
    {
      support: 'required',
      program: {
        resume: (_task, answers) => {
          const name = elicited(answers.name).content.name;
          const confirm = elicited(answers.confirm).content.confirm;
          return { status: 'completed', result: text(`multi_input: name=${String(name)}, confirm=${String(confirm)}`) };
        },
      },
    },
  ],
  // Its result is known when the task is created (after a synchronous input round), so no program step remains.
  ['test_tool_with_task', { support: 'required', program: {} }],
]);

export function registerTaskFixtures(server: McpServer, runtime: TasksRuntime): void {
  const start = (ctx: ServerContext, tool: string, args: JsonObject, first: TaskStep): Promise<CallToolResult> => startTask(ctx, runtime, tool, args, first);

  server.registerTool('greet', { description: 'Greets synchronously; never a task.', inputSchema: NameSchema }, ({ name }) => ({
    content: [{ type: 'text', text: `Hello, ${name}!` }],
  }));

  server.registerTool(
    'slow_compute',
    {
      description: 'Works for `seconds`: as a task when the client declares the tasks extension, inline otherwise.',
      inputSchema: z.object({ seconds: z.number().min(0), label: z.string().optional() }),
    },
    async ({ seconds, label }, ctx) => {
      const args: JsonObject = { seconds, ...(label === undefined ? {} : { label }) };
      if (declaresTasks(ctx)) return start(ctx, 'slow_compute', args, { status: 'working', delayMs: seconds * 1000 });
      await sleep(Math.min(seconds, MAX_SYNC_SECONDS) * 1000, undefined, { signal: ctx.mcpReq.signal });
      return text(slowComputeText(args)) as CallToolResult;
    },
  );

  server.registerTool('failing_job', { description: 'A task whose tool call fails (completed, isError).' }, (ctx) =>
    start(ctx, 'failing_job', {}, { status: 'working', delayMs: 1_000 }),
  );

  server.registerTool('protocol_error_job', { description: 'A task that fails with a JSON-RPC error.' }, (ctx) =>
    start(ctx, 'protocol_error_job', {}, { status: 'working', delayMs: 200 }),
  );

  server.registerTool('confirm_delete', { description: 'A task that asks for confirmation through tasks/update.', inputSchema: z.object({ filename: z.string() }) }, ({ filename }, ctx) =>
    start(ctx, 'confirm_delete', { filename }, { status: 'input_required', inputRequests: { confirm: askConfirm(`Delete ${filename}?`) } }),
  );

  server.registerTool('multi_input', { description: 'A task that asks for two inputs at once; each may be answered separately.' }, (ctx) =>
    start(ctx, 'multi_input', {}, {
      status: 'input_required',
      inputRequests: { name: json(askName('What is your name?')), confirm: askConfirm('Confirm?') },
    }),
  );

  // Input first, synchronously (an input_required result, no task), then a task once answered.
  server.registerTool('test_tool_with_task', { description: 'Asks for a name synchronously, then answers with a task.' }, (ctx) => {
    const answer = acceptedContent(ctx.mcpReq.inputResponses, 'user_name', NameSchema);
    if (!answer) return inputRequired({ inputRequests: { user_name: askName('What is your name?') } });
    return start(ctx, 'test_tool_with_task', {}, { status: 'completed', result: text(`Hello, ${answer.name}!`) });
  });
}
