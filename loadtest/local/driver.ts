/**
 * A Node load driver that runs the k6 scenarios where k6 may not run: the same scenario file
 * (loadtest/scenarios.json), the same MCP sessions and checks (loadtest/k6/lib/mcp.js), the same
 * executors' arrival rules, thresholds and summary (loadtest/k6/lib/summary.js).
 *
 * Executors, as k6 defines them (https://grafana.com/docs/k6/latest/using-k6/scenarios/executors/):
 * `constant-vus` loops N virtual users; `ramping-arrival-rate` / `constant-arrival-rate` start
 * iterations on a schedule whatever the response times, up to `maxVUs` in flight, counting the
 * ones that find no free VU as `dropped_iterations`. After the last stage, iterations in flight
 * get `gracefulStop` to finish.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { resolvePlan, type Env, type RunPlan, type ScenarioFile } from '../k6/lib/config.js';
import { createSession, eraForIteration, makeText, type ObservedResponse, type PlannedRequest } from '../k6/lib/mcp.js';
import { summaryOutputs, type LoadSummary } from '../k6/lib/summary.js';
import { MetricsRecorder, percentile } from './metrics.ts';

export interface Progress {
  readonly elapsedSeconds: number;
  /** The scheduled request rate now (arrival-rate executors), or undefined. */
  readonly targetRequestRate: number | undefined;
  readonly requests: number;
  readonly requestsLastSecond: number;
  readonly p95LastSecondMs: number | undefined;
  readonly failed: number;
  readonly checkFails: number;
  readonly inFlight: number;
  readonly dropped: number;
}

export interface RunOptions {
  readonly scenarios: ScenarioFile;
  readonly scenario: string;
  /** Same keys as the k6 scripts' environment: MCP_URL, MCP_TOKEN, RATE, DURATION, ERA, … */
  readonly env: Env;
  readonly onProgress?: (progress: Progress) => void;
  /** Printed for the first few failed checks. */
  readonly onCheckFailure?: (check: string, reason: string) => void;
  readonly signal?: AbortSignal;
  /** Write the summary files under plan.resultsDir (relative to cwd). Default true. */
  readonly writeFiles?: boolean;
  readonly cwd?: string;
}

export interface RunResult {
  readonly plan: RunPlan;
  readonly summary: LoadSummary;
  readonly files: readonly string[];
  readonly text: string;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

interface RateSegment {
  readonly from: number;
  readonly to: number;
  readonly seconds: number;
}

/** Iterations per second over time, as k6 ramps arrival rates linearly between stage targets. */
export function arrivalSegments(plan: RunPlan): RateSegment[] {
  if (plan.executor === 'constant-arrival-rate') {
    const rate = (plan.peakIterationsPerMinute ?? 0) / 60;
    return [{ from: rate, to: rate, seconds: plan.durationSeconds }];
  }
  const segments: RateSegment[] = [];
  let from = (plan.startIterationsPerMinute ?? 0) / 60;
  for (const stage of plan.stages ?? []) {
    const to = stage.iterationsPerMinute / 60;
    segments.push({ from, to, seconds: stage.durationSeconds });
    from = to;
  }
  return segments;
}

/** Iterations due by `t` seconds: the integral of the arrival rate. */
export function iterationsDue(segments: readonly RateSegment[], t: number): number {
  let total = 0;
  let elapsed = 0;
  for (const s of segments) {
    if (t <= elapsed) break;
    const within = Math.min(t - elapsed, s.seconds);
    const rateAtEnd = s.seconds > 0 ? s.from + ((s.to - s.from) * within) / s.seconds : s.to;
    total += ((s.from + rateAtEnd) / 2) * within;
    elapsed += s.seconds;
  }
  return total;
}

export function rateAt(segments: readonly RateSegment[], t: number): number {
  let elapsed = 0;
  for (const s of segments) {
    if (t < elapsed + s.seconds) return s.seconds > 0 ? s.from + ((s.to - s.from) * (t - elapsed)) / s.seconds : s.to;
    elapsed += s.seconds;
  }
  return segments.at(-1)?.to ?? 0;
}

export async function runLoad(options: RunOptions): Promise<RunResult> {
  const plan = resolvePlan(options.scenarios, options.scenario, options.env);
  const text = makeText(plan.textBytes);
  const recorder = new MetricsRecorder();
  const hardStop = new AbortController();
  const outerSignal = options.signal;
  let stopped = false;
  const onOuterAbort = (): void => {
    stopped = true;
    hardStop.abort();
  };
  outerSignal?.addEventListener('abort', onOuterAbort, { once: true });
  let inFlight = 0;
  let iterationCounter = 0;
  let checkFailuresReported = 0;

  async function send(request: PlannedRequest): Promise<{ observed: ObservedResponse; durationMs: number }> {
    const started = performance.now();
    try {
      const response = await fetch(plan.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.any([hardStop.signal, AbortSignal.timeout(plan.requestTimeoutSeconds * 1000)]),
      });
      const body = await response.text();
      return {
        observed: { status: response.status, contentType: response.headers.get('content-type'), body },
        durationMs: performance.now() - started,
      };
    } catch (error) {
      return {
        observed: { status: 0, contentType: undefined, body: undefined, error: (error as Error).message },
        durationMs: performance.now() - started,
      };
    }
  }

  async function iteration(): Promise<void> {
    const number = iterationCounter++;
    const started = performance.now();
    const session = createSession({
      era: eraForIteration(plan.era, number),
      token: plan.token,
      text,
      longTask: plan.longTask,
      calls: plan.calls,
      clientName: 'node-loadtest',
    });
    for (let request = session.next(); request !== null; request = session.next()) {
      const { observed, durationMs } = await send(request);
      // Like k6, an iteration cut short by the hard stop leaves no samples behind.
      if (stopped) return;
      recorder.recordHttp(durationMs, observed.status, request.tags);
      const outcome = session.record(request, observed);
      recorder.recordCheck(outcome.check, outcome.ok, request.tags);
      if (!outcome.ok && checkFailuresReported < 5) {
        checkFailuresReported += 1;
        options.onCheckFailure?.(outcome.check, outcome.reason ?? 'failed');
      }
    }
    if (plan.pauseSeconds) await sleep(plan.pauseSeconds * 1000, runEnded.signal);
    if (!stopped) recorder.recordIteration(performance.now() - started);
  }

  const runEnded = new AbortController();
  const startWall = new Date();
  const t0 = performance.now();
  const elapsed = (): number => (performance.now() - t0) / 1000;
  const segments = plan.executor === 'constant-vus' ? [] : arrivalSegments(plan);
  const running = new Set<Promise<void>>();
  const track = (p: Promise<void>): void => {
    inFlight += 1;
    recorder.observeVus(inFlight);
    const tracked = p
      .catch((error: unknown) =>
        options.onCheckFailure?.('iteration', `crashed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        inFlight -= 1;
        running.delete(tracked);
      });
    running.add(tracked);
  };

  let lastIndex = 0;
  const progressTimer = setInterval(() => {
    const durations = recorder.durationsSince(lastIndex).sort((a, b) => a - b);
    lastIndex = recorder.requests;
    const t = elapsed();
    options.onProgress?.({
      elapsedSeconds: t,
      targetRequestRate: segments.length ? rateAt(segments, t) * plan.requestsPerIteration : undefined,
      requests: recorder.requests,
      requestsLastSecond: durations.length,
      p95LastSecondMs: durations.length ? percentile(durations, 0.95) : undefined,
      failed: recorder.failedRequests,
      checkFails: recorder.failedChecks,
      inFlight,
      dropped: recorder.droppedIterations,
    });
  }, 1000);

  try {
    if (plan.executor === 'constant-vus') {
      const vus = plan.vus ?? 1;
      recorder.observeVus(vus);
      const endAt = plan.durationSeconds;
      const loop = async (): Promise<void> => {
        while (elapsed() < endAt && !hardStop.signal.aborted) await iteration();
      };
      for (let i = 0; i < vus; i += 1) track(loop());
      await sleep(endAt * 1000, hardStop.signal);
      runEnded.abort();
    } else {
      const maxVUs = plan.maxVUs ?? 1;
      let started = 0;
      while (!hardStop.signal.aborted) {
        const t = elapsed();
        const due = Math.floor(iterationsDue(segments, Math.min(t, plan.durationSeconds)) + 1e-9);
        while (started < due) {
          started += 1;
          if (inFlight >= maxVUs) recorder.recordDropped();
          else track(iteration());
        }
        if (t >= plan.durationSeconds) break;
        await sleep(4, hardStop.signal);
      }
      runEnded.abort();
    }
    // gracefulStop: iterations in flight may finish, up to the limit; then they are cut.
    const grace = setTimeout(() => {
      stopped = true;
      hardStop.abort();
    }, plan.gracefulStopSeconds * 1000);
    await Promise.allSettled([...running]);
    clearTimeout(grace);
  } finally {
    stopped = true;
    clearInterval(progressTimer);
    outerSignal?.removeEventListener('abort', onOuterAbort);
  }

  const testRunDurationMs = performance.now() - t0;
  const data = recorder.toK6Data(plan, testRunDurationMs, startWall);
  const { summary, files } = summaryOutputs(data, plan, {
    tool: 'node',
    start: startWall,
    end: new Date(startWall.getTime() + testRunDurationMs),
  });
  const written: string[] = [];
  if (options.writeFiles !== false) {
    for (const [file, content] of Object.entries(files)) {
      if (file === 'stdout' || file === 'stderr') continue;
      const target = path.resolve(options.cwd ?? process.cwd(), file);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
      written.push(target);
    }
  }
  return { plan, summary, files: written, text: files.stdout ?? '' };
}
