/**
 * `scale` (distinct execution environments and cold starts as ping reports them) and `call` with
 * progress, against a fresh embedded stack so that its first concurrent calls are cold starts.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningStack } from '../../emulator/stack.ts';
import { startTestStack } from '../support/stack.ts';
import { parseJsonStdout, runCli } from './cli-runner.ts';
import { MODERN_PROTOCOL } from '../support/mcp-protocol.ts';

// Each test starts the CLI in a child process (tsx compiles it first): allow for a busy machine.
vi.setConfig({ testTimeout: 60_000 });

let stack: RunningStack & { token: string };

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

interface ScaleJson {
  command: 'scale';
  parallel: number;
  requests: number;
  succeeded: number;
  failed: number;
  environments: number;
  coldStarts: number;
  logStreams: Array<{ logStream: string; calls: number; coldStarts: number }>;
  latencyMs: { p50: number; p95: number; p99: number; min: number; max: number } | null;
  errors: Record<string, number>;
  exitCode: number;
}

describe('npm run client -- scale', () => {
  it('fires 12 pings 4 at a time and reports environments, cold starts and latency percentiles', async () => {
    const run = await runCli([
      'scale',
      '--parallel',
      '4',
      '--requests',
      '12',
      '--url',
      stack.endpoint,
      '--token',
      stack.token,
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const report = parseJsonStdout<ScaleJson>(run);
    expect(report).toMatchObject({
      command: 'scale',
      parallel: 4,
      requests: 12,
      succeeded: 12,
      failed: 0,
      errors: {},
      exitCode: 0,
    });
    expect(report.environments).toBeGreaterThanOrEqual(1);
    expect(report.coldStarts).toBeGreaterThanOrEqual(1);
    expect(report.environments).toBe(report.logStreams.length);
    expect(report.logStreams.reduce((sum, s) => sum + s.calls, 0)).toBe(12);
    // The stack's own count of environments bounds what ping saw.
    expect(report.environments).toBeLessThanOrEqual(stack.mcp.stats().environments);
    const l = report.latencyMs!;
    expect(l.min).toBeLessThanOrEqual(l.p50);
    expect(l.p50).toBeLessThanOrEqual(l.p95);
    expect(l.p95).toBeLessThanOrEqual(l.p99);
    expect(l.p99).toBeLessThanOrEqual(l.max);
  }, 60_000);
});

describe('npm run client -- call', () => {
  it('shows progress lines on a non-TTY stderr, in order, and prints the result on stdout', async () => {
    const run = await runCli([
      'call',
      'long_task',
      '--args',
      '{"steps":3,"stepMs":30}',
      '--url',
      stack.endpoint,
      '--token',
      stack.token,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toEqual([
      'progress long_task 1/3 (33%) step 1 of 3',
      'progress long_task 2/3 (67%) step 2 of 3',
      'progress long_task 3/3 (100%) step 3 of 3',
    ]);
    expect(JSON.parse(run.stdout)).toMatchObject({ stepsCompleted: 3 });
  });

  it('--json reports the result and every progress update with the 2026-07-28 client', async () => {
    const run = await runCli([
      'call',
      'long_task',
      '--args',
      '{"steps":2,"stepMs":10}',
      '--protocol',
      MODERN_PROTOCOL,
      '--json',
      '--url',
      stack.endpoint,
      '--token',
      stack.token,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const report = parseJsonStdout<{
      progress: Array<{ progress: number; total: number }>;
      result: { structuredContent: unknown };
      exitCode: number;
    }>(run);
    expect(report.progress.map((p) => [p.progress, p.total])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(report.result.structuredContent).toMatchObject({ stepsCompleted: 2 });
  });

  it("a tool error exits 1 and shows the tool's message", async () => {
    const run = await runCli([
      'call',
      'lookup_region',
      '--args',
      '{"code":"xx-nowhere-9"}',
      '--url',
      stack.endpoint,
      '--token',
      stack.token,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Unknown region code 'xx-nowhere-9'");
  });
});
