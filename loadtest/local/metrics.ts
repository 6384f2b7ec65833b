/**
 * The Node driver's metrics, aggregated into the object k6 hands to handleSummary (same metric
 * names, tags, submetrics and threshold evaluation), so one summary builder serves both drivers.
 * Semantics follow k6's built-in metrics (https://grafana.com/docs/k6/latest/using-k6/metrics/reference/):
 * `http_req_failed` is true outside 200–399, trend percentiles interpolate linearly between
 * closest ranks as k6's TrendSink.P does.
 */
import type { RunPlan } from '../k6/lib/config.js';
import { KNOWN_STATUSES, statusMetricName } from '../k6/lib/mcp.js';
import { parseMetricKey, type K6SummaryData } from '../k6/lib/summary.js';

export type Tags = Readonly<Record<string, string>>;

interface HttpSample {
  readonly durationMs: number;
  readonly status: number;
  readonly tags: Tags;
}

interface CheckSample {
  readonly name: string;
  readonly ok: boolean;
  readonly tags: Tags;
}

/** k6's percentile: linear interpolation between the closest ranks of the sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  if (sorted.length === 1) return sorted[0]!;
  const i = p * (sorted.length - 1);
  const lo = sorted[Math.floor(i)]!;
  const hi = sorted[Math.ceil(i)]!;
  return lo + (hi - lo) * (i - Math.floor(i));
}

/** The `values` of a k6 Trend for the given summaryTrendStats (`avg`, `med`, `p(95)`, `count`…). */
export function trendValues(values: readonly number[], stats: readonly string[]): Record<string, number> {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  const out: Record<string, number> = {};
  for (const stat of stats) {
    const p = /^p\((\d+(?:\.\d+)?)\)$/.exec(stat);
    if (p) out[stat] = percentile(sorted, Number(p[1]) / 100);
    else if (stat === 'avg') out[stat] = sorted.length ? sum / sorted.length : 0;
    else if (stat === 'min') out[stat] = sorted[0] ?? 0;
    else if (stat === 'max') out[stat] = sorted[sorted.length - 1] ?? 0;
    else if (stat === 'med') out[stat] = percentile(sorted, 0.5);
    else if (stat === 'count') out[stat] = sorted.length;
    else if (stat === 'sum') out[stat] = sum;
  }
  return out;
}

const THRESHOLD =
  /^\s*(avg|min|max|med|count|rate|value|p\(\d+(?:\.\d+)?\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

/** Evaluates a k6 threshold expression (`p(95)<800`, `rate==0`, `count>=1`) against metric values. */
export function evaluateThreshold(expression: string, values: Readonly<Record<string, number>>): boolean {
  const m = THRESHOLD.exec(expression);
  if (!m) throw new Error(`unsupported threshold expression "${expression}"`);
  const aggregate = m[1]!;
  let actual = values[aggregate];
  if (actual === undefined && aggregate.startsWith('p(')) return false;
  actual ??= 0;
  const limit = Number(m[3]);
  switch (m[2]) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
    case '!=':
      return actual !== limit;
    default:
      return actual === limit;
  }
}

function matches(tags: Tags, filter: Tags): boolean {
  return Object.entries(filter).every(([k, v]) => tags[k] === v);
}

type Metric = K6SummaryData['metrics'][string];

export class MetricsRecorder {
  private readonly http: HttpSample[] = [];
  private readonly checks: CheckSample[] = [];
  private readonly iterationDurations: number[] = [];
  private dropped = 0;
  private maxVus = 0;

  recordHttp(durationMs: number, status: number, tags: Tags): void {
    const expected = status >= 200 && status < 400;
    this.http.push({
      durationMs,
      status,
      tags: { ...tags, status: String(status), expected_response: String(expected) },
    });
  }

  recordCheck(name: string, ok: boolean, tags: Tags): void {
    this.checks.push({ name, ok, tags: { ...tags, check: name } });
  }

  recordIteration(durationMs: number): void {
    this.iterationDurations.push(durationMs);
  }

  recordDropped(): void {
    this.dropped += 1;
  }

  observeVus(vus: number): void {
    this.maxVus = Math.max(this.maxVus, vus);
  }

  get requests(): number {
    return this.http.length;
  }

  get failedRequests(): number {
    return this.http.filter((s) => s.tags.expected_response !== 'true').length;
  }

  get failedChecks(): number {
    return this.checks.filter((c) => !c.ok).length;
  }

  get droppedIterations(): number {
    return this.dropped;
  }

  /** Durations of requests that ended at or after `fromIndex` (for per-second progress). */
  durationsSince(fromIndex: number): number[] {
    return this.http.slice(fromIndex).map((s) => s.durationMs);
  }

  private metric(name: string, filter: Tags, plan: RunPlan, seconds: number): Metric | undefined {
    const http = this.http.filter((s) => matches(s.tags, filter));
    switch (name) {
      case 'http_req_duration':
        return http.length
          ? {
              type: 'trend',
              contains: 'time',
              values: trendValues(
                http.map((s) => s.durationMs),
                plan.summaryTrendStats,
              ),
            }
          : undefined;
      case 'http_req_failed': {
        if (!http.length) return undefined;
        const failed = http.filter((s) => s.tags.expected_response !== 'true').length;
        return {
          type: 'rate',
          contains: 'default',
          values: { rate: failed / http.length, passes: failed, fails: http.length - failed },
        };
      }
      case 'http_reqs':
        return http.length
          ? { type: 'counter', contains: 'default', values: { count: http.length, rate: http.length / seconds } }
          : undefined;
      case 'checks': {
        const checks = this.checks.filter((c) => matches(c.tags, filter));
        if (!checks.length) return undefined;
        const passes = checks.filter((c) => c.ok).length;
        return {
          type: 'rate',
          contains: 'default',
          values: { rate: passes / checks.length, passes, fails: checks.length - passes },
        };
      }
      case 'iterations':
        return this.iterationDurations.length
          ? {
              type: 'counter',
              contains: 'default',
              values: { count: this.iterationDurations.length, rate: this.iterationDurations.length / seconds },
            }
          : undefined;
      case 'iteration_duration':
        return this.iterationDurations.length
          ? { type: 'trend', contains: 'time', values: trendValues(this.iterationDurations, plan.summaryTrendStats) }
          : undefined;
      case 'dropped_iterations':
        return this.dropped
          ? { type: 'counter', contains: 'default', values: { count: this.dropped, rate: this.dropped / seconds } }
          : undefined;
      case 'vus_max':
        return {
          type: 'gauge',
          contains: 'default',
          values: { value: this.maxVus, min: this.maxVus, max: this.maxVus },
        };
      default: {
        const status = /^http_status_(\d+|other)$/.exec(name);
        if (!status) return undefined;
        const count = http.filter((s) => statusMetricName(Number(s.tags.status)) === name).length;
        return count ? { type: 'counter', contains: 'default', values: { count, rate: count / seconds } } : undefined;
      }
    }
  }

  /** The k6 handleSummary `data` object for this run, thresholds evaluated. */
  toK6Data(plan: RunPlan, testRunDurationMs: number, start: Date): K6SummaryData {
    const seconds = Math.max(testRunDurationMs / 1000, 1e-3);
    const names = [
      'http_reqs',
      'http_req_duration',
      'http_req_failed',
      'checks',
      'iterations',
      'iteration_duration',
      'dropped_iterations',
      'vus_max',
      ...KNOWN_STATUSES.map((s) => statusMetricName(s)),
      'http_status_other',
    ];
    const metrics: K6SummaryData['metrics'] = {};
    for (const name of names) {
      const metric = this.metric(name, {}, plan, seconds);
      if (metric) metrics[name] = metric;
    }
    const keys = new Set([...Object.keys(plan.thresholds), ...plan.breakdown]);
    for (const key of keys) {
      const { metric: name, tags } = parseMetricKey(key);
      if (Object.keys(tags).length === 0) continue;
      const metric = this.metric(name, tags, plan, seconds);
      if (metric) metrics[key] = metric;
    }
    for (const key of keys) {
      const metric = metrics[key];
      if (!metric) continue;
      const expressions = plan.thresholds[key] ?? ['max>=0'];
      metric.thresholds = Object.fromEntries(expressions.map((e) => [e, { ok: evaluateThreshold(e, metric.values) }]));
    }
    const byName = new Map<string, { passes: number; fails: number }>();
    for (const c of this.checks) {
      const entry = byName.get(c.name) ?? { passes: 0, fails: 0 };
      if (c.ok) entry.passes += 1;
      else entry.fails += 1;
      byName.set(c.name, entry);
    }
    return {
      metrics,
      root_group: {
        name: '',
        path: '',
        id: 'd41d8cd98f00b204e9800998ecf8427e',
        groups: [],
        checks: [...byName].map(([name, counts]) => ({ name, path: `::${name}`, id: name, ...counts })),
      },
      options: { summaryTrendStats: plan.summaryTrendStats, summaryTimeUnit: '', noColor: true },
      state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs },
      setup_data: { start: start.toISOString() },
    };
  }
}
