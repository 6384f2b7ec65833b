/**
 * One Lambda execution environment: a child process running the function bundle, serving one
 * invocation at a time (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { FunctionSettings } from '../config/stack-config.ts';
import type { LogStore } from '../logs/log-store.ts';
import { endLine, reportLine, startLine } from '../../shared/lambda-log-lines.ts';
import { encodeFrame, frameReader, RUNTIME_CHANNEL_FD } from './runtime-channel.ts';
import type { FunctionErrorPayload, InvokeMessage, RuntimeMessage } from './runtime-protocol.ts';

/** Lambda allows the INIT phase 10 seconds (lambda-runtime-environment.html, "Init phase"). */
export const INIT_TIMEOUT_MS = 10_000;
export const FUNCTION_VERSION = '$LATEST';

export type InvocationOutcome =
  | {
      readonly kind: 'result';
      readonly result: unknown;
      readonly payloadBytes: number;
      /**
       * When the result was an object with a string `body`: that body as UTF-8, taken out of
       * `result`, so a gateway writes the bytes without decoding and re-encoding them.
       */
      readonly body?: Buffer;
    }
  | { readonly kind: 'function-error'; readonly error: FunctionErrorPayload };

export interface EnvironmentContext {
  readonly fn: FunctionSettings;
  readonly region: string;
  readonly accountId: string;
  readonly logs: LogStore;
  readonly runtimePath: string;
  readonly nodePath: string;
  /** The Lambda runtime the function is configured with, e.g. `nodejs22.x`. */
  readonly lambdaRuntime: string;
  /** Version of the Node.js binary at `nodePath`. */
  readonly nodeVersion: string;
}

/**
 * The flags Lambda's Node.js runtime starts node with: its `/var/runtime/bootstrap` (in the
 * public.ecr.aws/lambda/nodejs base images) sizes V8's heap from the function's memory, a tenth for
 * the young generation (half of it per semi-space) and the rest for the old one. Anything else,
 * such as `--enable-source-maps`, comes from the function's NODE_OPTIONS, as on AWS.
 */
export function lambdaNodeArguments(memorySizeMb: number): string[] {
  const newSpace = Math.floor(memorySizeMb / 10);
  return [
    '--expose-gc',
    '--max-http-header-size',
    '81920',
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memorySizeMb - newSpace}`,
  ];
}

function logStreamName(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '/');
  return `${day}/[${FUNCTION_VERSION}]${randomBytes(16).toString('hex')}`;
}

export function logGroupName(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

export class ExecutionEnvironment {
  readonly logStreamName = logStreamName();
  readonly logGroupName: string;
  private readonly child: ChildProcess | undefined;
  private channel: Socket | undefined;
  private readonly ready: Promise<void>;
  private readonly spawnedAt = performance.now();
  private initDurationMs: number | undefined;
  private pendingInitReport = true;
  private exited = false;
  /** Set by kill(): the process may not have exited yet, but it must never be invoked again. */
  private killed = false;
  private exitListeners: Array<(code: number | null) => void> = [];
  private messageListener: ((message: RuntimeMessage, payload: Buffer) => void) | undefined;
  busy = false;
  lastUsed = Date.now();
  invocations = 0;

  constructor(private readonly ctx: EnvironmentContext) {
    this.logGroupName = logGroupName(ctx.fn.functionName);
    ctx.logs.createStream(this.logGroupName, this.logStreamName);
    this.log(
      `INIT_START Runtime Version: nodejs:${ctx.nodeVersion.split('.')[0]}.v${ctx.nodeVersion}\tRuntime Version ARN: emulated`,
    );
    this.child = this.spawn();
    this.ready = this.child ? this.waitForReady() : Promise.reject(this.spawnError);
    // Observed by invoke(); this guard only keeps an early failure from being "unhandled".
    this.ready.catch(() => undefined);
  }

  /**
   * Starts the runtime process. A spawn that fails (EMFILE, EAGAIN, ENOENT...) fails this
   * environment's INIT only: the invocation that needed it gets a function error (502 through API
   * Gateway), and the emulator goes on serving.
   */
  private spawn(): ChildProcess | undefined {
    let child: ChildProcess;
    try {
      child = spawn(
        this.ctx.nodePath,
        [...lambdaNodeArguments(this.ctx.fn.memorySizeMb), this.ctx.runtimePath],
        // stdin closed, stdout and stderr to the log stream, the runtime channel on fd 3.
        { env: this.environmentVariables(), stdio: ['ignore', 'pipe', 'pipe', 'pipe'] },
      );
    } catch (error) {
      this.failSpawn(error as Error);
      return undefined;
    }
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.log(line));
    }
    // A spawn refused with EMFILE or ENFILE sets up no stdio at all: `stdio` is then undefined.
    const stdio: ChildProcess['stdio'] | undefined = child.stdio;
    const channel = stdio?.[RUNTIME_CHANNEL_FD] as Socket | null | undefined;
    if (channel) {
      const read = frameReader((header, payload) => this.messageListener?.(header as RuntimeMessage, payload));
      channel.on('data', (chunk: Buffer) => {
        try {
          read(chunk);
        } catch (error) {
          // Only something other than the runtime writing to its channel (function code opening
          // fd 3) can garble a frame; the environment cannot be trusted after that.
          this.log(`Runtime channel broken: ${(error as Error).message}`);
          this.kill();
        }
      });
      // A write to a process that is gone fails here; its 'exit' reports its end.
      channel.on('error', () => undefined);
      this.channel = channel;
    }
    child.on('exit', (code) => this.markExited(code));
    // 'error' without a pid: the process never started, and no 'exit' will follow. Other 'error's
    // (a failed kill or send) come from a process whose 'exit' still reports its end.
    child.on('error', (error) => {
      if (child.pid === undefined) this.failSpawn(error);
    });
    return child;
  }

  private spawnError: Error | undefined;

  private failSpawn(error: Error): void {
    if (this.exited) return;
    this.spawnError = error;
    this.log(`Runtime spawn failed: ${(error as NodeJS.ErrnoException).code ?? error.name}: ${error.message}`);
    this.markExited(null);
  }

  private markExited(code: number | null): void {
    if (this.exited) return;
    this.exited = true;
    for (const listener of this.exitListeners) listener(code);
  }

  private environmentVariables(): NodeJS.ProcessEnv {
    const { fn, region } = this.ctx;
    // Reserved variables Lambda sets (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
    return {
      ...fn.environment,
      PATH: process.env.PATH,
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      _HANDLER: fn.handler,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_EXECUTION_ENV: `AWS_Lambda_${this.ctx.lambdaRuntime}`,
      AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySizeMb),
      AWS_LAMBDA_FUNCTION_VERSION: FUNCTION_VERSION,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_LOG_GROUP_NAME: this.logGroupName,
      AWS_LAMBDA_LOG_STREAM_NAME: this.logStreamName,
      LAMBDA_TASK_ROOT: path.dirname(fn.bundlePath),
      LAMBDA_RUNTIME_DIR: path.dirname(this.ctx.runtimePath),
      NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS,
      ...forwardedAwsVariables(),
    };
  }

  get functionArn(): string {
    return `arn:aws:lambda:${this.ctx.region}:${this.ctx.accountId}:function:${this.ctx.fn.functionName}`;
  }

  get isAlive(): boolean {
    return !this.exited && !this.killed;
  }

  /** Tells the owner when the process is gone, whether it crashed idle, mid-invocation or was killed. */
  onGone(listener: () => void): void {
    if (this.exited) listener();
    else this.onExit(() => listener());
  }

  private log(message: string): void {
    this.ctx.logs.put(this.logGroupName, this.logStreamName, message);
  }

  private waitForReady(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.kill();
        reject(new Error(`INIT phase exceeded ${INIT_TIMEOUT_MS} ms`));
      }, INIT_TIMEOUT_MS);
      this.messageListener = (message) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          this.initDurationMs = performance.now() - this.spawnedAt;
          resolve();
        } else if (message.type === 'init-error') {
          clearTimeout(timer);
          this.log(
            `INIT_REPORT Init Duration: ${(performance.now() - this.spawnedAt).toFixed(2)} ms\tPhase: init\tStatus: error\tError Type: ${message.error.errorType}`,
          );
          reject(Object.assign(new Error(message.error.errorMessage), { payload: message.error }));
        }
      };
      this.onExit((code) => {
        clearTimeout(timer);
        reject(this.spawnError ?? new Error(`runtime exited during INIT with code ${code}`));
      });
    });
  }

  private onExit(listener: (code: number | null) => void): () => void {
    this.exitListeners.push(listener);
    return () => {
      this.exitListeners = this.exitListeners.filter((l) => l !== listener);
    };
  }

  /**
   * Runs one invocation. A function error keeps the environment; a timeout or a crash destroys it
   * (Lambda resets the environment), and the caller must not reuse it.
   */
  async invoke(requestId: string, event: unknown, onChunk?: (chunk: Buffer) => void): Promise<InvocationOutcome> {
    this.busy = true;
    try {
      await this.ready;
    } catch (error) {
      // A failed INIT resets the environment: it is never reused and holds no concurrency.
      this.kill();
      this.busy = false;
      const payload = (error as { payload?: FunctionErrorPayload }).payload;
      return {
        kind: 'function-error',
        error: payload ?? { errorType: 'Runtime.Unknown', errorMessage: (error as Error).message },
      };
    }
    this.invocations += 1;
    const timeoutMs = this.ctx.fn.timeoutSeconds * 1000;
    const started = performance.now();
    const initDurationMs = this.pendingInitReport ? this.initDurationMs : undefined;
    this.pendingInitReport = false;
    this.log(startLine(requestId, FUNCTION_VERSION));
    const message: InvokeMessage = {
      type: 'invoke',
      requestId,
      event,
      deadlineEpochMs: Date.now() + timeoutMs,
      invokedFunctionArn: this.functionArn,
    };

    const finish = (
      outcome: InvocationOutcome,
      maxRssBytes: number,
      status?: 'timeout' | 'error',
      errorType?: string,
    ): InvocationOutcome => {
      this.log(endLine(requestId));
      this.log(
        reportLine({
          requestId,
          durationMs: performance.now() - started,
          memorySizeMb: this.ctx.fn.memorySizeMb,
          maxMemoryUsedMb: Math.ceil(maxRssBytes / (1024 * 1024)),
          initDurationMs,
          status,
          errorType,
        }),
      );
      this.busy = false;
      this.lastUsed = Date.now();
      return outcome;
    };

    return new Promise<InvocationOutcome>((resolve) => {
      let settled = false;
      const settle = (outcome: InvocationOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        removeExit();
        this.messageListener = undefined;
        resolve(outcome);
      };
      const timer = setTimeout(() => {
        const seconds = this.ctx.fn.timeoutSeconds.toFixed(2);
        const errorMessage = `${new Date().toISOString()} ${requestId} Task timed out after ${seconds} seconds`;
        this.log(errorMessage);
        this.kill();
        settle(
          finish({ kind: 'function-error', error: { errorType: 'Sandbox.Timedout', errorMessage } }, 0, 'timeout'),
        );
      }, timeoutMs);
      const removeExit = this.onExit((code) => {
        const errorMessage = `RequestId: ${requestId} Error: Runtime exited with error: exit status ${code ?? 'signal'}`;
        this.log(`${errorMessage}\rRuntime.ExitError`);
        settle(
          finish(
            { kind: 'function-error', error: { errorType: 'Runtime.ExitError', errorMessage } },
            0,
            'error',
            'Runtime.ExitError',
          ),
        );
      });
      this.messageListener = (reply, payload) => {
        if (reply.type === 'chunk' && reply.requestId === requestId) {
          onChunk?.(payload);
        } else if (reply.type === 'result' && reply.requestId === requestId) {
          const { result, payloadBytes } = reply;
          const outcome: InvocationOutcome = reply.bodyInPayload
            ? { kind: 'result', result, payloadBytes, body: payload }
            : { kind: 'result', result, payloadBytes };
          settle(finish(outcome, reply.maxRssBytes));
        } else if (reply.type === 'error' && reply.requestId === requestId) {
          settle(
            finish({ kind: 'function-error', error: reply.error }, reply.maxRssBytes, 'error', reply.error.errorType),
          );
        }
      };
      // A write that fails means the process is gone; its 'exit' settles the invocation.
      this.channel?.write(encodeFrame(message));
    });
  }

  kill(): void {
    this.killed = true;
    if (!this.exited) this.child?.kill('SIGKILL');
  }

  /** Resolves once the child process is gone. */
  async shutdown(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.onExit(() => resolve()));
    this.kill();
    await gone;
  }
}

/**
 * On AWS, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN hold the execution role's
 * credentials (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 * Locally the host's credentials stand in for the role's, and the SDK's endpoint variables
 * (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>) are passed on, so a server module that calls an AWS
 * API reaches the account, LocalStack or moto the caller of `npm start` chose.
 */
function forwardedAwsVariables(): NodeJS.ProcessEnv {
  const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => names.includes(name) || name === 'AWS_ENDPOINT_URL' || name.startsWith('AWS_ENDPOINT_URL_'),
    ),
  );
}
