import { TaskEngine, type TaskProgram } from './engine.ts';
import type { Clock, TaskStore } from './store.ts';

/**
 * `required`: the tool only runs as a task; a client without the extension gets -32021.
 * `optional`: with the extension the tool answers with a task, without it synchronously.
 */
export type TaskSupport = 'optional' | 'required';

export interface TaskTool {
  readonly support: TaskSupport;
  readonly program: TaskProgram;
}

/** Everything the tasks extension needs, built once per execution environment. */
export interface TasksRuntime {
  readonly engine: TaskEngine;
  /** Task support by tool name. tools/list on 2026-07-28 carries no `execution`, so it is kept here. */
  readonly tools: ReadonlyMap<string, TaskTool>;
}

export function createTasksRuntime(options: {
  store: TaskStore;
  tools: ReadonlyMap<string, TaskTool>;
  now?: Clock;
}): TasksRuntime {
  const programs = new Map([...options.tools].map(([name, tool]) => [name, tool.program] as const));
  return {
    engine: new TaskEngine({ store: options.store, programs, ...(options.now ? { now: options.now } : {}) }),
    tools: options.tools,
  };
}
