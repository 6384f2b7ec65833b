/** Types of summary.js: the summary JSON both drivers write. */
import type { RunPlan } from './config.js';
import type { EraSetting } from './mcp.js';

export declare const SUMMARY_SCHEMA: string;

/** The subset of k6's handleSummary `data` argument the summary reads. */
export interface K6SummaryData {
  metrics: Record<
    string,
    {
      type: 'counter' | 'gauge' | 'rate' | 'trend';
      contains: 'default' | 'time' | 'data';
      values: Record<string, number>;
      thresholds?: Record<string, { ok: boolean }>;
    }
  >;
  root_group: {
    name: string;
    path: string;
    id: string;
    groups: unknown[];
    checks: Array<{ name: string; path: string; id: string; passes: number; fails: number }>;
  };
  state: { testRunDurationMs: number; isStdOutTTY?: boolean; isStdErrTTY?: boolean };
  options?: Record<string, unknown>;
  setup_data?: { start?: string } | undefined;
}

export interface LatencyStats {
  readonly count: number | null;
  readonly avg: number | null;
  readonly min: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

export interface LoadSummary {
  readonly schema: string;
  readonly tool: 'k6' | 'node';
  readonly scenario: string;
  readonly description: string;
  readonly era: EraSetting;
  readonly target: string;
  readonly url: string;
  readonly start: string;
  readonly end: string;
  readonly durationSeconds: number;
  readonly plan: Record<string, unknown>;
  readonly iterations: {
    readonly count: number;
    readonly rate: number;
    readonly dropped: number;
    readonly durationMs: LatencyStats | null;
  };
  readonly vusMax: number | null;
  readonly http: {
    readonly requests: number;
    readonly rate: number;
    readonly failed: number;
    readonly failedRate: number;
    readonly byStatus: Record<string, number>;
  };
  readonly latencyMs: {
    readonly overall: LatencyStats | null;
    readonly byMethod: Record<string, LatencyStats | null>;
    readonly byTool: Record<string, LatencyStats | null>;
    readonly byEra: Record<string, LatencyStats | null>;
  };
  readonly checks: {
    readonly passes: number;
    readonly fails: number;
    readonly rate: number;
    readonly byName: Record<string, { passes: number; fails: number }>;
  };
  readonly thresholds: ReadonlyArray<{
    readonly metric: string;
    readonly expression: string;
    readonly ok: boolean;
    readonly noData?: boolean;
  }>;
  readonly ok: boolean;
}

export interface SummaryMeta {
  tool: 'k6' | 'node';
  start?: Date | string;
  end?: Date | string;
}

export declare function parseMetricKey(key: string): { metric: string; tags: Record<string, string> };
export declare function latencyStats(values: Record<string, number> | undefined): LatencyStats | null;
export declare function fileStamp(date: Date): string;
export declare function summarize(data: K6SummaryData, plan: RunPlan, meta: SummaryMeta): LoadSummary;
export declare function formatTable(
  header: ReadonlyArray<string | number>,
  rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>,
): string;
export declare function textSummary(summary: LoadSummary): string;
export declare function summaryOutputs(
  data: K6SummaryData,
  plan: RunPlan,
  meta: SummaryMeta,
): { summary: LoadSummary; files: Record<string, string>; base: string };
