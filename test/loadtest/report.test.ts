/** The scaling report's pure parts on fixtures: line parsing, aggregation, chart, table, window. */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it } from 'vitest';
import { SUMMARY_SCHEMA } from '../../loadtest/k6/lib/summary.js';
import { aggregate, buildInvocations, stats } from '../../loadtest/report/aggregate.ts';
import { escapeHtml, niceTicks, renderChartSvg, renderReportHtml } from '../../loadtest/report/chart.ts';
import { readLogEvents } from '../../loadtest/report/cloudwatch.ts';
import { parsePlatformLine, PLATFORM_FILTER_PATTERN } from '../../loadtest/report/platform-lines.ts';
import { runReport } from '../../loadtest/report/run.ts';
import { formatReportTable } from '../../loadtest/report/table.ts';
import { findLatestSummary, parseTime } from '../../loadtest/report/window.ts';
import { matchesFilterPattern } from '../../emulator/logs/cloudwatch-logs-api.ts';
import { BASE, RECORDS, STREAM_A, STREAM_B, STREAM_C } from './fixtures/platform-logs.ts';

const WINDOW = { startMs: BASE, endMs: BASE + 5000 };

describe('platform lines', () => {
  it('reads text START/END/REPORT/INIT_START lines and ignores the function output', () => {
    expect(parsePlatformLine('START RequestId: abc Version: $LATEST')).toEqual({ kind: 'start', requestId: 'abc' });
    expect(parsePlatformLine('END RequestId: abc')).toEqual({ kind: 'end', requestId: 'abc' });
    expect(parsePlatformLine('INIT_START Runtime Version: nodejs:22.v50')).toEqual({ kind: 'init-start' });
    const report = parsePlatformLine(
      'REPORT RequestId: abc\tDuration: 2.85 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 68 MB\tInit Duration: 170.71 ms\t',
    );
    expect(report).toMatchObject({
      kind: 'report',
      report: { requestId: 'abc', durationMs: 2.85, initDurationMs: 170.71, memorySizeMb: 128 },
    });
    expect(parsePlatformLine('{"level":"INFO","message":"START RequestId: fake"}')).toBeUndefined();
    expect(
      parsePlatformLine('2026-11-25T10:00:00.000Z\tabc\tINFO\tREPORT RequestId: inside a message'),
    ).toBeUndefined();
  });

  it('reads the JSON log format (platform.start / platform.report)', () => {
    expect(
      parsePlatformLine(
        '{"time":"2026-11-25T10:00:00.000Z","type":"platform.start","record":{"requestId":"j1","version":"$LATEST"}}',
      ),
    ).toEqual({
      kind: 'start',
      requestId: 'j1',
    });
    const report = parsePlatformLine(
      '{"time":"2026-11-25T10:00:00.100Z","type":"platform.report","record":{"requestId":"j1","metrics":{"durationMs":12.5,"billedDurationMs":13,"memorySizeMB":512,"maxMemoryUsedMB":80,"initDurationMs":200.1},"status":"success"}}',
    );
    expect(report).toEqual({
      kind: 'report',
      report: {
        requestId: 'j1',
        durationMs: 12.5,
        billedDurationMs: 13,
        memorySizeMb: 512,
        maxMemoryUsedMb: 80,
        initDurationMs: 200.1,
        status: undefined,
      },
    });
  });

  it('the FilterLogEvents pattern keeps every platform line and drops the function output (emulator semantics)', () => {
    const kept = RECORDS.filter((r) => matchesFilterPattern(r.message, PLATFORM_FILTER_PATTERN));
    expect(kept.every((r) => parsePlatformLine(r.message) !== undefined)).toBe(true);
    expect(kept).toHaveLength(RECORDS.filter((r) => parsePlatformLine(r.message) !== undefined).length);
  });
});

describe('aggregation', () => {
  it('pairs REPORTs with START and END per stream, placing a cut-off START Duration before the REPORT', () => {
    const { invocations, incomplete, platformLines } = buildInvocations(RECORDS);
    expect(invocations.map((i) => i.requestId)).toEqual(['r1', 'r4', 'r5', 'r2', 'r3', 'r6']);
    expect(incomplete).toBe(1);
    expect(platformLines).toBe(2 + 5 * 3 + 2 + 1);
    const r6 = invocations.find((i) => i.requestId === 'r6')!;
    expect([r6.startMs - BASE, r6.endMs - BASE]).toEqual([3980, 4000]);
  });

  it('counts environments, cold starts, Init Duration, durations and requests per environment', () => {
    const report = aggregate(RECORDS, WINDOW);
    expect(report.environments).toBe(3);
    expect(report.coldStarts).toBe(3);
    expect(report.invocations).toBe(6);
    expect(report.incomplete).toBe(1);
    expect(report.initDurationMs).toEqual({
      count: 3,
      min: 280,
      avg: 293.5,
      p50: 290.5,
      p95: 308.05,
      p99: 309.61,
      max: 310,
    });
    expect(report.durationMs).toMatchObject({ count: 6, min: 10, max: 80, p50: 40 });
    expect(report.coldDurationMs).toMatchObject({ count: 3, min: 50, max: 80 });
    expect(report.warmDurationMs).toMatchObject({ count: 3, min: 10, max: 30 });
    expect(report.requestsPerEnvironment).toEqual({ min: 1, p50: 1, mean: 2, max: 4 });
    expect(report.environmentsDetail.map((e) => [e.logStreamName, e.invocations, e.coldStart])).toEqual([
      [STREAM_A, 4, true],
      [STREAM_B, 1, true],
      [STREAM_C, 1, true],
    ]);
    expect(report.coldStartList.map((c) => c.t - BASE)).toEqual([1300, 1320, 1330]);
    const withInitOnly = aggregate(
      [
        ...RECORDS,
        { logStreamName: 'd', timestamp: BASE + 2000, message: 'INIT_START Runtime Version: nodejs:22.v50' },
      ],
      WINDOW,
    );
    expect([withInitOnly.environments, withInitOnly.logStreams, report.logStreams]).toEqual([3, 4, 3]);
    // 6 invocations × 512 MB: (50 + 80 + 50 + 10 + 30 + 20) ms + init billed on cold starts.
    expect(report.billedGbSeconds).toBeCloseTo((50 + 291 + (80 + 280) + (50 + 310) + 10 + 30 + 20) / 1000 / 2, 3);
  });

  it('finds the concurrency peak: three environments busy at once between 1330 and 1350 ms', () => {
    const report = aggregate(RECORDS, WINDOW);
    expect(report.maxConcurrency).toBe(3);
    expect(report.maxConcurrencyAt).toBe(new Date(BASE + 1330).toISOString());
    expect(report.timeline.bucketSeconds).toBe(1);
    expect(
      report.timeline.points.map((p) => [
        p.invocations,
        p.coldStarts,
        p.peakConcurrency,
        p.activeEnvironments,
        p.startedEnvironments,
      ]),
    ).toEqual([
      [0, 0, 0, 0, 0],
      [3, 3, 3, 3, 3],
      [1, 0, 1, 1, 3],
      [2, 0, 1, 1, 3],
      [0, 0, 1, 1, 3],
    ]);
    expect(report.peakRequestRate).toBe(3);
    expect(report.meanRequestRate).toBe(1.2);
  });

  it('"environments started so far" counts cold starts only, not environments already warm when the window began', () => {
    const warmThenCold = [
      { logStreamName: 'warm', timestamp: BASE + 100, message: 'START RequestId: w Version: 1' },
      { logStreamName: 'warm', timestamp: BASE + 110, message: 'END RequestId: w' },
      {
        logStreamName: 'warm',
        timestamp: BASE + 110,
        message:
          'REPORT RequestId: w\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t',
      },
      { logStreamName: 'new', timestamp: BASE + 1100, message: 'START RequestId: n Version: 1' },
      { logStreamName: 'new', timestamp: BASE + 1110, message: 'END RequestId: n' },
      {
        logStreamName: 'new',
        timestamp: BASE + 1110,
        message:
          'REPORT RequestId: n\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tInit Duration: 150.00 ms\t',
      },
    ];
    const report = aggregate(warmThenCold, { startMs: BASE, endMs: BASE + 2000 });
    expect(report.environments).toBe(2);
    expect(report.timeline.points.map((p) => p.startedEnvironments)).toEqual([0, 1]);
  });

  it('an END and a START at the same instant do not overlap', () => {
    const back = [
      { logStreamName: 's1', timestamp: BASE, message: 'START RequestId: a Version: 1' },
      { logStreamName: 's1', timestamp: BASE + 10, message: 'END RequestId: a' },
      {
        logStreamName: 's1',
        timestamp: BASE + 10,
        message:
          'REPORT RequestId: a\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t',
      },
      { logStreamName: 's2', timestamp: BASE + 10, message: 'START RequestId: b Version: 1' },
      { logStreamName: 's2', timestamp: BASE + 20, message: 'END RequestId: b' },
      {
        logStreamName: 's2',
        timestamp: BASE + 20,
        message:
          'REPORT RequestId: b\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t',
      },
    ];
    expect(aggregate(back).maxConcurrency).toBe(1);
  });

  it('widens buckets beyond maxPoints and handles an empty window', () => {
    const wide = aggregate(RECORDS, { startMs: BASE, endMs: BASE + 3_600_000, maxPoints: 60 });
    expect(wide.timeline.bucketSeconds).toBe(60);
    expect(wide.timeline.points).toHaveLength(60);
    expect(wide.timeline.points[0]!.invocations).toBe(6);
    const empty = aggregate([], WINDOW);
    expect(empty).toMatchObject({
      environments: 0,
      coldStarts: 0,
      invocations: 0,
      maxConcurrency: 0,
      durationMs: null,
      requestsPerEnvironment: null,
    });
  });

  it('stats interpolates percentiles as k6 does', () => {
    expect(stats([1, 2, 3, 4])).toEqual({ count: 4, min: 1, avg: 2.5, p50: 2.5, p95: 3.85, p99: 3.97, max: 4 });
    expect(stats([])).toBeNull();
  });
});

const LOAD = {
  tool: 'node',
  scenario: 'load',
  era: 'mixed',
  requests: 7,
  failed: 0,
  rate: 1.4,
  p95: 12,
  p99: 20,
  checksRate: 1,
  ok: true,
  throttledByStage: 0,
  throttledByLambda: 0,
};

describe('chart and table', () => {
  const report = aggregate(RECORDS, WINDOW);
  const context = {
    logGroup: '/aws/lambda/<demo>',
    source: 'http://127.0.0.1:3000',
    generatedAt: new Date(BASE + 60_000),
  };

  it('draws one bar per busy bucket, both environment lines and a marker per cold start', () => {
    const svg = renderChartSvg(report);
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(3);
    expect(svg.match(/<path class="busy" d="M/g)).toHaveLength(2); // line + legend
    expect(svg.match(/<path class="started" d="M/g)).toHaveLength(2);
    expect(svg.match(/<title>cold start /g)).toHaveLength(3);
    expect(svg).toContain('Init Duration 290.5 ms');
    expect(svg).toContain('+4s');
  });

  it('writes a self-contained HTML page: no scripts, no remote assets, escaped text', () => {
    const html = renderReportHtml(report, {
      ...context,
      load: { ...LOAD, ok: true },
    });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|@import|src=/i);
    expect(
      html
        .match(/https?:\/\/[^"\s<]+/g)
        ?.filter((u) => u !== 'http://www.w3.org/2000/svg' && !u.startsWith('http://127.0.0.1')),
    ).toEqual([]);
    expect(html).toContain('/aws/lambda/&lt;demo&gt;');
    expect(html).toContain('<td>3</td>');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('shows the verdict, the throttled requests and the concurrency limit; a "no data" banner on an empty window', () => {
    const failed = renderReportHtml(report, {
      ...context,
      concurrencyLimit: 10,
      load: { ...LOAD, ok: false, throttledByStage: 2, throttledByLambda: 5 },
    });
    expect(failed).toContain('Load run: FAIL');
    expect(failed).toContain('2 × 429 (stage throttling), 5 × 500 (Lambda throttling');
    expect(failed).toMatch(
      /<path class="limit" d="M\S+ [\d.]+H[\d.]+"><title>concurrency limit: 10 environments<\/title>/,
    );
    expect(failed).not.toContain('No data');
    expect(renderReportHtml(report, { ...context, load: { ...LOAD, ok: true } })).toContain('Load run: PASS');
    const empty = renderReportHtml(aggregate([], WINDOW), context);
    expect(empty).toContain('No data: no invocation');
    expect(empty).toContain('no data: no invocation in this window');
    expect(empty).not.toContain('class="limit"');
    const table = formatReportTable(report, {
      ...context,
      concurrencyLimit: 10,
      load: { ...LOAD, ok: false, throttledByStage: 0, throttledByLambda: 3 },
    });
    expect(table).toMatch(/load run verdict\s+FAIL/);
    expect(table).toMatch(/concurrency limit\s+10/);
  });

  it('prints the figures and the environments as tables', () => {
    const table = formatReportTable(report, context);
    expect(table).toMatch(/execution environments \(log streams\)\s+3/);
    expect(table).toMatch(/cold starts\s+3/);
    expect(table).toMatch(/max environments busy at once\s+3/);
    expect(table).toMatch(/Init Duration\s+3\s+290\.5\s+308\.1/);
    expect(table).toContain('…aaaaaaaaaaaa');
  });

  it('niceTicks covers the maximum with round steps', () => {
    expect(niceTicks(37)).toEqual([0, 10, 20, 30, 40]);
    expect(niceTicks(4)).toEqual([0, 1, 2, 3, 4]);
    expect(niceTicks(0.3)).toEqual([0, 0.1, 0.2, 0.3]);
  });
});

describe('window', () => {
  it('parses ISO times, epoch times, now and durations ago', () => {
    const now = BASE + 3_600_000;
    expect(parseTime('15m', now)).toBe(now - 900_000);
    expect(parseTime('1h30m', now)).toBe(now - 5_400_000);
    expect(parseTime('now', now)).toBe(now);
    expect(parseTime('2026-11-25T10:00:00Z', now)).toBe(BASE);
    expect(parseTime(String(BASE), now)).toBe(BASE);
    expect(parseTime(String(BASE / 1000), now)).toBe(BASE);
    expect(() => parseTime('yesterday', now)).toThrow(/not a time/);
  });

  it('finds the summary of the run that ended last, skipping files that are not summaries', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'summaries-'));
    const summary = (end: string) =>
      JSON.stringify({ schema: SUMMARY_SCHEMA, start: '2026-11-25T09:00:00.000Z', end, scenario: 'load' });
    await writeFile(path.join(dir, 'k6-load-a.summary.json'), summary('2026-11-25T09:10:00.000Z'));
    await writeFile(path.join(dir, 'node-load-b.summary.json'), summary('2026-11-25T09:20:00.000Z'));
    await writeFile(path.join(dir, 'k6-load-c.summary.json'), '{"not":"ours"}');
    await writeFile(path.join(dir, 'scaling-x.json'), summary('2026-11-25T10:00:00.000Z'));
    const latest = await findLatestSummary(dir);
    expect(path.basename(latest!.file)).toBe('node-load-b.summary.json');
    expect(await findLatestSummary(path.join(dir, 'missing'))).toBeUndefined();
  });
});

describe('reading the log group', () => {
  /** A FilterLogEvents that ignores filterPattern, as LocalStack does, and pages by 7 events. */
  function fakeClient(calls: Array<Record<string, unknown>>) {
    return {
      send: async (command: FilterLogEventsCommand) => {
        const input = command.input as Record<string, unknown>;
        calls.push(input);
        const offset = input.nextToken ? Number(input.nextToken) : 0;
        const inWindow = RECORDS.filter(
          (r) => r.timestamp >= (input.startTime as number) && r.timestamp <= (input.endTime as number),
        );
        const page = inWindow.slice(offset, offset + 7);
        return { events: page, ...(offset + 7 < inWindow.length ? { nextToken: String(offset + 7) } : {}) };
      },
    };
  }

  it('pages through FilterLogEvents with progress and filters client-side', async () => {
    const calls: Array<Record<string, unknown>> = [];
    const progress: string[] = [];
    const records = await readLogEvents(fakeClient(calls) as never, {
      logGroupName: '/aws/lambda/x',
      startTime: BASE,
      endTime: BASE + 5000,
      filterPattern: PLATFORM_FILTER_PATTERN,
      progress: (l) => progress.push(l),
    });
    expect(records).toHaveLength(RECORDS.length);
    expect(calls).toHaveLength(Math.ceil(RECORDS.length / 7));
    expect(calls[0]).toMatchObject({
      logGroupName: '/aws/lambda/x',
      startTime: BASE,
      endTime: BASE + 5000,
      filterPattern: PLATFORM_FILTER_PATTERN,
      limit: 10_000,
    });
    expect(calls[1]!.nextToken).toBe('7');
    expect(progress[0]).toMatch(/page 1: 7 events \(7 so far/);
    expect(aggregate(records, WINDOW)).toEqual(aggregate(RECORDS, WINDOW));
  });

  it('runReport writes the HTML chart and the JSON figures for a --since/--until window', async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'report-'));
    const progress: string[] = [];
    const result = await runReport({
      client: fakeClient([]) as never,
      since: new Date(BASE).toISOString(),
      until: new Date(BASE + 5000).toISOString(),
      outDir,
      endpoint: 'http://127.0.0.1:9',
      progress: (l) => progress.push(l),
    });
    expect(result.report.environments).toBe(3);
    expect(progress[0]).toMatch(/^reading \/aws\/lambda\/stateless-mcp-mcp-server from http:\/\/127\.0\.0\.1:9/);
    expect(path.basename(result.htmlPath!)).toBe('scaling-20261125T100000Z.html');
    expect(await readFile(result.htmlPath!, 'utf8')).toContain('<svg');
    expect(JSON.parse(await readFile(result.jsonPath, 'utf8'))).toMatchObject({
      environments: 3,
      coldStarts: 3,
      logGroup: '/aws/lambda/stateless-mcp-mcp-server',
    });
  });

  it('never replaces an earlier chart: a second report of the same window, and an empty one, get their own files', async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'report-'));
    const window = {
      since: new Date(BASE).toISOString(),
      until: new Date(BASE + 5000).toISOString(),
      outDir,
      endpoint: 'http://127.0.0.1:9',
    };
    const first = await runReport({ ...window, client: fakeClient([]) as never });
    const firstHtml = await readFile(first.htmlPath!, 'utf8');
    const second = await runReport({ ...window, client: fakeClient([]) as never });
    const noData = { send: async () => ({ events: [] }) };
    const empty = await runReport({ ...window, client: noData as never });
    expect(first.empty).toBe(false);
    expect(empty.empty).toBe(true);
    expect(path.basename(second.htmlPath!)).toBe('scaling-20261125T100000Z-2.html');
    expect(path.basename(empty.htmlPath!)).toBe('scaling-20261125T100000Z-no-data.html');
    expect(await readFile(first.htmlPath!, 'utf8')).toBe(firstHtml);
    expect(await readFile(empty.htmlPath!, 'utf8')).toContain('No data');
    expect((await readdir(outDir)).sort()).toEqual([
      'scaling-20261125T100000Z-2.html',
      'scaling-20261125T100000Z-2.json',
      'scaling-20261125T100000Z-no-data.html',
      'scaling-20261125T100000Z-no-data.json',
      'scaling-20261125T100000Z.html',
      'scaling-20261125T100000Z.json',
    ]);
  });
});
