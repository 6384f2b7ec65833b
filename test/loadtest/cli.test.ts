/**
 * The two command lines through their real entry points, each in its own process (node --import
 * tsx), bounded to seconds and on loopback only:
 * - `npm run report` (loadtest/report/cli.ts) against the embedded stack's CloudWatch Logs
 *   endpoint: its default --log-group is the MCP function's log group as Terraform names it, it
 *   finds the newest summary, prints the table, writes the chart, and exits 1 on errors.
 * - `npm run loadtest` (loadtest/local/cli.ts) exits 1 on a threshold breach, as `k6 run` exits
 *   99, and still writes its summary and runs the report; 0 when the thresholds hold; 2 on a usage
 *   error.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTerraformVariables } from '../../emulator/config/terraform-variables.ts';
import type { RunningStack } from '../../emulator/stack.ts';
import type { LoadSummary } from '../../loadtest/k6/lib/summary.js';
import { runLoad, type RunResult } from '../../loadtest/local/driver.ts';
import { readScenarioFile } from '../../loadtest/local/scenario-file.ts';
import { repoRoot } from '../../shared/lambda-artifacts.ts';
import { startTestStack } from '../support/stack.ts';
import { runCli } from './support/cli.ts';
import { SUITE_SMOKE_LATENCY_MS } from './support/suite-latency.ts';

const REPORT_CLI = 'loadtest/report/cli.ts';
const LOAD_CLI = 'loadtest/local/cli.ts';
const TERRAFORM_DIR = path.join(repoRoot, 'terraform');

/**
 * The MCP function's log group as Terraform names it: aws_cloudwatch_log_group.mcp's name, with
 * the locals it uses and the variables' declared defaults substituted.
 */
async function terraformMcpLogGroup(): Promise<string> {
  const hcl = async (file: string) =>
    (await parse(file, await readFile(path.join(TERRAFORM_DIR, file), 'utf8'))) as Record<string, unknown>;
  const logs = (await hcl('logs.tf')) as {
    resource: { aws_cloudwatch_log_group: Record<string, Array<{ name: string }>> };
  };
  const lambda = (await hcl('lambda.tf')) as {
    locals: Array<{ lambda_functions?: Record<string, { function_name: string }> }>;
  };
  const functions = Object.assign({}, ...lambda.locals.map((block) => block.lambda_functions ?? {})) as Record<
    string,
    { function_name: string }
  >;
  const locals = Object.assign({}, ...((await hcl('main.tf')).locals as Array<Record<string, string>>)) as Record<
    string,
    string
  >;
  const vars = await readTerraformVariables(TERRAFORM_DIR, { env: {} });
  const resolve = (text: string): string =>
    text.replace(/\$\{(local|var)\.([a-z_]+)\}/g, (_m, kind: string, name: string) => {
      const value = kind === 'local' ? locals[name] : vars[name];
      if (typeof value !== 'string') throw new Error(`cannot resolve ${kind}.${name}`);
      return resolve(value);
    });
  // The log group Lambda writes to is /aws/lambda/<function name>: both must name the same function.
  const name = logs.resource.aws_cloudwatch_log_group.mcp![0]!.name;
  expect(name).toBe(`/aws/lambda/${functions.mcp!.function_name}`);
  return resolve(name);
}

describe('npm run report (loadtest/report/cli.ts) against the embedded stack logs endpoint', () => {
  let stack: RunningStack & { token: string };
  let resultsDir: string;
  let run: RunResult;

  beforeAll(async () => {
    stack = await startTestStack();
    resultsDir = await mkdtemp(path.join(tmpdir(), 'report-cli-'));
    // A little traffic for the logs, and a summary for the CLI to find on its own.
    run = await runLoad({
      scenarios: await readScenarioFile(),
      scenario: 'smoke',
      env: { MCP_URL: stack.endpoint, MCP_TOKEN: stack.token, DURATION: '2s', PAUSE: '0', RESULTS_DIR: resultsDir },
      cwd: '/',
    });
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('defaults --log-group to the MCP function log group Terraform creates', async () => {
    const expected = await terraformMcpLogGroup();
    expect(expected).toBe('/aws/lambda/stateless-mcp-mcp-server');
    const help = await runCli(REPORT_CLI, ['--help'], { timeoutMs: 20_000 });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(
      new RegExp(`--log-group <name>[\\s\\S]*?\\(default:\\s+"${expected.replace(/[/.]/g, '\\$&')}"\\)`),
    );
    // The embedded stack names its function from the same Terraform variables.
    expect(stack.mcp.logGroupName).toBe(expected);
  });

  it('reads the window of the newest summary, prints the table, writes the chart and the figures, exits 0', async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'report-cli-out-'));
    // No --log-group: the default must be the log group the stack writes.
    const result = await runCli(
      REPORT_CLI,
      [
        '--endpoint',
        stack.logsEndpoint,
        '--region',
        stack.config.region,
        '--results-dir',
        resultsDir,
        '--out-dir',
        outDir,
      ],
      {
        timeoutMs: 20_000,
      },
    );
    expect(result.stderr).not.toMatch(/report failed/);
    // The AWS SDK's Node version notice (9 lines on Node 20) stays out of the report's output.
    expect(result.stderr).not.toContain('NodeVersionSupportWarning');
    expect(result.code).toBe(0);
    const summaryFile = run.files.find((f) => f.endsWith('.summary.json'))!;
    // Progress on stderr while paging through FilterLogEvents.
    expect(result.stderr).toContain(`reading /aws/lambda/stateless-mcp-mcp-server from ${stack.logsEndpoint}`);
    expect(result.stderr).toContain(`(window of ${path.basename(summaryFile)})`);
    expect(result.stderr).toMatch(/page 1: \d+ events/);
    expect(result.stdout).toContain(
      `Scaling report for /aws/lambda/stateless-mcp-mcp-server (logs from ${stack.logsEndpoint})`,
    );
    const environments = Number(/execution environments \(log streams\)\s+(\d+)/.exec(result.stdout)?.[1]);
    expect(environments).toBe(stack.mcp.stats().coldStarts);
    expect(environments).toBeGreaterThanOrEqual(1);

    const chart = /^chart: (.+\.html)$/m.exec(result.stdout)?.[1];
    const figures = /^figures: (.+\.json)$/m.exec(result.stdout)?.[1];
    expect(chart && path.dirname(chart)).toBe(outDir);
    expect(existsSync(chart!)).toBe(true);
    const html = await readFile(chart!, 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script/i);
    const json = JSON.parse(await readFile(figures!, 'utf8')) as {
      logGroup: string;
      summaryFile: string;
      invocations: number;
      environments: number;
      load: { requests: number };
    };
    // Every request of the run reached the function (no 401/403/429 from the gateway).
    expect(json).toMatchObject({
      logGroup: '/aws/lambda/stateless-mcp-mcp-server',
      summaryFile,
      environments,
      invocations: run.summary.http.requests,
      load: { requests: run.summary.http.requests },
    });
    expect(await readdir(outDir)).toHaveLength(2);
  });

  it('--no-html writes only the figures', async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'report-cli-out-'));
    const result = await runCli(
      REPORT_CLI,
      ['--endpoint', stack.logsEndpoint, '--results-dir', resultsDir, '--out-dir', outDir, '--no-html'],
      { timeoutMs: 20_000 },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/^chart:/m);
    expect((await readdir(outDir)).map((f) => path.extname(f))).toEqual(['.json']);
  });

  it('an empty window exits 1 with a "no data" chart of its own, leaving the earlier chart as it was', async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'report-cli-empty-'));
    const args = [
      '--endpoint',
      stack.logsEndpoint,
      '--out-dir',
      outDir,
      '--since',
      '2026-01-01T00:00:00Z',
      '--until',
      '2026-01-01T00:01:00Z',
    ];
    const first = await runCli(REPORT_CLI, args, { timeoutMs: 20_000 });
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/report failed: no invocation of the function was logged in this window/);
    const chart = /^chart: (.+\.html)$/m.exec(first.stdout)?.[1];
    expect(path.basename(chart!)).toBe('scaling-20260101T000000Z-no-data.html');
    expect(await readFile(chart!, 'utf8')).toContain('No data: no invocation');
    const again = await runCli(REPORT_CLI, args, { timeoutMs: 20_000 });
    expect(again.code).toBe(1);
    expect((await readdir(outDir)).sort()).toEqual([
      'scaling-20260101T000000Z-no-data-2.html',
      'scaling-20260101T000000Z-no-data-2.json',
      'scaling-20260101T000000Z-no-data.html',
      'scaling-20260101T000000Z-no-data.json',
    ]);
  });

  it('exits 1 with a reason on a log group that does not exist, a missing summary, or an empty window', async () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ['--log-group', '/aws/lambda/no-such-function', '--results-dir', resultsDir],
        /report failed: log group \/aws\/lambda\/no-such-function not found/,
      ],
      [['--summary', path.join(resultsDir, 'missing.summary.json')], /report failed: .*ENOENT/],
      [['--since', '2026-01-01T00:00:10Z', '--until', '2026-01-01T00:00:00Z'], /report failed: the window is empty/],
    ];
    const results = await Promise.all(
      cases.map(([args]) =>
        runCli(REPORT_CLI, ['--endpoint', stack.logsEndpoint, '--no-html', '--out-dir', resultsDir, ...args], {
          timeoutMs: 20_000,
        }),
      ),
    );
    results.forEach((result, i) => {
      expect(result.code, cases[i]![0].join(' ')).toBe(1);
      expect(result.stderr).toMatch(cases[i]![1]);
      expect(result.stdout).toBe('');
    });
  });
});

describe('npm run loadtest (loadtest/local/cli.ts) exit codes', () => {
  const summaryOf = async (dir: string): Promise<LoadSummary> => {
    const file = (await readdir(dir)).find((f) => f.endsWith('.summary.json'));
    expect(file).toBeDefined();
    return JSON.parse(await readFile(path.join(dir, file!), 'utf8')) as LoadSummary;
  };

  it('exits 1 on a threshold breach, after writing the summary and running the report', async () => {
    const resultsDir = await mkdtemp(path.join(tmpdir(), 'loadtest-cli-breach-'));
    // p(99) < 1 ms cannot hold through an HTTP gateway and a Lambda runtime: a breach with no failed request.
    const result = await runCli(
      LOAD_CLI,
      [
        'smoke',
        '--embedded',
        '--report',
        '--quiet',
        '--duration',
        '2s',
        '--pause',
        '0',
        '--long-task-step-ms',
        '20',
        '--p99',
        '1',
        '--results-dir',
        resultsDir,
      ],
      { timeoutMs: 50_000 },
    );
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^\s+FAIL http_req_duration p\(99\)<1$/m);
    expect(result.stdout).toContain('result: FAIL (threshold breached)');
    const summary = await summaryOf(resultsDir);
    expect(summary).toMatchObject({ scenario: 'smoke', ok: false, http: { failed: 0 }, checks: { fails: 0 } });
    expect(summary.plan.longTask).toEqual({ steps: 4, stepMs: 20 });
    expect(summary.thresholds.filter((t) => !t.ok).map((t) => t.expression)).toEqual(['p(99)<1']);
    // A failed run is when the report matters most: it still runs.
    expect(result.stdout).toMatch(/execution environments \(log streams\)\s+[1-9]/);
    const chart = /^chart: (.+\.html)$/m.exec(result.stdout)?.[1];
    expect(chart && path.dirname(chart)).toBe(resultsDir);
    expect(existsSync(chart!)).toBe(true);
  }, 60_000);

  it('exits 0 when every threshold holds', async () => {
    const resultsDir = await mkdtemp(path.join(tmpdir(), 'loadtest-cli-pass-'));
    // The suite's latency limits (support/suite-latency.ts says why they are not the scenario's).
    const limit = String(SUITE_SMOKE_LATENCY_MS);
    const result = await runCli(
      LOAD_CLI,
      [
        'smoke',
        '--embedded',
        '--quiet',
        '--duration',
        '2s',
        '--pause',
        '0',
        '--long-task-step-ms',
        '20',
        '--p95',
        limit,
        '--p99',
        limit,
        '--results-dir',
        resultsDir,
      ],
      { timeoutMs: 50_000 },
    );
    expect(result.stdout).toContain('result: PASS');
    expect(result.code).toBe(0);
    expect(await summaryOf(resultsDir)).toMatchObject({ ok: true, http: { failed: 0 } });
  }, 60_000);

  it('checks the server and the token before the run: exit 2 at once, with what to fix', async () => {
    const stack = await startTestStack();
    try {
      const resultsDir = await mkdtemp(path.join(tmpdir(), 'loadtest-cli-preflight-'));
      const common = ['smoke', '--quiet', '--results-dir', resultsDir];
      const [wrongToken, bearer, down] = await Promise.all([
        runCli(LOAD_CLI, [...common, '--url', stack.endpoint], {
          timeoutMs: 20_000,
          env: { MCP_TOKEN: 'not-the-token-at-all' },
        }),
        runCli(LOAD_CLI, [...common, '--url', stack.endpoint], {
          timeoutMs: 20_000,
          env: { MCP_TOKEN: `Bearer ${stack.token}` },
        }),
        runCli(LOAD_CLI, [...common, '--url', 'http://127.0.0.1:9/dev/mcp'], {
          timeoutMs: 20_000,
          env: { MCP_TOKEN: stack.token },
        }),
      ]);
      expect([wrongToken.code, bearer.code, down.code]).toEqual([2, 2, 2]);
      expect(wrongToken.stderr).toContain('HTTP 401');
      expect(wrongToken.stderr).toContain('the token was rejected');
      expect(bearer.stderr).toContain('the token starts with "Bearer "');
      expect(down.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9\/dev\/mcp .*is the stack running\?/);
      // Nothing ran: no summary was written.
      expect(await readdir(resultsDir)).toEqual([]);
    } finally {
      await stack.stop();
    }
  }, 60_000);

  it('labels a run against another URL "external", not "embedded"', async () => {
    const stack = await startTestStack();
    try {
      const resultsDir = await mkdtemp(path.join(tmpdir(), 'loadtest-cli-external-'));
      const limit = String(SUITE_SMOKE_LATENCY_MS);
      const result = await runCli(
        LOAD_CLI,
        [
          'smoke',
          '--url',
          stack.endpoint,
          '--quiet',
          '--duration',
          '1s',
          '--pause',
          '0',
          '--long-task-steps',
          '0',
          '--p95',
          limit,
          '--p99',
          limit,
          '--results-dir',
          resultsDir,
        ],
        { timeoutMs: 40_000, env: { MCP_TOKEN: stack.token } },
      );
      expect(result.stdout).toContain(`against ${stack.endpoint} (external)`);
      expect(await summaryOf(resultsDir)).toMatchObject({ target: 'external' });
    } finally {
      await stack.stop();
    }
  }, 60_000);

  it('exits 2 on an unknown option, as documented', async () => {
    const result = await runCli(LOAD_CLI, ['smoke', '--no-such-option'], { timeoutMs: 20_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--no-such-option'");
  });

  it('exits 2 on a usage error, without sending anything', async () => {
    const result = await runCli(
      LOAD_CLI,
      ['no-such-scenario', '--url', 'http://127.0.0.1:9/dev/mcp', '--quiet', '--results-dir', tmpdir()],
      { timeoutMs: 20_000 },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown scenario "no-such-scenario"');
  });
});
