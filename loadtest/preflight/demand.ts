/**
 * What a load plan asks of the stack: the peak request rate, how fast the rate climbs, how long
 * an invocation holds an execution environment, and from that (Little's law) how many
 * environments must be busy at once. Pure.
 *
 * Little's law: the number of requests in progress = arrival rate × time each one takes. At
 * 1,000 requests/s of 0.1 s each, 100 are in progress at any moment; on Lambda each one occupies
 * its own execution environment (one request per environment at a time), so 100 environments.
 */
import type { RunPlan } from '../k6/lib/config.js';

export interface Assumptions {
  /** Duration of an MCP request that does no waiting (tools/list, ping, text_stats) on Lambda. */
  readonly baseDurationMs: number;
  /** Init Duration of a cold start. */
  readonly initDurationMs: number;
  /** Duration of one authorizer invocation (only matters when its results are not cached). */
  readonly authorizerDurationMs: number;
}

/**
 * Defaults we cannot read from the account: a short MCP request runs in tens of milliseconds on a
 * warm 512 MB environment, a Node.js cold start of this bundle in a few hundred (the embedded
 * stack measured 0.3 s Init on its host; AWS publishes no figure). Override them with
 * what your own scaling report shows.
 */
export const DEFAULT_ASSUMPTIONS: Assumptions = { baseDurationMs: 30, initDurationMs: 500, authorizerDurationMs: 20 };

export interface Demand {
  readonly scenario: string;
  readonly executor: string;
  readonly durationSeconds: number;
  /** HTTP requests per second at the plan's peak (every request reaches the function). */
  readonly peakRate: number;
  /** The largest rise of the request rate within one second. */
  readonly maxRiseInOneSecond: number;
  /** The largest rise of the request rate within ten seconds (Lambda's scaling-rate window). */
  readonly maxRiseInTenSeconds: number;
  readonly requestsPerIteration: number;
  /** Mean invocation duration: the long_task wait spread over the iteration's requests. */
  readonly meanDurationMs: number;
  /** The longest single request (the long_task call). */
  readonly longestRequestMs: number;
  /** Steady-state environments busy at the peak: peakRate × meanDuration. */
  readonly steadyConcurrency: number;
  /** Extra environments held by cold starts while the rate climbs: maxRiseInOneSecond × Init. */
  readonly coldStartHeadroom: number;
  /** What the function's concurrency limit must allow: ceil(steady + headroom). */
  readonly neededConcurrency: number;
  /** Environments Lambda must add within ten seconds at the steepest part of the plan. */
  readonly neededScaleUpInTenSeconds: number;
  readonly totalRequests: number;
  readonly assumptions: Assumptions;
}

interface Point {
  readonly t: number;
  readonly rate: number;
}

/** The plan's request rate over time as straight segments (k6 ramps linearly between stages). */
function rateProfile(plan: RunPlan): Point[] {
  const perIteration = plan.requestsPerIteration;
  const rateOf = (iterationsPerMinute: number): number => (iterationsPerMinute / 60) * perIteration;
  if (plan.executor === 'ramping-arrival-rate' && plan.stages) {
    const points: Point[] = [{ t: 0, rate: rateOf(plan.startIterationsPerMinute ?? 0) }];
    let t = 0;
    for (const stage of plan.stages) {
      t += stage.durationSeconds;
      points.push({ t, rate: rateOf(stage.iterationsPerMinute) });
    }
    return points;
  }
  if (plan.executor === 'constant-arrival-rate') {
    const rate = rateOf(plan.peakIterationsPerMinute ?? 0);
    return [
      { t: 0, rate: 0 },
      { t: 0, rate },
      { t: plan.durationSeconds, rate },
    ];
  }
  return [];
}

/** The largest rise of a piecewise-linear rate within any window of `seconds`. */
function maxRise(points: readonly Point[], seconds: number): number {
  let best = 0;
  // The steepest windows start at a breakpoint or end at one; checking both covers every case.
  const candidates = points.flatMap((p) => [p.t, p.t - seconds]);
  const rateAt = (t: number): number => {
    if (points.length === 0) return 0;
    if (t <= points[0]!.t) return points[0]!.rate;
    for (let i = 1; i < points.length; i += 1) {
      const a = points[i - 1]!;
      const b = points[i]!;
      if (t <= b.t) return b.t === a.t ? b.rate : a.rate + ((b.rate - a.rate) * (t - a.t)) / (b.t - a.t);
    }
    return points[points.length - 1]!.rate;
  };
  for (const start of candidates) {
    // Just after `start`, so a vertical step at `start` counts inside the window.
    best = Math.max(best, rateAt(start + seconds) - rateAt(start));
    if (points.some((p) => p.t === start)) {
      const stepBase = Math.min(...points.filter((p) => p.t === start).map((p) => p.rate));
      best = Math.max(best, rateAt(start + seconds) - stepBase);
    }
  }
  return best;
}

export function demandOf(plan: RunPlan, assumptions: Assumptions = DEFAULT_ASSUMPTIONS): Demand {
  const longTaskMs = plan.longTask ? plan.longTask.steps * plan.longTask.stepMs : 0;
  const meanDurationMs = assumptions.baseDurationMs + longTaskMs / plan.requestsPerIteration;
  const profile = rateProfile(plan);
  let peakRate = profile.reduce((m, p) => Math.max(m, p.rate), 0);
  let rise1 = maxRise(profile, 1);
  let rise10 = maxRise(profile, 10);
  if (plan.executor === 'constant-vus') {
    // A closed model: each virtual user sends its requests back to back, then pauses.
    const iterationSeconds = (plan.requestsPerIteration * meanDurationMs) / 1000 + (plan.pauseSeconds ?? 0);
    peakRate = ((plan.vus ?? 1) * plan.requestsPerIteration) / iterationSeconds;
    rise1 = peakRate;
    rise10 = peakRate;
  }
  const steady = (peakRate * meanDurationMs) / 1000;
  const headroom = (rise1 * assumptions.initDurationMs) / 1000;
  const area = profile
    .slice(1)
    .reduce((sum, p, i) => sum + ((p.rate + profile[i]!.rate) / 2) * (p.t - profile[i]!.t), 0);
  return {
    scenario: plan.scenario,
    executor: plan.executor,
    durationSeconds: plan.durationSeconds,
    peakRate,
    maxRiseInOneSecond: rise1,
    maxRiseInTenSeconds: rise10,
    requestsPerIteration: plan.requestsPerIteration,
    meanDurationMs,
    longestRequestMs: assumptions.baseDurationMs + longTaskMs,
    steadyConcurrency: steady,
    coldStartHeadroom: headroom,
    neededConcurrency: Math.ceil(steady + headroom),
    neededScaleUpInTenSeconds: Math.ceil((rise10 * (meanDurationMs + assumptions.initDurationMs)) / 1000),
    totalRequests: Math.round(plan.executor === 'constant-vus' ? peakRate * plan.durationSeconds : area),
    assumptions,
  };
}
