/**
 * N runners of one distributed k6 run (the k6-operator gives each an execution segment: a slice
 * of the same scenario) → one summary and one verdict. Pure.
 *
 * Counts, rates, failures, checks, min, max and mean add up exactly. Percentiles do not: k6's
 * summary keeps each runner's p(95), not its samples. The merged p(N) is the largest runner's
 * p(N), an upper bound of the true one (no more than 5 % of any runner's samples lie above its
 * own p(95), so no more than 5 % of all of them lie above the largest). A percentile threshold
 * passes when every runner passed it (then it holds for the whole run), fails when every runner
 * failed it, and in between cannot be decided from the summaries: it counts as failed, and says so.
 */
import { SUMMARY_SCHEMA, type LatencyStats, type LoadSummary } from '../k6/lib/summary.js';

/** What the k6-operator runner script prints before its summary JSON on stdout (loadtest/k8s/runner.js). */
export const SUMMARY_MARKER = 'MCP_LOADTEST_SUMMARY';

export interface MergedThreshold {
  readonly metric: string;
  readonly expression: string;
  readonly ok: boolean;
  readonly noData?: boolean;
  /** How the merged verdict was reached. */
  readonly basis:
    | 'exact'
    | 'every runner passed'
    | 'every runner failed'
    | 'undecided: runners disagree, counted as failed';
}

export interface MergedSummary extends Omit<LoadSummary, 'thresholds'> {
  readonly thresholds: readonly MergedThreshold[];
  readonly merged: {
    readonly runners: number;
    readonly sources: readonly string[];
    readonly percentiles: string;
    readonly perRunner: ReadonlyArray<{
      readonly source: string;
      readonly requests: number;
      readonly rate: number;
      readonly ok: boolean;
    }>;
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function mergeLatency(list: ReadonlyArray<LatencyStats | null | undefined>): LatencyStats | null {
  const present = list.filter((s): s is LatencyStats => !!s && (s.count ?? 0) > 0);
  if (present.length === 0) return null;
  const count = sum(present.map((s) => s.count ?? 0));
  const pick = (field: keyof LatencyStats, f: (xs: number[]) => number): number | null => {
    const values = present.map((s) => s[field]).filter((v): v is number => typeof v === 'number');
    return values.length ? round(f(values), 2) : null;
  };
  const weighted = present.every((s) => typeof s.avg === 'number')
    ? round(sum(present.map((s) => s.avg! * (s.count ?? 0))) / count, 2)
    : null;
  return {
    count,
    avg: weighted,
    min: pick('min', (xs) => Math.min(...xs)),
    p50: pick('p50', (xs) => Math.max(...xs)),
    p90: pick('p90', (xs) => Math.max(...xs)),
    p95: pick('p95', (xs) => Math.max(...xs)),
    p99: pick('p99', (xs) => Math.max(...xs)),
    max: pick('max', (xs) => Math.max(...xs)),
  };
}

function mergeKeyed(maps: ReadonlyArray<Record<string, LatencyStats | null>>): Record<string, LatencyStats | null> {
  const keys = [...new Set(maps.flatMap((m) => Object.keys(m)))].sort();
  return Object.fromEntries(keys.map((k) => [k, mergeLatency(maps.map((m) => m[k]))]));
}

function addCounts(maps: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of maps) for (const [k, v] of Object.entries(m)) out[k] = (out[k] ?? 0) + v;
  return out;
}

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '===': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

/** k6 threshold expression `aggregate op value`, e.g. `rate<0.01`, `p(95)<1000`. */
function parseExpression(expression: string): { aggregate: string; op: string; value: number } | undefined {
  const m = /^\s*([a-z]+(?:\(\d+(?:\.\d+)?\))?)\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(expression);
  return m ? { aggregate: m[1]!, op: m[2]!, value: Number(m[3]) } : undefined;
}

/** The exact merged value of an aggregate, where the merged figures allow one. */
function exactValue(
  metric: string,
  aggregate: string,
  merged: { failedRate: number; checksRate: number; overall: LatencyStats | null },
): number | undefined {
  if (metric === 'http_req_failed' && aggregate === 'rate') return merged.failedRate;
  if (metric === 'checks' && aggregate === 'rate') return merged.checksRate;
  if (metric === 'http_req_duration' && merged.overall) {
    if (aggregate === 'max') return merged.overall.max ?? undefined;
    if (aggregate === 'min') return merged.overall.min ?? undefined;
    if (aggregate === 'avg') return merged.overall.avg ?? undefined;
    if (aggregate === 'count') return merged.overall.count ?? undefined;
  }
  return undefined;
}

export function mergeSummaries(summaries: readonly LoadSummary[], sources: readonly string[] = []): MergedSummary {
  if (summaries.length === 0) throw new Error('no runner summaries to merge');
  for (const s of summaries)
    if (s.schema !== SUMMARY_SCHEMA) throw new Error(`not a ${SUMMARY_SCHEMA} summary: ${String(s.schema)}`);
  const scenarios = new Set(summaries.map((s) => s.scenario));
  if (scenarios.size > 1)
    throw new Error(`the summaries are of different scenarios (${[...scenarios].join(', ')}): not one run`);
  const first = summaries[0]!;
  const names = summaries.map((_, i) => sources[i] ?? `runner ${i + 1}`);

  const start = new Date(Math.min(...summaries.map((s) => Date.parse(s.start))));
  const end = new Date(Math.max(...summaries.map((s) => Date.parse(s.end))));
  const requests = sum(summaries.map((s) => s.http.requests));
  const failed = sum(summaries.map((s) => s.http.failed));
  const passes = sum(summaries.map((s) => s.checks.passes));
  const fails = sum(summaries.map((s) => s.checks.fails));
  const failedRate = requests ? failed / requests : 0;
  const checksRate = passes + fails ? passes / (passes + fails) : 0;
  const overall = mergeLatency(summaries.map((s) => s.latencyMs.overall));

  const byName: Record<string, { passes: number; fails: number }> = {};
  for (const s of summaries) {
    for (const [name, c] of Object.entries(s.checks.byName)) {
      const entry = (byName[name] ??= { passes: 0, fails: 0 });
      entry.passes += c.passes;
      entry.fails += c.fails;
    }
  }

  const keys = [
    ...new Map(
      summaries.flatMap((s) => s.thresholds.map((t) => [`${t.metric}\u0000${t.expression}`, t] as const)),
    ).values(),
  ];
  const thresholds: MergedThreshold[] = keys.map(({ metric, expression }) => {
    const results = summaries.map((s) => s.thresholds.find((t) => t.metric === metric && t.expression === expression));
    const noData = results.every((t) => !t || t.noData);
    const parsed = parseExpression(expression);
    const exact = parsed ? exactValue(metric, parsed.aggregate, { failedRate, checksRate, overall }) : undefined;
    if (parsed && exact !== undefined && COMPARE[parsed.op]) {
      return {
        metric,
        expression,
        ok: COMPARE[parsed.op]!(exact, parsed.value),
        ...(noData ? { noData } : {}),
        basis: 'exact' as const,
      };
    }
    if (results.every((t) => t?.ok))
      return { metric, expression, ok: true, ...(noData ? { noData } : {}), basis: 'every runner passed' as const };
    if (results.every((t) => t && !t.ok))
      return { metric, expression, ok: false, basis: 'every runner failed' as const };
    return { metric, expression, ok: false, basis: 'undecided: runners disagree, counted as failed' as const };
  });

  return {
    schema: SUMMARY_SCHEMA,
    tool: first.tool,
    scenario: first.scenario,
    description: first.description,
    era: first.era,
    target: first.target,
    url: first.url,
    start: start.toISOString(),
    end: end.toISOString(),
    durationSeconds: round((end.getTime() - start.getTime()) / 1000),
    // Every runner resolves the same plan (RATE is the whole run's); k6 gives each its segment of it.
    plan: first.plan,
    iterations: {
      count: sum(summaries.map((s) => s.iterations.count)),
      rate: round(sum(summaries.map((s) => s.iterations.rate))),
      dropped: sum(summaries.map((s) => s.iterations.dropped)),
      durationMs: mergeLatency(summaries.map((s) => s.iterations.durationMs)),
    },
    vusMax: summaries.every((s) => s.vusMax !== null) ? sum(summaries.map((s) => s.vusMax!)) : null,
    http: {
      requests,
      // The runners run at the same time: their rates add up.
      rate: round(sum(summaries.map((s) => s.http.rate))),
      failed,
      failedRate: round(failedRate, 6),
      byStatus: addCounts(summaries.map((s) => s.http.byStatus)),
    },
    latencyMs: {
      overall,
      byMethod: mergeKeyed(summaries.map((s) => s.latencyMs.byMethod)),
      byTool: mergeKeyed(summaries.map((s) => s.latencyMs.byTool)),
      byEra: mergeKeyed(summaries.map((s) => s.latencyMs.byEra)),
    },
    checks: { passes, fails, rate: round(checksRate, 6), byName },
    thresholds,
    ok: requests > 0 && thresholds.every((t) => t.ok),
    merged: {
      runners: summaries.length,
      sources: names,
      percentiles: 'p50/p90/p95/p99 are the largest runner value: an upper bound of the whole run',
      perRunner: summaries.map((s, i) => ({
        source: names[i]!,
        requests: s.http.requests,
        rate: s.http.rate,
        ok: s.ok,
      })),
    },
  };
}

/**
 * Runner summaries from text: a summary JSON file, or `kubectl logs` output in which the runner
 * script printed `MCP_LOADTEST_SUMMARY {"runner": …, "summary": {…}}` lines.
 */
export function summariesFromText(text: string, source: string): Array<{ summary: LoadSummary; source: string }> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const parsed = JSON.parse(trimmed) as LoadSummary;
    return [{ summary: parsed, source }];
  }
  const found: Array<{ summary: LoadSummary; source: string }> = [];
  for (const line of text.split('\n')) {
    const at = line.indexOf(`${SUMMARY_MARKER} `);
    if (at < 0) continue;
    const payload = JSON.parse(line.slice(at + SUMMARY_MARKER.length + 1)) as { runner?: string; summary: LoadSummary };
    found.push({ summary: payload.summary, source: payload.runner ? `${source}: ${payload.runner}` : source });
  }
  return found;
}
