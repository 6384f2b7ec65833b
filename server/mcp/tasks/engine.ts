import { randomBytes } from 'node:crypto';
import type { Clock, TaskStore } from './store.ts';
import { isTerminal, type JsonObject, type JsonValue, type TaskError, type TaskRecord } from './types.ts';

/**
 * Where a task goes next. A program returns one of these when it starts, when its work is due,
 * and when its input has been answered.
 */
export type TaskStep =
  /** Work that is done `delayMs` after this step (the task stays `working` until then). */
  | { readonly status: 'working'; readonly delayMs: number; readonly statusMessage?: string }
  | { readonly status: 'input_required'; readonly inputRequests: JsonObject; readonly statusMessage?: string }
  | { readonly status: 'completed'; readonly result: JsonObject; readonly statusMessage?: string }
  | { readonly status: 'failed'; readonly error: TaskError; readonly statusMessage?: string };

/**
 * What a task-running tool does after it answered with a CreateTaskResult. Programs are pure
 * functions of the stored record: any execution environment may run the next step.
 */
export interface TaskProgram {
  /** A `working` task's `readyAt` has passed: the outcome of its work. */
  finish?(task: TaskRecord): TaskStep;
  /** Every input request of an `input_required` task has an answer. */
  resume?(task: TaskRecord, answers: JsonObject): TaskStep;
}

export interface TaskEngineOptions {
  readonly store: TaskStore;
  /** By tool name; a task whose tool has no program never advances on its own. */
  readonly programs: ReadonlyMap<string, TaskProgram>;
  readonly now?: Clock;
  /** How long a task is kept after creation. */
  readonly ttlMs?: number;
  /** The poll interval suggested to clients. */
  readonly pollIntervalMs?: number;
}

export const DEFAULT_TASK_TTL_MS = 60 * 60_000;
export const DEFAULT_POLL_INTERVAL_MS = 1_000;
/** Compare-and-set attempts before a request gives up (each conflict means another writer won). */
const MAX_ATTEMPTS = 5;

export class TaskNotFoundError extends Error {
  override readonly name = 'TaskNotFoundError';
  constructor() {
    super('Task not found');
  }
}

export class TaskConflictError extends Error {
  override readonly name = 'TaskConflictError';
  constructor(taskId: string) {
    super(`task ${taskId} kept changing under concurrent writers`);
  }
}

/**
 * The tasks engine: create, read, answer and cancel tasks for their owner.
 *
 * Nothing runs after a Lambda response is returned (the environment is frozen until the next
 * invocation, https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html), so
 * tasks advance on access: every read or write first applies the steps that are due (a `working`
 * task whose `readyAt` has passed finishes), then persists the outcome with compare-and-set. A
 * concurrent cancel and completion therefore resolve cleanly: whichever writes first wins and the
 * other re-reads. Real long work would need an out-of-band worker (an asynchronous Lambda
 * invocation, SQS, Step Functions) writing to the same store; the program/store split leaves room
 * for one.
 */
export class TaskEngine {
  private readonly store: TaskStore;
  private readonly programs: ReadonlyMap<string, TaskProgram>;
  private readonly now: Clock;
  private readonly ttlMs: number;
  private readonly pollIntervalMs: number;

  constructor(options: TaskEngineOptions) {
    this.store = options.store;
    this.programs = options.programs;
    this.now = options.now ?? Date.now;
    this.ttlMs = options.ttlMs ?? DEFAULT_TASK_TTL_MS;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  }

  /** Creates a task in its first step (already advanced if that step is due) and stores it before returning. */
  async create(owner: string, tool: string, args: JsonObject, first: TaskStep): Promise<TaskRecord> {
    const now = this.now();
    const created = new Date(now).toISOString();
    const base: TaskRecord = {
      taskId: randomBytes(16).toString('base64url'),
      owner,
      tool,
      args,
      status: 'working',
      createdAt: created,
      lastUpdatedAt: created,
      ttlMs: this.ttlMs,
      pollIntervalMs: this.pollIntervalMs,
      expiresAt: now + this.ttlMs,
      version: 1,
    };
    const started = applyStep(base, first, now);
    const record = this.advance(started, now) ?? started;
    await this.store.create(record);
    return record;
  }

  /** The task as of now, advanced and persisted. Throws {@link TaskNotFoundError}. */
  get(owner: string, taskId: string): Promise<TaskRecord> {
    return this.mutate(owner, taskId, () => undefined);
  }

  /**
   * Records answers to outstanding input requests; keys that are not outstanding, and values that
   * do not answer their request, are ignored (never an error). Once nothing is outstanding the
   * program resumes. A terminal task is left as it is.
   */
  provideInput(owner: string, taskId: string, responses: Readonly<Record<string, unknown>>): Promise<TaskRecord> {
    return this.mutate(owner, taskId, (task, now) => {
      if (task.status !== 'input_required' || !task.inputRequests) return undefined;
      const outstanding: JsonObject = { ...task.inputRequests };
      const answers: JsonObject = { ...task.answers };
      let answered = 0;
      for (const [key, value] of Object.entries(responses)) {
        const request = outstanding[key];
        if (request === undefined || !isAnswerTo(request, value)) continue;
        answers[key] = value;
        delete outstanding[key];
        answered += 1;
      }
      if (answered === 0) return undefined;
      const stamp = new Date(now).toISOString();
      if (Object.keys(outstanding).length > 0)
        return { ...task, inputRequests: outstanding, answers, lastUpdatedAt: stamp };
      const resumed = { ...task, answers, lastUpdatedAt: stamp };
      const program = this.programs.get(task.tool);
      const step: TaskStep = program?.resume?.(resumed, answers) ?? {
        status: 'failed',
        error: { code: -32603, message: `${task.tool} cannot resume` },
      };
      const next = applyStep(resumed, step, now);
      return this.advance(next, now) ?? next;
    });
  }

  /** Cancels a task that is not terminal yet; cancelling a terminal task changes nothing (idempotent). */
  cancel(owner: string, taskId: string): Promise<TaskRecord> {
    return this.mutate(owner, taskId, (task, now) => {
      if (isTerminal(task.status)) return undefined;
      const { inputRequests: _dropped, readyAt: _never, ...rest } = task;
      return {
        ...rest,
        status: 'cancelled',
        statusMessage: 'Cancelled by client',
        lastUpdatedAt: new Date(now).toISOString(),
      };
    });
  }

  /**
   * Read, advance what is due, apply `change`, compare-and-set; on a conflict start over from a
   * fresh read, so every decision is made on the latest state.
   */
  private async mutate(
    owner: string,
    taskId: string,
    change: (task: TaskRecord, now: number) => TaskRecord | undefined,
  ): Promise<TaskRecord> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const stored = await this.store.get(taskId);
      // Another caller's task is reported exactly like a missing one: ids must not leak.
      if (!stored || stored.owner !== owner) throw new TaskNotFoundError();
      const now = this.now();
      const advanced = this.advance(stored, now);
      const changed = change(advanced ?? stored, now);
      const next = changed ?? advanced;
      if (!next) return stored;
      const versioned: TaskRecord = { ...next, version: stored.version + 1 };
      if (await this.store.update(taskId, stored.version, versioned)) return versioned;
    }
    throw new TaskConflictError(taskId);
  }

  /** The task after the steps that are due by `now`, or undefined when nothing is due. */
  private advance(task: TaskRecord, now: number): TaskRecord | undefined {
    let current = task;
    // A finishing step may schedule more work; bounded so a faulty program cannot spin.
    for (let steps = 0; steps < 16; steps += 1) {
      if (current.status !== 'working' || current.readyAt === undefined || current.readyAt > now) break;
      const program = this.programs.get(current.tool);
      const step: TaskStep = program?.finish?.(current) ?? {
        status: 'failed',
        error: { code: -32603, message: `${current.tool} has no way to finish` },
      };
      // The work finished at readyAt, whenever it is observed (the virtual clock of advance-on-access).
      current = applyStep(current, step, Math.max(current.readyAt, Date.parse(current.lastUpdatedAt)));
    }
    return current === task ? undefined : current;
  }
}

/** The record after `step`, with only the fields that belong to the new status. */
function applyStep(task: TaskRecord, step: TaskStep, at: number): TaskRecord {
  const { readyAt: _r, inputRequests: _i, result: _res, error: _e, statusMessage: _m, ...rest } = task;
  const base = {
    ...rest,
    status: step.status,
    lastUpdatedAt: new Date(at).toISOString(),
    ...(step.statusMessage === undefined ? {} : { statusMessage: step.statusMessage }),
  };
  switch (step.status) {
    case 'working':
      return { ...base, readyAt: at + Math.max(0, step.delayMs) };
    case 'input_required':
      return { ...base, inputRequests: step.inputRequests };
    case 'completed':
      return { ...base, result: step.result };
    case 'failed':
      return { ...base, error: step.error };
  }
}

/**
 * Whether `value` answers `request` (an MRTR InputRequest): an ElicitResult for
 * `elicitation/create`, a CreateMessageResult for `sampling/createMessage`, a ListRootsResult for
 * `roots/list`.
 */
function isAnswerTo(request: JsonValue, value: unknown): value is JsonValue {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return false;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const answer = value as Record<string, unknown>;
  switch (request.method) {
    case 'elicitation/create':
      return answer.action === 'accept' || answer.action === 'decline' || answer.action === 'cancel';
    case 'sampling/createMessage':
      return typeof answer.role === 'string' && answer.content !== undefined;
    case 'roots/list':
      return Array.isArray(answer.roots);
    default:
      return false;
  }
}
