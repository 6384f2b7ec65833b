/**
 * Turns a scenario of loadtest/scenarios.json plus environment overrides into a run plan, and a
 * run plan into k6 `options`. Pure; shared by the k6 scripts and the Node driver, so both run the
 * same stages, rates and thresholds. Types: config.d.ts.
 */
import {
  METHODS,
  ERAS,
  LEGACY,
  normalizeCalls,
  normalizeEra,
  normalizeLongTask,
  requestsPerIteration,
  toolsCalled,
} from './mcp.js';

const UNITS = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Seconds in a k6/Go duration (`90s`, `1m30s`, `500ms`, `1.5h`) or a bare number of seconds. */
export function parseDuration(value) {
  if (typeof value === 'number' && isFinite(value)) return value;
  const text = String(value === undefined || value === null ? '' : value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  let match;
  while ((match = part.exec(text)) !== null) {
    if (match.index !== consumed) break;
    total += Number(match[1]) * UNITS[match[2]];
    consumed = part.lastIndex;
  }
  if (consumed === 0 || consumed !== text.length)
    throw new Error(`not a duration: "${value}" (use e.g. 20s, 2m, 1h30m)`);
  return total;
}

/** A duration k6 accepts, to the millisecond. */
export function formatDuration(seconds) {
  const ms = Math.round(seconds * 1000);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function pick(env, key) {
  const value = env ? env[key] : undefined;
  return value === undefined || value === null || String(value).trim() === '' ? undefined : String(value).trim();
}

function positiveNumber(value, name) {
  const n = Number(value);
  if (!isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not "${value}"`);
  return n;
}

function replaceLimit(expressions, aggregate, limit) {
  const kept = expressions.filter((e) => e.replace(/\s+/g, '').indexOf(`${aggregate}<`) !== 0);
  kept.push(`${aggregate}<${limit}`);
  return kept;
}

/** Submetrics that only exist to break latency down by tag in the summary (k6 keeps only those). */
export function breakdownSubmetrics(era, longTask, calls) {
  const eras = era === 'mixed' ? ERAS : [era];
  const methods = METHODS.filter(
    (m) => eras.indexOf(LEGACY) >= 0 || (m !== 'initialize' && m !== 'notifications/initialized'),
  );
  const keys = [];
  for (const m of methods) keys.push(`http_req_duration{mcp_method:${m}}`);
  for (const t of toolsCalled(longTask, calls)) keys.push(`http_req_duration{mcp_method:tools/call,mcp_name:${t}}`);
  for (const e of eras) keys.push(`http_req_duration{mcp_era:${e}}`);
  return keys;
}

/**
 * file: the parsed scenarios.json; name: smoke | load | spike | soak; env: __ENV or process.env
 * (MCP_URL, MCP_TOKEN, RATE, DURATION, ERA, VUS, MAX_VUS, PAUSE, TEXT_BYTES, LONG_TASK_STEPS,
 * LONG_TASK_STEP_MS, CALLS, MCP_TARGET, P95_MS, P99_MS, RESULTS_DIR).
 */
export function resolvePlan(file, name, env) {
  const defaults = file.defaults || {};
  const base = file.scenarios ? file.scenarios[name] : undefined;
  if (!base) throw new Error(`unknown scenario "${name}" (known: ${Object.keys(file.scenarios || {}).join(', ')})`);
  const target = pick(env, 'MCP_TARGET') || defaults.target || 'embedded';
  const override = base.targets?.[target] || {};
  const scenario = Object.assign({}, base, override);
  const era = normalizeEra(pick(env, 'ERA') || defaults.era);
  // The long_task call: scenario (or per-target) setting, else the default; env overrides each part.
  const longTaskBase = scenario.longTask || defaults.longTask || { steps: 0, stepMs: 0 };
  // The calls of one iteration: CALLS (JSON), else the scenario's, else the defaults' ("demo").
  const calls = normalizeCalls(pick(env, 'CALLS') || scenario.calls || defaults.calls);
  const longTaskSetting = normalizeLongTask(
    pick(env, 'LONG_TASK_STEPS') === undefined ? longTaskBase.steps : pick(env, 'LONG_TASK_STEPS'),
    pick(env, 'LONG_TASK_STEP_MS') === undefined ? longTaskBase.stepMs : pick(env, 'LONG_TASK_STEP_MS'),
  );
  // long_task belongs to the demo's mix; a scenario with its own calls has none.
  const longTask = calls ? null : longTaskSetting;
  const perIteration = requestsPerIteration(era, longTask, calls);
  const durationSeconds = parseDuration(pick(env, 'DURATION') || scenario.duration);
  if (!(durationSeconds > 0)) throw new Error('DURATION must be positive');
  const executor = scenario.executor;

  const thresholds = {};
  const merged = Object.assign({}, defaults.thresholds || {}, scenario.thresholds || {});
  for (const key of Object.keys(merged)) thresholds[key] = merged[key].slice();
  const p95 = pick(env, 'P95_MS');
  const p99 = pick(env, 'P99_MS');
  if (p95)
    thresholds.http_req_duration = replaceLimit(
      thresholds.http_req_duration || [],
      'p(95)',
      positiveNumber(p95, 'P95_MS'),
    );
  if (p99)
    thresholds.http_req_duration = replaceLimit(
      thresholds.http_req_duration || [],
      'p(99)',
      positiveNumber(p99, 'P99_MS'),
    );

  const plan = {
    scenario: name,
    description: scenario.description || '',
    executor,
    era,
    target,
    url: pick(env, 'MCP_URL') || defaults.url,
    token: pick(env, 'MCP_TOKEN') || '',
    durationSeconds,
    requestsPerIteration: perIteration,
    textBytes: Number(pick(env, 'TEXT_BYTES') || defaults.textBytes || 4096),
    longTask,
    calls,
    requestTimeoutSeconds: parseDuration(defaults.requestTimeout || '30s'),
    gracefulStopSeconds: parseDuration(defaults.gracefulStop || '30s'),
    resultsDir: pick(env, 'RESULTS_DIR') || defaults.resultsDir || 'loadtest/results',
    summaryTrendStats: (defaults.summaryTrendStats || ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)']).slice(),
    thresholds,
    breakdown: breakdownSubmetrics(era, longTask, calls),
  };

  if (executor === 'constant-vus') {
    plan.vus = Math.max(1, Math.round(Number(pick(env, 'VUS') || scenario.vus || 1)));
    plan.pauseSeconds = Number(pick(env, 'PAUSE') || scenario.pauseSeconds || 0);
    return plan;
  }
  if (executor !== 'ramping-arrival-rate' && executor !== 'constant-arrival-rate')
    throw new Error(`unsupported executor ${executor}`);

  const rate = positiveNumber(pick(env, 'RATE') || scenario.rate, 'RATE');
  // k6 arrival rates are whole iterations per timeUnit: per minute keeps fractional rates exact enough.
  const perMinute = (requestRate) => Math.round((requestRate * 60) / perIteration);
  plan.rate = rate;
  plan.timeUnit = '1m';
  plan.peakIterationsPerMinute = perMinute(rate);
  if (executor === 'ramping-arrival-rate') {
    const stages = scenario.stages || [];
    const shareSum = stages.reduce((sum, s) => sum + Number(s.durationShare), 0);
    if (stages.length === 0 || Math.abs(shareSum - 1) > 1e-6)
      throw new Error(`${name}: stage durationShare values must add up to 1`);
    plan.startIterationsPerMinute = perMinute(rate * Number(scenario.startRateShare || 0));
    plan.stages = stages.map((s) => ({
      durationSeconds: Math.round(durationSeconds * Number(s.durationShare) * 1000) / 1000,
      iterationsPerMinute: perMinute(rate * Number(s.rateShare)),
    }));
  }
  const peakPerSecond = plan.peakIterationsPerMinute / 60;
  plan.preAllocatedVUs = Math.max(1, Math.ceil(peakPerSecond * Number(defaults.expectedIterationSeconds || 0.5)));
  const maxVus = pick(env, 'MAX_VUS');
  plan.maxVUs = maxVus
    ? Math.max(1, Math.round(positiveNumber(maxVus, 'MAX_VUS')))
    : Math.max(plan.preAllocatedVUs, Math.ceil(peakPerSecond * Number(defaults.maxIterationSeconds || 3)));
  plan.preAllocatedVUs = Math.min(plan.preAllocatedVUs, plan.maxVUs);
  return plan;
}

/** The k6 `options` for a plan: one named scenario, its thresholds, and breakdown submetrics. */
export function k6Options(plan) {
  let scenario;
  const gracefulStop = formatDuration(plan.gracefulStopSeconds);
  if (plan.executor === 'constant-vus') {
    scenario = {
      executor: 'constant-vus',
      vus: plan.vus,
      duration: formatDuration(plan.durationSeconds),
      gracefulStop,
    };
  } else if (plan.executor === 'ramping-arrival-rate') {
    scenario = {
      executor: 'ramping-arrival-rate',
      startRate: plan.startIterationsPerMinute,
      timeUnit: plan.timeUnit,
      preAllocatedVUs: plan.preAllocatedVUs,
      maxVUs: plan.maxVUs,
      stages: plan.stages.map((s) => ({ duration: formatDuration(s.durationSeconds), target: s.iterationsPerMinute })),
      gracefulStop,
    };
  } else {
    scenario = {
      executor: 'constant-arrival-rate',
      rate: plan.peakIterationsPerMinute,
      timeUnit: plan.timeUnit,
      duration: formatDuration(plan.durationSeconds),
      preAllocatedVUs: plan.preAllocatedVUs,
      maxVUs: plan.maxVUs,
      gracefulStop,
    };
  }
  const thresholds = {};
  for (const key of Object.keys(plan.thresholds)) thresholds[key] = plan.thresholds[key].slice();
  // Always true: declaring them is what makes k6 keep per-tag submetrics for handleSummary.
  for (const key of plan.breakdown) if (!thresholds[key]) thresholds[key] = ['max>=0'];
  return {
    scenarios: { [plan.scenario]: scenario },
    thresholds,
    summaryTrendStats: plan.summaryTrendStats.slice(),
    // Our own summary replaces k6's; keep its per-URL tag cardinality low.
    tags: { mcp_target: plan.target },
  };
}
