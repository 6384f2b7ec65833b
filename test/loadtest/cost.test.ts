/**
 * The run's cost, against figures computed by hand from the recorded REPORT lines of
 * fixtures/platform-logs.ts and the us-east-1 price table (the arithmetic is in the comments).
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it } from 'vitest';
import { aggregate } from '../../loadtest/report/aggregate.ts';
import { formatCostTable } from '../../loadtest/report/cost-render.ts';
import { computeRunCost, logEventBytes, US_EAST_1_PRICES } from '../../loadtest/report/cost.ts';
import { runReport, terraformArchitecture } from '../../loadtest/report/run.ts';
import { BASE, RECORDS } from './fixtures/platform-logs.ts';

// Six REPORT lines at 512 MB. Billed Duration (ms): r1 341 (50 + Init 290.5), r4 360 (80 + 280),
// r5 360 (50 + 310), r2 10, r3 30, r6 20 → 1,121 ms → 1.121 s × 0.5 GB = 0.5605 GB-s.
const GB_SECONDS = 0.5605;

describe('cost of a run', () => {
  it('bills the recorded REPORT lines: 6 requests and 0.5605 GB-s', () => {
    const report = aggregate(RECORDS, { startMs: BASE, endMs: BASE + 5000 });
    expect(report.invocations).toBe(6);
    expect(report.billedGbSeconds).toBeCloseTo(GB_SECONDS, 6);
  });

  it('prices them on arm64 as computed by hand', () => {
    const cost = computeRunCost({
      architecture: 'arm64',
      invocations: 6,
      billedGbSeconds: GB_SECONDS,
      apiRequests: 6,
      apiRequestsSource: 'REPORT lines',
      logBytes: 6000,
      logBytesScope: 'test',
    });
    const usd = Object.fromEntries(cost.lines.map((l) => [l.item, l.usd]));
    expect(usd['Lambda requests']).toBeCloseTo(6 * 0.2e-6, 12); // $0.0000012
    expect(usd['Lambda duration (arm64)']).toBeCloseTo(0.5605 * 0.0000133334, 12); // $0.00000747337
    expect(usd['API Gateway REST requests']).toBeCloseTo(6 * 3.5e-6, 12); // $0.000021
    expect(usd['CloudWatch Logs ingestion']).toBeCloseTo((6000 / 1073741824) * 0.5, 12); // $0.00000279397
    expect(cost.totalUsd).toBeCloseTo(0.0000324673, 10);
    // Per million requests: 0.20 + 0.5605/6 × 1e6 × 0.0000133334 (1.24556) + 3.50
    // + 1,000 bytes × 1e6 / 2^30 × 0.50 (0.46566) = $5.41122.
    expect(cost.perMillionRequests!.totalUsd).toBeCloseTo(5.41122, 4);
  });

  it('charges x86_64 duration 25 % more than arm64 for the same GB-seconds', () => {
    const base = {
      invocations: 6,
      billedGbSeconds: GB_SECONDS,
      apiRequests: 6,
      apiRequestsSource: 'REPORT lines' as const,
      logBytes: 0,
      logBytesScope: '',
    };
    const x86 = computeRunCost({ ...base, architecture: 'x86_64' });
    expect(x86.lines[1]!.usd).toBeCloseTo(0.5605 * 0.0000166667, 12);
    expect(x86.lines[1]!.usd / computeRunCost({ ...base, architecture: 'arm64' }).lines[1]!.usd).toBeCloseTo(1.25, 3);
  });

  it('counts log bytes as UTF-8', () => {
    expect(logEventBytes([{ message: 'abc' }, { message: 'é' }])).toBe(5);
  });

  it('dates its price table and cites its sources', () => {
    expect(US_EAST_1_PRICES.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(US_EAST_1_PRICES.sources.map((s) => s.url)).toEqual([
      'https://aws.amazon.com/lambda/pricing/',
      'https://aws.amazon.com/api-gateway/pricing/',
      'https://aws.amazon.com/cloudwatch/pricing/',
    ]);
    const text = formatCostTable(
      computeRunCost({
        architecture: 'arm64',
        invocations: 1,
        billedGbSeconds: 0.0001,
        apiRequests: 1,
        apiRequestsSource: 'load summary',
        logBytes: 0,
        logBytesScope: '',
      }),
      false,
    );
    expect(text).toMatch(
      /What this run would have cost on AWS \(us-east-1 on-demand list prices as of \d{4}-\d{2}-\d{2}, arm64/,
    );
    // 0.20 + 100 GB-s × 0.0000133334 + 3.50 = $3.70133
    expect(text).toContain('1 million such requests: $3.7013');
  });

  it('takes the architecture Terraform deploys', async () => {
    expect(await terraformArchitecture()).toBe('arm64');
  });

  it('runReport prints the cost and puts it in the chart and the JSON figures', async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'cost-'));
    const client = {
      send: async (command: FilterLogEventsCommand) => {
        const input = command.input as { startTime: number; endTime: number };
        return { events: RECORDS.filter((r) => r.timestamp >= input.startTime && r.timestamp <= input.endTime) };
      },
    };
    const result = await runReport({
      client: client as never,
      since: new Date(BASE).toISOString(),
      until: new Date(BASE + 5000).toISOString(),
      outDir,
      endpoint: 'http://127.0.0.1:9',
      architecture: 'x86_64',
    });
    // No load summary: API Gateway requests = the 6 invocations.
    expect(result.cost.inputs).toMatchObject({
      architecture: 'x86_64',
      invocations: 6,
      apiRequests: 6,
      apiRequestsSource: 'REPORT lines',
    });
    expect(result.cost.inputs.logBytes).toBe(logEventBytes(RECORDS));
    expect(result.table).toContain('What this run would have cost on AWS');
    expect(result.table).toMatch(/Lambda duration \(x86_64\)\s+0\.5605 GB-s/);
    const html = await readFile(result.htmlPath!, 'utf8');
    expect(html).toMatch(/<h2>Cost<\/h2>[\s\S]*1 million such requests[\s\S]*<\/body>/);
    expect(JSON.parse(await readFile(result.jsonPath, 'utf8')).cost.totalUsd).toBeCloseTo(result.cost.totalUsd, 12);
  });
});
