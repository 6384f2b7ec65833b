/** Types of config.js. */
import type { EraSetting, LongTask, ToolCall } from './mcp.js';

export interface LongTaskSetting {
  readonly steps: number;
  readonly stepMs: number;
}

export interface StageDefinition {
  readonly durationShare: number;
  readonly rateShare: number;
}

export interface ScenarioDefinition {
  readonly description?: string;
  readonly executor: 'constant-vus' | 'ramping-arrival-rate' | 'constant-arrival-rate';
  readonly vus?: number;
  readonly duration: string;
  readonly pauseSeconds?: number;
  readonly rate?: number;
  readonly startRateShare?: number;
  readonly stages?: readonly StageDefinition[];
  readonly thresholds?: Readonly<Record<string, readonly string[]>>;
  readonly longTask?: LongTaskSetting;
  /** The tools/call requests of one iteration ("demo": the demo server's mix). */
  readonly calls?: CallsSetting;
  readonly targets?: Readonly<Record<string, Partial<ScenarioDefinition>>>;
}

export interface ScenarioFile {
  readonly defaults: {
    readonly url?: string;
    readonly era?: string;
    readonly target?: string;
    readonly textBytes?: number;
    /** The long_task call of every iteration (steps 0 leaves it out). */
    readonly longTask?: LongTaskSetting;
    readonly calls?: CallsSetting;
    readonly requestTimeout?: string;
    readonly gracefulStop?: string;
    readonly resultsDir?: string;
    readonly expectedIterationSeconds?: number;
    readonly maxIterationSeconds?: number;
    readonly summaryTrendStats?: readonly string[];
    readonly thresholds?: Readonly<Record<string, readonly string[]>>;
  };
  readonly scenarios: Readonly<Record<string, ScenarioDefinition>>;
}

export interface RunPlan {
  readonly scenario: string;
  readonly description: string;
  readonly executor: ScenarioDefinition['executor'];
  readonly era: EraSetting;
  readonly target: string;
  readonly url: string;
  readonly token: string;
  readonly durationSeconds: number;
  readonly requestsPerIteration: number;
  readonly textBytes: number;
  /** The long_task call's arguments, or null when iterations leave it out. */
  readonly longTask: LongTask | null;
  /** The scenario's own tool calls, or null for the demo's mix. */
  readonly calls: ToolCall[] | null;
  readonly requestTimeoutSeconds: number;
  readonly gracefulStopSeconds: number;
  readonly resultsDir: string;
  readonly summaryTrendStats: string[];
  readonly thresholds: Record<string, string[]>;
  readonly breakdown: string[];
  /** constant-vus */
  readonly vus?: number;
  readonly pauseSeconds?: number;
  /** arrival-rate executors: RATE in HTTP requests per second and its iteration equivalent. */
  readonly rate?: number;
  readonly timeUnit?: string;
  readonly peakIterationsPerMinute?: number;
  readonly startIterationsPerMinute?: number;
  readonly stages?: ReadonlyArray<{ readonly durationSeconds: number; readonly iterationsPerMinute: number }>;
  readonly preAllocatedVUs?: number;
  readonly maxVUs?: number;
}

export type Env = Readonly<Record<string, string | undefined>>;

export declare function parseDuration(value: string | number | undefined): number;
export declare function formatDuration(seconds: number): string;
export declare function breakdownSubmetrics(
  era: EraSetting,
  longTask?: LongTask | null,
  calls?: readonly ToolCall[] | null,
): string[];
export type CallsSetting =
  | 'demo'
  | ReadonlyArray<{
      readonly tool: string;
      readonly arguments?: Record<string, unknown> | 'sample';
      readonly expectError?: boolean;
    }>;
export declare function resolvePlan(file: ScenarioFile, name: string, env: Env): RunPlan;
export declare function k6Options(plan: RunPlan): {
  scenarios: Record<string, Record<string, unknown>>;
  thresholds: Record<string, string[]>;
  summaryTrendStats: string[];
  tags: Record<string, string>;
};
