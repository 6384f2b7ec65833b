/** The scaling report as plain-text tables for the terminal. Pure. */
import { formatTable } from '../k6/lib/summary.js';
import type { Percentiles, ScalingReport, Stats } from './aggregate.ts';
import { throttledText, type ReportContext } from './chart.ts';

function n(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined ? '-' : Number.isInteger(value) ? String(value) : value.toFixed(digits);
}

function statsRow(label: string, s: Stats | null): Array<string | number> {
  return s ? [label, s.count, n(s.p50), n(s.p95), n(s.p99), n(s.max), n(s.avg)] : [label, 0, '-', '-', '-', '-', '-'];
}

function percentilesRow(label: string, p: Percentiles | null): Array<string | number> {
  return p ? [label, p.count, n(p.p50), n(p.p90), n(p.p99), n(p.max)] : [label, 0, '-', '-', '-', '-'];
}

function shortStream(name: string): string {
  const m = /\](.+)$/.exec(name);
  return m ? `…${m[1]!.slice(-12)}` : name;
}

export function formatReportTable(report: ScalingReport, context: ReportContext): string {
  const lines: string[] = [];
  lines.push(`Scaling report for ${context.logGroup} (logs from ${context.source})`);
  lines.push(
    `window ${report.window.start} -> ${report.window.end} (${report.window.seconds.toFixed(1)} s), ${report.platformLines} platform lines`,
  );
  lines.push('');
  const rows: Array<Array<string | number>> = [
    ['execution environments (log streams)', report.environments],
    ...(report.logStreams > report.environments
      ? [['log streams without an invocation (init only)', report.logStreams - report.environments]]
      : []),
    ['cold starts', report.coldStarts],
    ['invocations (REPORT lines)', report.invocations],
  ];
  if (report.incomplete) rows.push(['START without REPORT in window', report.incomplete]);
  if (report.failedInvocations) rows.push(['invocations with an error status', report.failedInvocations]);
  rows.push(['max environments busy at once', report.maxConcurrency]);
  rows.push(['request rate peak / mean (per s)', `${n(report.peakRequestRate)} / ${n(report.meanRequestRate)}`]);
  const rpe = report.requestsPerEnvironment;
  rows.push([
    'requests per environment min/median/mean/max',
    rpe ? `${rpe.min} / ${n(rpe.p50)} / ${n(rpe.mean)} / ${rpe.max}` : '-',
  ]);
  rows.push(['billed', `${report.billedDurationMs} ms = ${report.billedGbSeconds} GB-s`]);
  if (context.load) {
    const l = context.load;
    rows.push([
      `load run (${l.tool} ${l.scenario}) requests sent`,
      `${l.requests} (${n(l.rate)}/s), ${l.failed} failed`,
    ]);
    rows.push(['load run client p95 / p99 (ms)', `${n(l.p95)} / ${n(l.p99)}`]);
    rows.push(['load run throttled', throttledText(l)]);
    rows.push(['load run verdict', l.ok ? 'PASS' : 'FAIL']);
  }
  if (context.concurrencyLimit !== undefined && context.concurrencyLimit >= 0)
    rows.push(['concurrency limit', context.concurrencyLimit]);
  lines.push(formatTable(['figure', 'value'], rows));
  lines.push('');
  lines.push(
    formatTable(
      ['ms', 'count', 'p50', 'p95', 'p99', 'max', 'mean'],
      [
        statsRow('invocation Duration', report.durationMs),
        statsRow('  after a cold start', report.coldDurationMs),
        statsRow('  warm', report.warmDurationMs),
        statsRow('Init Duration', report.initDurationMs),
      ],
    ),
  );
  lines.push('');
  const cold = report.coldStartFigures;
  lines.push(
    formatTable(
      ['cold start per new environment, ms', 'count', 'p50', 'p90', 'p99', 'max'],
      [
        percentilesRow('Init Duration', cold.initDurationMs),
        percentilesRow('first invocation Duration', cold.firstInvocationMs),
        percentilesRow('Init + first invocation', cold.initPlusFirstMs),
      ],
    ),
  );
  if (report.environmentsDetail.length) {
    lines.push('');
    const envRows = report.environmentsDetail
      .slice(0, 30)
      .map((e) => [
        shortStream(e.logStreamName),
        e.invocations,
        e.coldStart ? 'yes' : 'no',
        n(e.initDurationMs),
        n(e.p50DurationMs),
      ]);
    if (report.environmentsDetail.length > 30)
      envRows.push([`… ${report.environmentsDetail.length - 30} more`, '', '', '', '']);
    lines.push(formatTable(['environment (stream)', 'invocations', 'cold', 'init ms', 'p50 ms'], envRows));
  }
  return `${lines.join('\n')}\n`;
}
