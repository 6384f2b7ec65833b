/**
 * The task record every store persists, and the wire shapes projected from it
 * (io.modelcontextprotocol/tasks, SEP-2663, spec 2026-07-28).
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

const TERMINAL: ReadonlySet<TaskStatus> = new Set<TaskStatus>(['completed', 'failed', 'cancelled']);

/** A terminal task never changes again (SEP-2663 state machine). */
export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL.has(status);
}

export interface TaskError {
  readonly code: number;
  readonly message: string;
  readonly data?: JsonValue;
}

/**
 * One task as stored. Plain JSON, so every backend (memory, a file, a DynamoDB item) holds the
 * same thing, and whichever execution environment reads it next can carry on.
 */
export interface TaskRecord {
  /** 128 random bits: knowing the id is not enough (owner binding), but it must not be guessable either. */
  readonly taskId: string;
  /** The authenticated caller that created the task; nobody else may read or change it. */
  readonly owner: string;
  readonly tool: string;
  readonly args: JsonObject;
  readonly status: TaskStatus;
  readonly statusMessage?: string;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly lastUpdatedAt: string;
  readonly ttlMs: number;
  readonly pollIntervalMs: number;
  /** Epoch ms after which the task is gone (createdAt + ttlMs). */
  readonly expiresAt: number;
  /** Epoch ms at which a `working` task's (simulated) work is done; see engine.ts. */
  readonly readyAt?: number;
  /** Outstanding input requests only (`input_required`). */
  readonly inputRequests?: JsonObject;
  /** Answers collected so far, by input request key. */
  readonly answers?: JsonObject;
  /** The CallToolResult of a `completed` task. */
  readonly result?: JsonObject;
  readonly error?: TaskError;
  /** Optimistic concurrency: every write names the version it read and stores version + 1. */
  readonly version: number;
}

export function isExpired(record: Pick<TaskRecord, 'expiresAt'>, now: number): boolean {
  return record.expiresAt <= now;
}

/** The fields every task view on the wire shares. Absent optional fields are left out entirely. */
function taskFields(record: TaskRecord): JsonObject {
  return {
    taskId: record.taskId,
    status: record.status,
    ...(record.statusMessage === undefined ? {} : { statusMessage: record.statusMessage }),
    createdAt: record.createdAt,
    lastUpdatedAt: record.lastUpdatedAt,
    ttlMs: record.ttlMs,
    pollIntervalMs: record.pollIntervalMs,
  };
}

/**
 * CreateTaskResult: flat (no nested `task`), and never `result`, `error`, `inputRequests` or
 * `requestState`; the client reads those with tasks/get.
 */
export function toCreateTaskResult(record: TaskRecord): JsonObject {
  return { resultType: 'task', ...taskFields(record) };
}

/**
 * DetailedTask (tasks/get): the status-specific field travels only with its status. The SDK stamps
 * `resultType: "complete"` on the response.
 */
export function toDetailedTask(record: TaskRecord): JsonObject {
  return {
    ...taskFields(record),
    ...(record.status === 'input_required' && record.inputRequests ? { inputRequests: record.inputRequests } : {}),
    ...(record.status === 'completed' && record.result ? { result: record.result } : {}),
    ...(record.status === 'failed' && record.error ? { error: errorJson(record.error) } : {}),
  };
}

function errorJson(error: TaskError): JsonObject {
  return { code: error.code, message: error.message, ...(error.data === undefined ? {} : { data: error.data }) };
}
