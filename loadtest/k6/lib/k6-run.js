/**
 * The k6 side of a load test: runs the shared MCP sessions (mcp.js) with k6/http, records checks
 * and per-status counters, and writes the shared summary (summary.js) from handleSummary.
 * Nothing here is remote: no jslib imports, so the scripts run offline and in CI.
 */
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter } from 'k6/metrics';
import { k6Options, resolvePlan } from './config.js';
import { KNOWN_STATUSES, createSession, eraForIteration, makeText, statusMetricName } from './mcp.js';
import { summaryOutputs } from './summary.js';

function header(res, name) {
  const wanted = name.toLowerCase();
  for (const key of Object.keys(res.headers || {})) if (key.toLowerCase() === wanted) return res.headers[key];
  return undefined;
}

/**
 * scenarios: the parsed loadtest/scenarios.json (each script open()s it, so the path resolves
 * next to the script); name: the scenario to run. Must be called from the init context.
 */
export function createTest(scenarios, name) {
  const plan = resolvePlan(scenarios, name, __ENV);
  const options = k6Options(plan);
  const text = makeText(plan.textBytes);
  const counters = {};
  for (const status of KNOWN_STATUSES) counters[statusMetricName(status)] = new Counter(statusMetricName(status));
  counters.http_status_other = new Counter('http_status_other');
  const timeout = `${plan.requestTimeoutSeconds}s`;
  let warnings = 0;

  function iteration() {
    const era = eraForIteration(plan.era, exec.scenario.iterationInTest);
    const session = createSession({
      era,
      token: plan.token,
      text,
      longTask: plan.longTask,
      calls: plan.calls,
      clientName: 'k6-loadtest',
    });
    for (let request = session.next(); request !== null; request = session.next()) {
      const res = http.post(plan.url, request.body, { headers: request.headers, tags: request.tags, timeout });
      counters[statusMetricName(res.status)].add(1, request.tags);
      const outcome = session.record(request, {
        status: res.status,
        contentType: header(res, 'Content-Type'),
        body: res.body,
        error: res.status === 0 ? res.error || 'no response' : undefined,
      });
      check(res, { [outcome.check]: () => outcome.ok }, request.tags);
      if (!outcome.ok && warnings < 3) {
        warnings += 1;
        console.warn(`check failed: ${outcome.check}: ${outcome.reason}`);
      }
    }
    if (plan.pauseSeconds) sleep(plan.pauseSeconds);
  }

  return {
    plan,
    options,
    iteration,
    /** The start time travels to handleSummary as setup_data, so the report can find the run's logs. */
    setup() {
      return { start: new Date().toISOString() };
    },
    handleSummary(data) {
      return summaryOutputs(data, plan, { tool: 'k6', end: new Date() }).files;
    },
  };
}
