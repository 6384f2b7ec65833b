/**
 * Three k6-operator runners' summaries of one run → one summary and one verdict: counts and
 * failure rates exact, percentiles as an upper bound, percentile thresholds decided only when
 * the runners agree. Through `npm run loadtest -- merge` on `kubectl logs` output too.
 */
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUMMARY_SCHEMA, type LatencyStats, type LoadSummary } from '../../loadtest/k6/lib/summary.js';
import { mergeSummaries, SUMMARY_MARKER } from '../../loadtest/report/merge.ts';
import { runCli } from './support/cli.ts';

function latency(count: number, avg: number, p95: number, max: number): LatencyStats {
  return { count, avg, min: 5, p50: avg, p90: p95 - 10, p95, p99: p95 + 50, max };
}

/** One runner's summary, as summary.js writes it; `p95` and `failed` vary per runner. */
function runner(
  i: number,
  o: { requests: number; failed: number; p95: number; avg: number; start: string; end: string },
): LoadSummary {
  const thresholds = [
    { metric: 'checks', expression: 'rate>0.99', ok: true },
    { metric: 'http_req_duration', expression: 'p(95)<1000', ok: o.p95 < 1000 },
    { metric: 'http_req_failed', expression: 'rate<0.01', ok: o.failed / o.requests < 0.01 },
  ];
  return {
    schema: SUMMARY_SCHEMA,
    tool: 'k6',
    scenario: 'load',
    description: 'Ramping arrival rate',
    era: 'mixed',
    target: 'aws',
    url: 'https://abc.execute-api.us-east-1.amazonaws.com/dev/mcp',
    start: o.start,
    end: o.end,
    durationSeconds: (Date.parse(o.end) - Date.parse(o.start)) / 1000,
    plan: { executor: 'ramping-arrival-rate', rate: 300 },
    iterations: {
      count: o.requests / 5,
      rate: o.requests / 5 / 60,
      dropped: i === 2 ? 1 : 0,
      durationMs: latency(o.requests / 5, 700, 900, 1200),
    },
    vusMax: 100,
    http: {
      requests: o.requests,
      rate: o.requests / 60,
      failed: o.failed,
      failedRate: o.failed / o.requests,
      byStatus: { '200': o.requests - o.failed, '500': o.failed },
    },
    latencyMs: {
      overall: latency(o.requests, o.avg, o.p95, o.p95 + 400),
      byMethod: { 'tools/call': latency(o.requests / 2, o.avg, o.p95, o.p95 + 400) },
      byTool: {},
      byEra: {},
    },
    checks: {
      passes: o.requests - o.failed,
      fails: o.failed,
      rate: (o.requests - o.failed) / o.requests,
      byName: { 'tools/call ping -> pong': { passes: o.requests - o.failed, fails: o.failed } },
    },
    thresholds,
    ok: thresholds.every((t) => t.ok),
  };
}

const A = runner(1, {
  requests: 6000,
  failed: 30,
  p95: 540,
  avg: 120,
  start: '2026-12-02T06:00:00.100Z',
  end: '2026-12-02T06:01:00.200Z',
});
const B = runner(2, {
  requests: 6000,
  failed: 0,
  p95: 560,
  avg: 130,
  start: '2026-12-02T06:00:00.050Z',
  end: '2026-12-02T06:01:00.900Z',
});
const C = runner(3, {
  requests: 6000,
  failed: 60,
  p95: 520,
  avg: 110,
  start: '2026-12-02T06:00:00.300Z',
  end: '2026-12-02T06:01:00.400Z',
});

describe('merging three runner summaries', () => {
  it('adds counts and rates, spans every runner window, and keeps the exact mean', () => {
    const m = mergeSummaries([A, B, C], ['runner-1', 'runner-2', 'runner-3']);
    expect(m.merged.runners).toBe(3);
    expect(m.http).toMatchObject({ requests: 18000, failed: 90, rate: 300, byStatus: { '200': 17910, '500': 90 } });
    expect(m.http.failedRate).toBeCloseTo(0.005, 9);
    expect(m.iterations).toMatchObject({ count: 3600, dropped: 1 });
    expect(m.start).toBe('2026-12-02T06:00:00.050Z');
    expect(m.end).toBe('2026-12-02T06:01:00.900Z');
    expect(m.checks).toMatchObject({ passes: 17910, fails: 90 });
    expect(m.checks.byName['tools/call ping -> pong']).toEqual({ passes: 17910, fails: 90 });
    // (120 + 130 + 110) / 3 with equal counts; p95 and max: the largest runner's.
    expect(m.latencyMs.overall).toMatchObject({ count: 18000, avg: 120, min: 5, p95: 560, max: 960 });
    expect(m.latencyMs.byMethod['tools/call']).toMatchObject({ count: 9000, p95: 560 });
  });

  it('judges the failure rate on the whole run, not per runner: runner 3 alone failed 1 %, the run 0.5 %', () => {
    expect(C.ok).toBe(false);
    const m = mergeSummaries([A, B, C]);
    const failed = m.thresholds.find((t) => t.metric === 'http_req_failed')!;
    expect(failed).toMatchObject({ ok: true, basis: 'exact' });
    expect(m.thresholds.find((t) => t.metric === 'http_req_duration')).toMatchObject({
      ok: true,
      basis: 'every runner passed',
    });
    expect(m.ok).toBe(true);
  });

  it('fails a percentile threshold that the runners disagree on, and says it could not decide', () => {
    const slow = runner(2, { requests: 6000, failed: 0, p95: 1400, avg: 300, start: B.start, end: B.end });
    const m = mergeSummaries([A, slow, C]);
    expect(m.thresholds.find((t) => t.metric === 'http_req_duration')).toMatchObject({
      ok: false,
      basis: 'undecided: runners disagree, counted as failed',
    });
    expect(m.latencyMs.overall!.p95).toBe(1400);
    expect(m.ok).toBe(false);
  });

  it('refuses summaries of different scenarios', () => {
    expect(() => mergeSummaries([A, { ...B, scenario: 'spike' }])).toThrow(/different scenarios/);
  });

  it('npm run loadtest -- merge reads the runners from kubectl logs and writes one summary', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'merge-'));
    const logs = [A, B, C]
      .map(
        (s, i) =>
          `     ✓ checks\n  result: ${s.ok ? 'PASS' : 'FAIL'}\n${SUMMARY_MARKER} ${JSON.stringify({ runner: `mcp-load-${i + 1}-x`, summary: s })}\n`,
      )
      .join('');
    await writeFile(path.join(dir, 'runners.log'), logs);
    const resultsDir = path.join(dir, 'results');
    const result = await runCli(
      'loadtest/local/cli.ts',
      ['merge', path.join(dir, 'runners.log'), '--results-dir', resultsDir],
      { timeoutMs: 60_000 },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/requests\s+18000 \(300\.00\/s\), failed 90 \(0\.50%\)/);
    expect(result.stdout).toMatch(/FAIL runners\.log: mcp-load-3-x: 6000 requests/);
    expect(result.stdout).toMatch(/threshold http_req_failed rate<0\.01: ok \(exact\)/);
    expect(result.stdout).toContain('result: PASS');
    const [file] = (await readdir(resultsDir)).filter((f) => f.endsWith('.summary.json'));
    expect(file).toBe('k6-load-20261202T060000Z-merged3.summary.json');
    expect(JSON.parse(await readFile(path.join(resultsDir, file!), 'utf8'))).toMatchObject({
      http: { requests: 18000 },
      merged: { runners: 3 },
      ok: true,
    });
  });
});
