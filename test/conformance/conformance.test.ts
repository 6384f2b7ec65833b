/**
 * The official MCP conformance suite (@modelcontextprotocol/conformance) against the embedded
 * stack, through the emulated API Gateway and Lambda authorizer (a loopback proxy adds the token
 * the suite does not send): every scenario 2026-07-28 requires passes; every scenario 2025-11-25
 * requires passes except those conformance/expected-failures.2025-11-25.yml lists with a reason;
 * and the tasks extension's scenarios, which 2026-07-28 runs without scoring, pass too.
 *
 * Needs tools installed outside the repo; without them this test FAILS (never skips) and says
 * to run `bash scripts/install-tools.sh`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  locateTools,
  runConformance,
  type ConformanceReport,
  type InstalledTools,
  type RevisionReport,
} from '../../scripts/conformance.ts';
import { LEGACY_PROTOCOL, MODERN_PROTOCOL } from '../support/mcp-protocol.ts';

const SUITE_BUDGET_MS = 4 * 60_000;

describe('MCP conformance suite through the embedded stack', () => {
  let tools: InstalledTools;
  let report: ConformanceReport;

  beforeAll(async () => {
    tools = await locateTools(); // throws "…: run `bash scripts/install-tools.sh` …" when absent
    report = await runConformance({ tools, log: () => {} });
  }, SUITE_BUDGET_MS);

  const revision = (name: string): RevisionReport => {
    const found = report.revisions.find((item) => item.revision === name);
    if (!found) throw new Error(`revision ${name} did not run`);
    return found;
  };
  const failing = (item: RevisionReport): string[] =>
    item.scored
      .filter((outcome) => !outcome.passed)
      .map(
        (outcome) =>
          `${outcome.scenario}: ${outcome.checks
            .filter((check) => check.status === 'FAILURE')
            .map((check) => check.errorMessage ?? check.id)
            .join('; ')}`,
      );

  it('2026-07-28: every required scenario passes', () => {
    const item = revision(MODERN_PROTOCOL);
    expect(failing(item).join('\n'), `failing scenarios; see ${item.logFile}`).toBe('');
    expect(item.scored.length).toBeGreaterThanOrEqual(37);
    expect(item.exitCode).toBe(0);
  });

  it('2026-07-28: every tasks-* scenario (run, not scored) passes, except the one the suite itself skips', () => {
    const tasks = revision(MODERN_PROTOCOL).unscored.filter((outcome) => outcome.scenario.startsWith('tasks-'));
    const failures = tasks
      .filter((outcome) => !outcome.passed)
      .map((outcome) => `${outcome.scenario}: ${outcome.failedChecks.join(', ')}`);
    expect(failures.join('\n')).toBe('');
    expect(tasks.filter((outcome) => outcome.skipped).map((outcome) => outcome.scenario)).toEqual([
      'tasks-status-notifications',
    ]);
    expect(tasks.filter((outcome) => !outcome.skipped).length).toBeGreaterThanOrEqual(9);
  });

  it('2025-11-25: every required scenario passes except the recorded stateless limits', () => {
    const item = revision(LEGACY_PROTOCOL);
    expect(item.unexpected.join('\n'), `unexpected failures; see ${item.logFile}`).toBe('');
    expect(item.stale.join('\n'), 'baseline entries that now pass must be removed').toBe('');
    const expected = new Set(item.expectedFailures.map((failure) => failure.entry.split(':')[0]));
    expect(item.scored.filter((outcome) => !outcome.passed).every((outcome) => expected.has(outcome.scenario))).toBe(
      true,
    );
    expect(item.scored.length).toBeGreaterThanOrEqual(30);
    expect(item.exitCode).toBe(0);
  });

  it('uses the pinned suite on Node 22', () => {
    expect(tools.versions.conformance).toMatch(/^0\.2\.0-alpha\.\d+$/);
    expect(tools.versions.node22).toMatch(/^22\./);
  });
});
