/**
 * Cold-start percentiles per run in the scaling report, from platform lines as Lambda writes them
 * (text format, REPORT fields tab-separated): five environments start, one of them serves two more
 * requests warm. Expected figures are worked out by hand (linear interpolation between ranks, as k6).
 */
import { describe, expect, it } from 'vitest';
import { aggregate } from '../../loadtest/report/aggregate.ts';
import { renderReportHtml } from '../../loadtest/report/chart.ts';
import type { LogRecord } from '../../loadtest/report/platform-lines.ts';
import { formatReportTable } from '../../loadtest/report/table.ts';

const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);

function record(stream: string, ms: number, message: string): LogRecord {
  return { logStreamName: `2026/12/02/[$LATEST]${stream}`, timestamp: T0 + ms, message };
}

const LINES: LogRecord[] = [
  record(
    'aaaa',
    0,
    'INIT_START Runtime Version: nodejs:22.v60\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:0a1b',
  ),
  record('aaaa', 150, 'START RequestId: 0b1f5a10-7c1e-4c55-9d0e-5a2a1c3f0001 Version: $LATEST'),
  record('aaaa', 219, 'END RequestId: 0b1f5a10-7c1e-4c55-9d0e-5a2a1c3f0001'),
  record(
    'aaaa',
    219,
    'REPORT RequestId: 0b1f5a10-7c1e-4c55-9d0e-5a2a1c3f0001\tDuration: 68.42 ms\tBilled Duration: 212 ms\tMemory Size: 512 MB\tMax Memory Used: 91 MB\tInit Duration: 143.17 ms\t',
  ),
  record('bbbb', 160, 'START RequestId: 0b1f5a10-7c1e-4c55-9d0e-5a2a1c3f0002 Version: $LATEST'),
  record(
    'bbbb',
    231,
    'REPORT RequestId: 0b1f5a10-7c1e-4c55-9d0e-5a2a1c3f0002\tDuration: 70.11 ms\tBilled Duration: 222 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\tInit Duration: 151.02 ms\t',
  ),
  record('cccc', 170, 'START RequestId: 0b1f5a10-7c1e-4c55-9d0e-5a2a1c3f0003 Version: $LATEST'),
  record(
    'cccc',
    237,
    'REPORT RequestId: 0b1f5a10-7c1e-4c55-9d0e-5a2a1c3f0003\tDuration: 66.05 ms\tBilled Duration: 206 ms\tMemory Size: 512 MB\tMax Memory Used: 89 MB\tInit Duration: 139.88 ms\t',
  ),
  record('dddd', 180, 'START RequestId: 0b1f5a10-7c1e-4c55-9d0e-5a2a1c3f0004 Version: $LATEST'),
  record(
    'dddd',
    257,
    'REPORT RequestId: 0b1f5a10-7c1e-4c55-9d0e-5a2a1c3f0004\tDuration: 75.96 ms\tBilled Duration: 237 ms\tMemory Size: 512 MB\tMax Memory Used: 92 MB\tInit Duration: 160.40 ms\t',
  ),
  record('eeee', 190, 'START RequestId: 0b1f5a10-7c1e-4c55-9d0e-5a2a1c3f0005 Version: $LATEST'),
  record(
    'eeee',
    260,
    'REPORT RequestId: 0b1f5a10-7c1e-4c55-9d0e-5a2a1c3f0005\tDuration: 69.30 ms\tBilled Duration: 217 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\tInit Duration: 147.55 ms\t',
  ),
  // Warm invocations: no Init Duration, not cold starts.
  record('aaaa', 400, 'START RequestId: 0b1f5a10-7c1e-4c55-9d0e-5a2a1c3f0006 Version: $LATEST'),
  record(
    'aaaa',
    403,
    'REPORT RequestId: 0b1f5a10-7c1e-4c55-9d0e-5a2a1c3f0006\tDuration: 2.31 ms\tBilled Duration: 3 ms\tMemory Size: 512 MB\tMax Memory Used: 92 MB\t',
  ),
  record('aaaa', 500, 'START RequestId: 0b1f5a10-7c1e-4c55-9d0e-5a2a1c3f0007 Version: $LATEST'),
  record(
    'aaaa',
    502,
    'REPORT RequestId: 0b1f5a10-7c1e-4c55-9d0e-5a2a1c3f0007\tDuration: 1.87 ms\tBilled Duration: 2 ms\tMemory Size: 512 MB\tMax Memory Used: 92 MB\t',
  ),
];

const WINDOW = { startMs: T0, endMs: T0 + 1000 };

describe('cold starts in the scaling report', () => {
  it('gives p50/p90/p99/max of Init Duration, of the first invocation and of both, per new environment', () => {
    const report = aggregate(LINES, WINDOW);
    expect(report.coldStarts).toBe(5);
    expect(report.invocations).toBe(7);
    expect(report.coldStartFigures).toEqual({
      initDurationMs: { count: 5, p50: 147.55, p90: 156.65, p99: 160.02, max: 160.4 },
      firstInvocationMs: { count: 5, p50: 69.3, p90: 73.62, p99: 75.73, max: 75.96 },
      initPlusFirstMs: { count: 5, p50: 216.85, p90: 230.27, p99: 235.75, max: 236.36 },
    });
  });

  it('has no figures when no environment started in the window', () => {
    const warmOnly = aggregate(
      LINES.filter((line) => !line.message.includes('Init Duration')),
      WINDOW,
    );
    expect(warmOnly.coldStartFigures).toEqual({ initDurationMs: null, firstInvocationMs: null, initPlusFirstMs: null });
  });

  it('prints them in the terminal table and the HTML page', () => {
    const report = aggregate(LINES, WINDOW);
    const context = { logGroup: '/aws/lambda/demo', source: 'CloudWatch Logs', generatedAt: new Date(T0 + 60_000) };
    const table = formatReportTable(report, context);
    expect(table).toMatch(/cold start per new environment, ms\s+count\s+p50\s+p90\s+p99\s+max/);
    expect(table).toMatch(/Init Duration\s+5\s+147\.6\s+156\.7\s+160\.0\s+160\.4/);
    expect(table).toMatch(/first invocation Duration\s+5\s+69\.3\s+73\.6\s+75\.7\s+76\.0/);
    expect(table).toMatch(/Init \+ first invocation\s+5\s+216\.8\s+230\.3\s+235\.8\s+236\.4/);
    const html = renderReportHtml(report, context);
    expect(html).toContain(
      '<tr><th>Init Duration</th><td>5</td><td>147.6</td><td>156.7</td><td>160.0</td><td>160.4</td></tr>',
    );
    expect(html).toContain(
      '<tr><th>First invocation Duration</th><td>5</td><td>69.3</td><td>73.6</td><td>75.7</td><td>76.0</td></tr>',
    );
    expect(html).toContain(
      '<tr><th>Init + first invocation</th><td>5</td><td>216.8</td><td>230.3</td><td>235.8</td><td>236.4</td></tr>',
    );
  });
});
