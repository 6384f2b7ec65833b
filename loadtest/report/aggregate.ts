/**
 * From platform log lines to the scaling figures: one log stream per execution environment
 * (Lambda writes each environment's output to its own stream), a cold start per REPORT carrying
 * `Init Duration`, and an environment busy from an invocation's START to its END line, so the
 * number of environments busy at once is the function's concurrency. Pure.
 */
import type { ParsedReport } from '../../shared/lambda-log-lines.ts';
import { parsePlatformLine, type LogRecord, type PlatformEvent } from './platform-lines.ts';

/** One invocation: its REPORT line's fields, where it ran and when. */
export interface Invocation extends ParsedReport {
  readonly logStreamName: string;
  readonly startMs: number;
  readonly endMs: number;
}

export interface Stats {
  readonly count: number;
  readonly min: number;
  readonly avg: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export interface EnvironmentSummary {
  readonly logStreamName: string;
  readonly invocations: number;
  readonly coldStart: boolean;
  readonly initDurationMs: number | undefined;
  readonly firstStartMs: number;
  readonly lastEndMs: number;
  readonly p50DurationMs: number;
}

export interface TimelinePoint {
  /** Bucket start, epoch ms. */
  readonly t: number;
  /** Invocations started in the bucket, per second. */
  readonly requestRate: number;
  readonly invocations: number;
  readonly coldStarts: number;
  /** Most environments busy at the same instant within the bucket. */
  readonly peakConcurrency: number;
  /** Environments with an invocation overlapping the bucket. */
  readonly activeEnvironments: number;
  /**
   * Environments started so far: cold starts (REPORT lines with `Init Duration`) before the
   * bucket's end. Environments that were already warm when the window began are not counted.
   * Lambda logs nothing when it reclaims an idle environment, so this counts up only;
   * `peakConcurrency` is what was in use.
   */
  readonly startedEnvironments: number;
}

export interface ColdStart {
  readonly t: number;
  readonly logStreamName: string;
  readonly initDurationMs: number;
}

/** p50/p90/p99/max (linear interpolation, as {@link stats}) of one figure over the new environments. */
export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * What each environment started in the window cost its first request inside Lambda: the REPORT
 * line that carries `Init Duration` is the environment's first invocation, so its `Duration` is
 * the first invocation's. A load test's tail latency while scaling out is mostly these.
 */
export interface ColdStartFigures {
  readonly initDurationMs: Percentiles | null;
  readonly firstInvocationMs: Percentiles | null;
  /** Init Duration + the first invocation's Duration, per environment. */
  readonly initPlusFirstMs: Percentiles | null;
}

export interface ScalingReport {
  readonly window: { readonly start: string; readonly end: string; readonly seconds: number };
  readonly platformLines: number;
  readonly invocations: number;
  /** START lines without a REPORT in the window (still running, or cut by the window). */
  readonly incomplete: number;
  /** REPORTs with a Status (timeout, error). */
  readonly failedInvocations: number;
  /** Environments that served at least one invocation in the window. */
  readonly environments: number;
  /** Log streams with any platform line: more than `environments` when some only initialised (or failed to). */
  readonly logStreams: number;
  readonly coldStarts: number;
  readonly initDurationMs: Stats | null;
  readonly durationMs: Stats | null;
  /** Duration of the invocations that followed a cold start, and of all others. */
  readonly coldDurationMs: Stats | null;
  readonly warmDurationMs: Stats | null;
  readonly billedDurationMs: number;
  readonly billedGbSeconds: number;
  readonly maxConcurrency: number;
  readonly maxConcurrencyAt: string | null;
  readonly requestsPerEnvironment: {
    readonly min: number;
    readonly p50: number;
    readonly mean: number;
    readonly max: number;
  } | null;
  readonly peakRequestRate: number;
  readonly meanRequestRate: number;
  readonly environmentsDetail: readonly EnvironmentSummary[];
  readonly coldStartList: readonly ColdStart[];
  readonly coldStartFigures: ColdStartFigures;
  readonly timeline: { readonly bucketSeconds: number; readonly points: readonly TimelinePoint[] };
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = p * (sorted.length - 1);
  const lo = sorted[Math.floor(i)]!;
  const hi = sorted[Math.ceil(i)]!;
  return lo + (hi - lo) * (i - Math.floor(i));
}

/** Count, min, mean, p50/p95/p99 (linear interpolation, as k6) and max. */
export function stats(values: readonly number[]): Stats | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    min: round(sorted[0]!),
    avg: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    p50: round(quantile(sorted, 0.5)),
    p95: round(quantile(sorted, 0.95)),
    p99: round(quantile(sorted, 0.99)),
    max: round(sorted[sorted.length - 1]!),
  };
}

export function percentiles(values: readonly number[]): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: round(quantile(sorted, 0.5)),
    p90: round(quantile(sorted, 0.9)),
    p99: round(quantile(sorted, 0.99)),
    max: round(sorted[sorted.length - 1]!),
  };
}

function coldStartFiguresOf(invocations: readonly Invocation[]): ColdStartFigures {
  const cold = invocations.filter((i) => i.initDurationMs !== undefined);
  return {
    initDurationMs: percentiles(cold.map((i) => i.initDurationMs!)),
    firstInvocationMs: percentiles(cold.map((i) => i.durationMs)),
    initPlusFirstMs: percentiles(cold.map((i) => i.initDurationMs! + i.durationMs)),
  };
}

/**
 * Pairs each REPORT with its START and END in the same stream. A missing START (the window cut
 * it off) is placed `Duration` before the REPORT; a missing END at the REPORT.
 */
export function buildInvocations(records: readonly LogRecord[]): {
  invocations: Invocation[];
  incomplete: number;
  platformLines: number;
  streams: Set<string>;
} {
  interface Partial {
    start?: number;
    end?: number;
    reportAt?: number;
    report?: Extract<PlatformEvent, { kind: 'report' }>;
  }
  const byKey = new Map<string, Partial & { stream: string; requestId: string }>();
  let platformLines = 0;
  const streams = new Set<string>();
  const ordered = [...records].sort((a, b) => a.timestamp - b.timestamp);
  for (const record of ordered) {
    const event = parsePlatformLine(record.message);
    if (!event) continue;
    platformLines += 1;
    streams.add(record.logStreamName);
    if (event.kind === 'init-start') continue;
    const requestId = event.kind === 'report' ? event.report.requestId : event.requestId;
    const key = `${record.logStreamName}\u0000${requestId}`;
    const entry = byKey.get(key) ?? { stream: record.logStreamName, requestId };
    byKey.set(key, entry);
    if (event.kind === 'start') entry.start ??= record.timestamp;
    else if (event.kind === 'end') entry.end = record.timestamp;
    else {
      entry.report = event;
      entry.reportAt = record.timestamp;
    }
  }
  const invocations: Invocation[] = [];
  let incomplete = 0;
  for (const entry of byKey.values()) {
    if (!entry.report || entry.reportAt === undefined) {
      incomplete += 1;
      continue;
    }
    const r = entry.report.report;
    const endMs = entry.end ?? entry.reportAt;
    const startMs = entry.start ?? Math.round(endMs - r.durationMs);
    invocations.push({
      logStreamName: entry.stream,
      requestId: entry.requestId,
      startMs,
      endMs: Math.max(endMs, startMs),
      durationMs: r.durationMs,
      billedDurationMs: r.billedDurationMs,
      memorySizeMb: r.memorySizeMb,
      maxMemoryUsedMb: r.maxMemoryUsedMb,
      initDurationMs: r.initDurationMs,
      status: r.status,
    });
  }
  invocations.sort((a, b) => a.startMs - b.startMs);
  return { invocations, incomplete, platformLines, streams };
}

export interface AggregateOptions {
  /** Epoch ms; defaults to the first START / last END seen. */
  readonly startMs?: number;
  readonly endMs?: number;
  /** Upper bound on timeline points; buckets widen beyond it. Default 600. */
  readonly maxPoints?: number;
}

export function aggregate(records: readonly LogRecord[], options: AggregateOptions = {}): ScalingReport {
  const { invocations, incomplete, platformLines, streams } = buildInvocations(records);
  const firstStart = invocations.reduce((m, i) => Math.min(m, i.startMs), Infinity);
  const lastEnd = invocations.reduce((m, i) => Math.max(m, i.endMs), -Infinity);
  const startMs = options.startMs ?? (Number.isFinite(firstStart) ? firstStart : Date.now());
  const endMs = Math.max(options.endMs ?? (Number.isFinite(lastEnd) ? lastEnd : startMs), startMs);
  const spanSeconds = Math.max(1, Math.ceil((endMs - startMs) / 1000));
  const bucketSeconds = Math.max(1, Math.ceil(spanSeconds / (options.maxPoints ?? 600)));
  const bucketMs = bucketSeconds * 1000;
  const origin = Math.floor(startMs / 1000) * 1000;
  const bucketCount = Math.max(1, Math.ceil((endMs - origin) / bucketMs));
  const bucketOf = (t: number): number => Math.min(bucketCount - 1, Math.max(0, Math.floor((t - origin) / bucketMs)));

  // Per environment.
  const byStream = new Map<string, Invocation[]>();
  for (const inv of invocations) {
    const list = byStream.get(inv.logStreamName) ?? [];
    list.push(inv);
    byStream.set(inv.logStreamName, list);
  }
  const environmentsDetail: EnvironmentSummary[] = [...byStream.entries()]
    .map(([logStreamName, list]) => {
      const cold = list.find((i) => i.initDurationMs !== undefined);
      return {
        logStreamName,
        invocations: list.length,
        coldStart: cold !== undefined,
        initDurationMs: cold?.initDurationMs,
        firstStartMs: Math.min(...list.map((i) => i.startMs)),
        lastEndMs: Math.max(...list.map((i) => i.endMs)),
        p50DurationMs: round(
          quantile(
            [...list.map((i) => i.durationMs)].sort((a, b) => a - b),
            0.5,
          ),
        ),
      };
    })
    .sort((a, b) => a.firstStartMs - b.firstStartMs);

  const coldStartList: ColdStart[] = invocations
    .filter((i) => i.initDurationMs !== undefined)
    .map((i) => ({ t: i.startMs, logStreamName: i.logStreamName, initDurationMs: i.initDurationMs! }));

  // Concurrency: sweep START (+1) / END (-1); an END and a START at the same instant do not overlap.
  const edges = invocations.flatMap((i) => [
    { t: i.startMs, d: 1 },
    { t: i.endMs, d: -1 },
  ]);
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  const peak = new Array<number>(bucketCount).fill(0);
  let level = 0;
  let maxConcurrency = 0;
  let maxConcurrencyAt: number | undefined;
  let edgeIndex = 0;
  for (let b = 0; b < bucketCount; b += 1) {
    const bucketEnd = origin + (b + 1) * bucketMs;
    let bucketPeak = level;
    while (edgeIndex < edges.length && edges[edgeIndex]!.t < bucketEnd) {
      level += edges[edgeIndex]!.d;
      if (level > bucketPeak) bucketPeak = level;
      if (level > maxConcurrency) {
        maxConcurrency = level;
        maxConcurrencyAt = edges[edgeIndex]!.t;
      }
      edgeIndex += 1;
    }
    peak[b] = bucketPeak;
  }

  const invocationCounts = new Array<number>(bucketCount).fill(0);
  const coldCounts = new Array<number>(bucketCount).fill(0);
  const active = Array.from({ length: bucketCount }, () => new Set<string>());
  for (const inv of invocations) {
    invocationCounts[bucketOf(inv.startMs)]! += 1;
    if (inv.initDurationMs !== undefined) coldCounts[bucketOf(inv.startMs)]! += 1;
    for (let b = bucketOf(inv.startMs); b <= bucketOf(inv.endMs); b += 1) active[b]!.add(inv.logStreamName);
  }
  const started = new Array<number>(bucketCount).fill(0);
  for (const cold of coldStartList) {
    for (let b = bucketOf(cold.t); b < bucketCount; b += 1) started[b]! += 1;
  }
  const points: TimelinePoint[] = Array.from({ length: bucketCount }, (_, b) => ({
    t: origin + b * bucketMs,
    requestRate: round(invocationCounts[b]! / bucketSeconds),
    invocations: invocationCounts[b]!,
    coldStarts: coldCounts[b]!,
    peakConcurrency: peak[b]!,
    activeEnvironments: active[b]!.size,
    startedEnvironments: started[b]!,
  }));

  const perEnv = environmentsDetail.map((e) => e.invocations).sort((a, b) => a - b);
  const billedDurationMs = invocations.reduce((sum, i) => sum + i.billedDurationMs, 0);
  const billedGbSeconds = invocations.reduce(
    (sum, i) => sum + (i.billedDurationMs / 1000) * (i.memorySizeMb / 1024),
    0,
  );
  const windowSeconds = (endMs - startMs) / 1000;
  return {
    window: {
      start: new Date(startMs).toISOString(),
      end: new Date(endMs).toISOString(),
      seconds: round(windowSeconds, 3),
    },
    platformLines,
    invocations: invocations.length,
    incomplete,
    failedInvocations: invocations.filter((i) => i.status !== undefined).length,
    environments: byStream.size,
    logStreams: streams.size,
    coldStarts: coldStartList.length,
    initDurationMs: stats(coldStartList.map((c) => c.initDurationMs)),
    durationMs: stats(invocations.map((i) => i.durationMs)),
    coldDurationMs: stats(invocations.filter((i) => i.initDurationMs !== undefined).map((i) => i.durationMs)),
    warmDurationMs: stats(invocations.filter((i) => i.initDurationMs === undefined).map((i) => i.durationMs)),
    billedDurationMs: round(billedDurationMs, 0),
    billedGbSeconds: round(billedGbSeconds, 4),
    maxConcurrency,
    maxConcurrencyAt: maxConcurrencyAt === undefined ? null : new Date(maxConcurrencyAt).toISOString(),
    requestsPerEnvironment: perEnv.length
      ? {
          min: perEnv[0]!,
          p50: round(quantile(perEnv, 0.5)),
          mean: round(invocations.length / perEnv.length),
          max: perEnv[perEnv.length - 1]!,
        }
      : null,
    peakRequestRate: points.reduce((m, p) => Math.max(m, p.requestRate), 0),
    meanRequestRate: round(windowSeconds > 0 ? invocations.length / windowSeconds : invocations.length),
    environmentsDetail,
    coldStartList,
    coldStartFigures: coldStartFiguresOf(invocations),
    timeline: { bucketSeconds, points },
  };
}
