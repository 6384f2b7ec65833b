/**
 * The tasks extension (io.modelcontextprotocol/tasks, SEP-2663): a generic engine over a durable
 * store, installed on 2026-07-28 servers when a store is configured.
 */
export { TASKS_EXT } from './constants.ts';
export { TaskEngine, TaskNotFoundError, type TaskProgram, type TaskStep } from './engine.ts';
export { installTasksExtension } from './install.ts';
export { openTaskStore } from './open-store.ts';
export { declaresTasks } from './opt-in.ts';
export { ownerOf } from './owner.ts';
export { createTasksRuntime, type TaskSupport, type TaskTool, type TasksRuntime } from './runtime.ts';
export { startTask } from './start-task.ts';
export type { TaskStore } from './store.ts';
export type { JsonObject, TaskRecord } from './types.ts';
