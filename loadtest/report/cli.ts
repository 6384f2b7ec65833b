/**
 * `npm run report -- [options]`: how the MCP function scaled during the last load run (or a
 * window you name), from its CloudWatch log group on AWS, LocalStack or the embedded stack.
 */
import { Command, InvalidArgumentError } from 'commander';
import path from 'node:path';
import { isArchitecture, type Architecture } from './cost.ts';
import { DEFAULT_LOG_GROUP, runReport } from './run.ts';
import { DEFAULT_RESULTS_DIR } from './window.ts';

const nonNegative = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number >= 0');
  return n;
};

const wholeNumber = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < -1) throw new InvalidArgumentError('must be a whole number >= -1');
  return n;
};

const program = new Command()
  .name('npm run report --')
  .description(
    "Reads the MCP function's log group with @aws-sdk/client-cloudwatch-logs and reports how it scaled: execution environments, cold starts, Init Duration, invocation durations, environments busy at once, requests per environment. Prints a table; writes an HTML chart and a JSON copy.",
  )
  .option(
    '--endpoint <url>',
    'CloudWatch Logs endpoint: the embedded stack origin (http://127.0.0.1:3000) or LocalStack (http://localhost:4566); omit for AWS',
  )
  .option('--region <region>', 'AWS region (default AWS_REGION, else us-east-1)')
  .option('--log-group <name>', 'log group of the MCP function', DEFAULT_LOG_GROUP)
  .option('--summary <file>', 'load-test summary JSON whose window to read (default: the newest in --results-dir)')
  .option('--since <time>', 'window start: ISO 8601, epoch ms, or a duration ago (15m)')
  .option('--until <time>', 'window end: ISO 8601, epoch ms, now, or a duration ago')
  .option('--results-dir <dir>', 'where load-test summaries are', DEFAULT_RESULTS_DIR)
  .option('--out-dir <dir>', 'where the HTML and JSON go (default: --results-dir)')
  .option('--margin <seconds>', "widen a summary's window by this much on both sides", nonNegative, 2)
  .option(
    '--settle <seconds>',
    'wait until the window ended this long ago before reading (CloudWatch ingestion lag)',
    nonNegative,
    0,
  )
  .option(
    '--filter-pattern <pattern>',
    "FilterLogEvents pattern ('' for none); results are filtered client-side regardless",
  )
  .option(
    '--architecture <arch>',
    'x86_64 | arm64, for the cost (default: lambda_architecture of terraform/)',
    (v: string) => {
      if (!isArchitecture(v)) throw new InvalidArgumentError('must be x86_64 or arm64');
      return v;
    },
  )
  .option(
    '--concurrency-limit <n>',
    "the function's concurrency limit, drawn on the chart (default: mcp_reserved_concurrency from terraform/; -1 = none)",
    wholeNumber,
  )
  .option('--no-html', 'skip the HTML chart')
  .parse();

const opts = program.opts<{
  endpoint?: string;
  region?: string;
  logGroup: string;
  summary?: string;
  since?: string;
  until?: string;
  resultsDir: string;
  outDir?: string;
  margin: number;
  settle: number;
  filterPattern?: string;
  html: boolean;
  architecture?: Architecture;
  concurrencyLimit?: number;
}>();

/**
 * terraform/variables.tf resolved as `terraform plan` would (tfvars, TF_VAR_*), read once, and only
 * when an option leaves something to take from it: the chart's concurrency limit and the cost's
 * architecture. Started now, so that parsing overlaps the reading of the logs.
 */
const terraformVariables =
  opts.concurrencyLimit !== undefined && opts.architecture !== undefined
    ? undefined
    : (async () => {
        const { readTerraformVariables } = await import('../../emulator/config/terraform-variables.ts');
        const { repoRoot } = await import('../../shared/lambda-artifacts.ts');
        return readTerraformVariables(path.join(repoRoot, 'terraform'), { declarationFiles: ['variables.tf'] });
      })();
/** mcp_reserved_concurrency; none if unreadable (the chart then draws no limit). */
const concurrencyLimit = terraformVariables?.then(
  (vars) => (typeof vars.mcp_reserved_concurrency === 'number' ? vars.mcp_reserved_concurrency : undefined),
  () => undefined,
);
/** lambda_architecture; an unreadable or unknown one fails the report, as the cost cannot be priced. */
const architecture = terraformVariables?.then((vars) => {
  if (!isArchitecture(vars.lambda_architecture))
    throw new Error(
      `lambda_architecture in terraform/ is ${JSON.stringify(vars.lambda_architecture)}, not x86_64 or arm64`,
    );
  return vars.lambda_architecture;
});
// Awaited by the report only after the logs are read: never an unhandled rejection meanwhile.
architecture?.catch(() => undefined);

try {
  const result = await runReport({
    endpoint: opts.endpoint,
    region: opts.region,
    logGroup: opts.logGroup,
    summaryFile: opts.summary,
    since: opts.since,
    until: opts.until,
    resultsDir: opts.resultsDir,
    outDir: opts.outDir,
    marginSeconds: opts.margin,
    settleSeconds: opts.settle,
    filterPattern: opts.filterPattern,
    html: opts.html,
    architecture: opts.architecture ?? architecture,
    concurrencyLimit: opts.concurrencyLimit ?? concurrencyLimit,
    progress: (line) => console.error(line),
  });
  process.stdout.write(result.table);
  if (result.htmlPath) process.stdout.write(`\nchart: ${result.htmlPath}\n`);
  process.stdout.write(`figures: ${result.jsonPath}\n`);
  if (result.empty) {
    console.error(
      'report failed: no invocation of the function was logged in this window (nothing to chart; no earlier report was replaced). ' +
        'Check --endpoint, --log-group and the window (--since/--until, or run a load test first).',
    );
    process.exitCode = 1;
  }
} catch (error) {
  console.error(`report failed: ${error instanceof Error ? error.message : String(error)}`);
  // At once: the concurrency limit may still be being read from terraform/, and is not needed now.
  process.exit(1);
}
