/**
 * The execution environments of one function and Lambda's scaling rules for them: an invocation
 * takes an idle environment or starts a new one (a cold start) while the function is under its
 * concurrency limit, and is throttled beyond it; idle environments are eventually reclaimed
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html).
 */
import { randomUUID } from 'node:crypto';
import {
  ExecutionEnvironment,
  logGroupName,
  type EnvironmentContext,
  type InvocationOutcome,
} from './execution-environment.ts';

export type InvokeOutcome =
  | InvocationOutcome
  /** Lambda rejected the invocation: no environment could be had (TooManyRequestsException). */
  | { readonly kind: 'throttled' };

/** What each environment needs, plus the pool's own settings. */
export interface PoolOptions extends EnvironmentContext {
  readonly idleTimeoutMs: number;
  readonly logRetentionDays?: number;
}

export interface PoolStats {
  readonly environments: number;
  readonly busy: number;
  readonly coldStarts: number;
  readonly throttles: number;
  readonly invocations: number;
}

export class FunctionPool {
  private readonly environments = new Set<ExecutionEnvironment>();
  private readonly reaper: NodeJS.Timeout;
  private coldStarts = 0;
  private throttles = 0;
  private invocations = 0;
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    options.logs.createGroup(logGroupName(options.fn.functionName), options.logRetentionDays);
    this.reaper = setInterval(() => this.reapIdle(), Math.min(1000, options.idleTimeoutMs)).unref();
  }

  get functionName(): string {
    return this.options.fn.functionName;
  }

  get logGroupName(): string {
    return logGroupName(this.options.fn.functionName);
  }

  stats(): PoolStats {
    return {
      environments: this.environments.size,
      busy: [...this.environments].filter((env) => env.busy).length,
      coldStarts: this.coldStarts,
      throttles: this.throttles,
      invocations: this.invocations,
    };
  }

  /**
   * The most recently used idle environment serves next, leaving the others to be reclaimed. AWS
   * does not document how Lambda picks among idle environments; this is what is commonly observed,
   * and it keeps sequential requests on one environment, as the scaling tests expect.
   */
  private takeIdle(): ExecutionEnvironment | undefined {
    let best: ExecutionEnvironment | undefined;
    for (const env of this.environments) {
      if (!env.busy && env.isAlive && (!best || env.lastUsed > best.lastUsed)) best = env;
    }
    return best;
  }

  /**
   * Whether an invocation made now would be rejected: the pool is closed (the stack is stopping),
   * or no environment is idle and the concurrency limit is reached. A throttle counts as one.
   */
  rejectsInvocation(): boolean {
    if (this.closed) return true;
    if (this.environments.size < this.options.fn.concurrencyLimit || this.takeIdle()) return false;
    this.throttles += 1;
    return true;
  }

  /** `onChunk` receives a streaming handler's output as it is written (InvokeWithResponseStream). */
  async invoke(
    event: unknown,
    requestId: string = randomUUID(),
    onChunk?: (chunk: Buffer) => void,
  ): Promise<InvokeOutcome> {
    if (this.closed) throw new Error(`${this.functionName} pool is closed`);
    let env = this.takeIdle();
    if (!env) {
      if (this.environments.size >= this.options.fn.concurrencyLimit) {
        this.throttles += 1;
        return { kind: 'throttled' };
      }
      const created = new ExecutionEnvironment(this.options);
      // An environment whose process dies (even while idle) stops counting toward concurrency.
      created.onGone(() => this.environments.delete(created));
      env = created;
      this.environments.add(env);
      this.coldStarts += 1;
    }
    env.busy = true;
    this.invocations += 1;
    const outcome = await env.invoke(requestId, event, onChunk);
    if (
      !env.isAlive ||
      (outcome.kind === 'function-error' &&
        (outcome.error.errorType === 'Sandbox.Timedout' || outcome.error.errorType.startsWith('Runtime.')))
    ) {
      // Timed-out, crashed and failed-init environments are not reused.
      env.kill();
      this.environments.delete(env);
    }
    return outcome;
  }

  private reapIdle(): void {
    const now = Date.now();
    for (const env of this.environments) {
      if (!env.busy && now - env.lastUsed >= this.options.idleTimeoutMs) {
        this.environments.delete(env);
        void env.shutdown();
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.reaper);
    await Promise.all([...this.environments].map((env) => env.shutdown()));
    this.environments.clear();
  }
}
