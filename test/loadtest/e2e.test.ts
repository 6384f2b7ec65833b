/**
 * End to end on loopback: the Node driver's smoke scenario against a fresh embedded stack, then
 * the scaling report against the stack's CloudWatch Logs endpoint, read with the AWS SDK.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStack } from '../../emulator/stack.ts';
import { runLoad, type RunResult } from '../../loadtest/local/driver.ts';
import { readScenarioFile } from '../../loadtest/local/scenario-file.ts';
import { runReport, type ReportResult } from '../../loadtest/report/run.ts';
import { startTestStack } from '../support/stack.ts';
import { SUITE_SMOKE_LATENCY_ENV } from './support/suite-latency.ts';

/** Gateway answers that never reach the MCP function (authorizer, stage throttle, size limit). */
const GATEWAY_ONLY_STATUSES = ['401', '403', '413', '429'];

let stack: RunningStack & { token: string };
let resultsDir: string;
let run: RunResult;
let report: ReportResult;

beforeAll(async () => {
  stack = await startTestStack();
  resultsDir = await mkdtemp(path.join(tmpdir(), 'loadtest-e2e-'));
  const scenarios = await readScenarioFile();
  run = await runLoad({
    scenarios,
    scenario: 'smoke',
    // A few seconds at a low rate. Two VUs, so both eras run from the first second (mixed runs
    // alternate eras by iteration) even when cold starts are slow. Latency limits: the suite's
    // (support/suite-latency.ts says why they are not the scenario's).
    env: {
      MCP_URL: stack.endpoint,
      MCP_TOKEN: stack.token,
      DURATION: '4s',
      VUS: '2',
      PAUSE: '0.5',
      RESULTS_DIR: resultsDir,
      ...SUITE_SMOKE_LATENCY_ENV,
    },
    cwd: '/',
  });
  report = await runReport({
    endpoint: stack.logsEndpoint,
    region: stack.config.region,
    resultsDir,
    logGroup: stack.mcp.logGroupName,
  });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('Node driver smoke run against the embedded stack', () => {
  it('passes every check of both eras with no failed request', () => {
    const s = run.summary;
    expect(s.thresholds.filter((t) => !t.ok)).toEqual([]);
    expect(s).toMatchObject({ tool: 'node', scenario: 'smoke', era: 'mixed', ok: true });
    expect(s.http.failed).toBe(0);
    expect(s.checks.rate).toBe(1);
    expect(s.checks.fails).toBe(0);
    expect(s.iterations.count).toBeGreaterThanOrEqual(2);
    expect(Object.keys(s.checks.byName).some((n) => n.startsWith('[2026-07-28]'))).toBe(true);
    expect(Object.keys(s.checks.byName).some((n) => n.startsWith('[2025-11-25]'))).toBe(true);
    expect(s.http.byStatus['202']).toBeGreaterThanOrEqual(1);
    expect(s.latencyMs.overall!.p99).toBeGreaterThan(0);
    expect(Date.parse(s.end)).toBeGreaterThan(Date.parse(s.start));
  });

  it('wrote the summary JSON and text where the report looks for them', async () => {
    const json = run.files.find((f) => f.endsWith('.summary.json'))!;
    expect(path.dirname(json)).toBe(resultsDir);
    expect(JSON.parse(await readFile(json, 'utf8'))).toEqual(run.summary);
    expect(existsSync(json.replace(/\.json$/, '.txt'))).toBe(true);
    expect(report.summaryFile).toBe(json);
  });
});

describe('scaling report on the embedded stack logs endpoint', () => {
  it('sees one execution environment per cold start and one invocation per request that reached the function', () => {
    const r = report.report;
    const gatewayOnly = GATEWAY_ONLY_STATUSES.reduce(
      (sum, status) => sum + (run.summary.http.byStatus[status] ?? 0),
      0,
    );
    expect(r.environments).toBeGreaterThanOrEqual(1);
    expect(r.coldStarts).toBe(r.environments);
    expect(r.invocations).toBe(run.summary.http.requests - gatewayOnly);
    expect(r.incomplete).toBe(0);
    // The emulator's own counters agree with what the logs say.
    expect(r.environments).toBe(stack.mcp.stats().coldStarts);
    expect(r.initDurationMs!.count).toBe(r.coldStarts);
    expect(r.durationMs!.count).toBe(r.invocations);
    expect(r.maxConcurrency).toBeGreaterThanOrEqual(1);
    expect(r.timeline.points.reduce((sum, p) => sum + p.invocations, 0)).toBe(r.invocations);
  });

  it('writes the HTML chart and the JSON figures next to the summary', async () => {
    expect(path.dirname(report.htmlPath!)).toBe(resultsDir);
    const html = await readFile(report.htmlPath!, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain(stack.mcp.logGroupName);
    expect(html.match(/<title>cold start /g) ?? []).toHaveLength(report.report.coldStarts);
    expect(JSON.parse(await readFile(report.jsonPath, 'utf8'))).toMatchObject({
      invocations: report.report.invocations,
      load: { requests: run.summary.http.requests },
    });
    expect(report.table).toMatch(/execution environments \(log streams\)\s+\d+/);
  });
});
