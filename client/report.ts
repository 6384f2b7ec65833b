/**
 * Rendering: a readable table for people, one JSON document for machines (`--json`: stdout carries
 * that document and nothing else; hints and progress go to stderr).
 */
import type { CheckResult, CheckStatus } from './checks.ts';
import type { ScaleReport } from './scale.ts';
import type { SmokeReport } from './smoke.ts';

export interface Output {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export const processOutput: Output = { stdout: process.stdout, stderr: process.stderr };

function colours(enabled: boolean) {
  const wrap = (code: number) => (text: string) => (enabled ? `\u001b[${code}m${text}\u001b[0m` : text);
  return { red: wrap(31), green: wrap(32), yellow: wrap(33), dim: wrap(2), bold: wrap(1) };
}

function useColour(stream: { isTTY?: boolean }): boolean {
  return stream.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
}

const STATUS_LABEL: Record<CheckStatus, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP' };

/** Left-aligned columns; the last column is free text and is not padded. */
export function table(
  headers: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  align: ReadonlyArray<'left' | 'right'> = [],
): string[] {
  // ANSI escapes take no room on screen.
  const visible = (s: string): number => s.replace(/\u001b\[\d+m/g, '').length;
  const widths = headers.map((h, i) => Math.max(visible(h), ...rows.map((r) => visible(r[i] ?? ''))));
  const pad = (cell: string, i: number): string => {
    if (i === headers.length - 1) return cell;
    const fill = ' '.repeat(widths[i]! - visible(cell));
    return align[i] === 'right' ? fill + cell : cell + fill;
  };
  return [headers, ...rows].map((row) => row.map(pad).join('  ').trimEnd());
}

function formatMs(ms: number | null): string {
  if (ms === null) return '-';
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

function statusCell(status: CheckStatus, c: ReturnType<typeof colours>): string {
  const label = STATUS_LABEL[status];
  switch (status) {
    case 'pass':
      return c.green(label);
    case 'fail':
      return c.red(label);
    case 'warn':
      return c.yellow(label);
    default:
      return c.dim(label);
  }
}

function summaryLine(summary: SmokeReport['summary']): string {
  const parts = [`${summary.passed} passed`, `${summary.failed} failed`];
  if (summary.skipped > 0) parts.push(`${summary.skipped} skipped`);
  if (summary.warnings > 0) parts.push(`${summary.warnings} warning${summary.warnings === 1 ? '' : 's'}`);
  return `${parts.join(', ')} in ${(summary.durationMs / 1000).toFixed(1)} s`;
}

/** Distinct hints of failed checks, in order. */
export function failureHints(checks: readonly CheckResult[]): string[] {
  return [...new Set(checks.filter((c) => c.status === 'fail' && c.hint).map((c) => c.hint!))];
}

export function printSmoke(report: SmokeReport, json: boolean, out: Output = processOutput): void {
  const problems = report.error ? [report.error.hint] : failureHints(report.checks);
  if (json) {
    out.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const c = colours(useColour(out.stdout));
    const lines = [
      c.bold(`MCP smoke check of ${report.url}`),
      c.dim(
        `client ${report.protocol.client}; protocol ${report.protocol.requested}; auth ${report.authExpected ? 'expected' : 'not expected'}`,
      ),
      '',
      ...table(
        ['CHECK', 'STATUS', 'LATENCY', 'DETAIL'],
        report.checks.map((check) => [
          check.name,
          statusCell(check.status, c),
          formatMs(check.latencyMs),
          check.detail,
        ]),
        ['left', 'left', 'right', 'left'],
      ),
      '',
      report.summary.ok ? c.green(summaryLine(report.summary)) : c.red(summaryLine(report.summary)),
    ];
    out.stdout.write(`${lines.join('\n')}\n`);
  }
  if (report.summary.ok) return;
  const e = colours(useColour(out.stderr));
  const headline = report.error ? `${report.error.message}` : `${report.summary.failed} check(s) failed`;
  out.stderr.write(
    `${e.red('error:')} ${headline}\n${problems.map((hint) => `${e.yellow('fix:')} ${hint}\n`).join('')}`,
  );
}

export function printScale(report: ScaleReport, json: boolean, out: Output = processOutput): void {
  if (json) {
    out.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const c = colours(useColour(out.stdout));
    const l = report.latencyMs;
    const errors = Object.entries(report.errors);
    const lines = [
      c.bold(`MCP scale check of ${report.url}`),
      c.dim(`${report.requests} ping calls, ${report.parallel} in flight; client ${report.protocol.client}`),
      '',
      ...table(
        ['', ''],
        [
          [
            'calls',
            `${report.succeeded} succeeded, ${report.failed} failed in ${(report.durationMs / 1000).toFixed(2)} s (${report.throughputPerSecond} calls/s)`,
          ],
          ['execution environments', `${report.environments} distinct (by AWS_LAMBDA_LOG_STREAM_NAME)`],
          ['cold starts', `${report.coldStarts} of ${report.succeeded} calls`],
          [
            'latency',
            l
              ? `p50 ${formatMs(l.p50)}  p95 ${formatMs(l.p95)}  p99 ${formatMs(l.p99)}  (min ${formatMs(l.min)}, max ${formatMs(l.max)})`
              : '-',
          ],
          ['errors', errors.length === 0 ? 'none' : errors.map(([kind, n]) => `${kind}: ${n}`).join(', ')],
        ],
      ).slice(1),
      '',
      ...table(
        ['LOG STREAM', 'CALLS', 'COLD STARTS'],
        report.logStreams.map((s) => [s.logStream, String(s.calls), String(s.coldStarts)]),
        ['left', 'right', 'right'],
      ),
      ...(report.note ? ['', c.dim(report.note)] : []),
    ];
    out.stdout.write(`${lines.join('\n')}\n`);
  }
  if (report.error) {
    const e = colours(useColour(out.stderr));
    out.stderr.write(`${e.red('error:')} ${report.error.message}\n${e.yellow('fix:')} ${report.error.hint}\n`);
  } else if (report.failed > 0) {
    const e = colours(useColour(out.stderr));
    out.stderr.write(
      `${e.red('error:')} ${report.failed} of ${report.requests} calls failed\n${report.hints.map((h) => `${e.yellow('fix:')} ${h}\n`).join('')}`,
    );
  }
}
