/**
 * The scaling report end to end: pick the window, read the logs, aggregate, print, write the
 * HTML chart and a JSON copy of the figures. The CLI and the tests call runReport.
 */
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { fileStamp, type LoadSummary } from '../k6/lib/summary.js';
import { aggregate, type ScalingReport } from './aggregate.ts';
import { renderReportHtml, type LoadRunContext, type ReportContext } from './chart.ts';
import { createLogsClient, readLogEvents } from './cloudwatch.ts';
import { appendToBody, formatCostTable, renderCostHtml } from './cost-render.ts';
import { computeRunCost, isArchitecture, logEventBytes, type Architecture, type RunCost } from './cost.ts';
import { PLATFORM_FILTER_PATTERN } from './platform-lines.ts';
import { formatReportTable } from './table.ts';
import { DEFAULT_RESULTS_DIR, findLatestSummary, parseTime, readSummary, windowOfSummary } from './window.ts';

export const DEFAULT_LOG_GROUP = '/aws/lambda/stateless-mcp-mcp-server';

export interface ReportOptions {
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
  readonly logGroup?: string | undefined;
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  /** A summary JSON file; default: the newest in resultsDir. */
  readonly summaryFile?: string | undefined;
  /** An in-memory summary (the Node driver's), instead of a file. */
  readonly summary?: LoadSummary | undefined;
  readonly resultsDir?: string | undefined;
  readonly outDir?: string | undefined;
  /** '' sends none; default PLATFORM_FILTER_PATTERN. Results are filtered client-side anyway. */
  readonly filterPattern?: string | undefined;
  readonly marginSeconds?: number | undefined;
  /** Wait until the window's end is this old before reading (CloudWatch ingestion delay). */
  readonly settleSeconds?: number | undefined;
  readonly html?: boolean | undefined;
  readonly progress?: ((line: string) => void) | undefined;
  readonly client?: Pick<CloudWatchLogsClient, 'send'> | undefined;
  /**
   * The function's architecture, for the cost; default: `lambda_architecture` of terraform/. A
   * promise is awaited after the logs are read, as `concurrencyLimit` is.
   */
  readonly architecture?: Architecture | Promise<Architecture> | undefined;
  /**
   * The function's concurrency limit, drawn on the chart; undefined or < 0: none (unreserved). A
   * promise is awaited after the logs are read, so a slow lookup overlaps the reading.
   */
  readonly concurrencyLimit?: number | Promise<number | undefined> | undefined;
}

export interface ReportResult {
  readonly report: ScalingReport;
  readonly context: ReportContext;
  readonly table: string;
  readonly htmlPath: string | undefined;
  readonly jsonPath: string;
  readonly summaryFile: string | undefined;
  readonly cost: RunCost;
  /** No invocation in the window: the CLI exits 1. */
  readonly empty: boolean;
}

const TERRAFORM_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../terraform');

/** The architecture Terraform deploys (terraform/variables.tf, tfvars, TF_VAR_lambda_architecture). */
export async function terraformArchitecture(dir = TERRAFORM_DIR): Promise<Architecture> {
  const { readTerraformVariables } = await import('../../emulator/config/terraform-variables.ts');
  const value = (await readTerraformVariables(dir, { declarationFiles: ['variables.tf'] })).lambda_architecture;
  if (!isArchitecture(value))
    throw new Error(`lambda_architecture in ${dir} is ${JSON.stringify(value)}, not x86_64 or arm64`);
  return value;
}

function loadContext(summary: LoadSummary, file: string | undefined): LoadRunContext {
  return {
    ...(file ? { file } : {}),
    tool: summary.tool,
    scenario: summary.scenario,
    era: summary.era,
    requests: summary.http.requests,
    failed: summary.http.failed,
    rate: summary.http.rate,
    p95: summary.latencyMs.overall?.p95 ?? null,
    p99: summary.latencyMs.overall?.p99 ?? null,
    checksRate: summary.checks.rate,
    ok: summary.ok,
    throttledByStage: summary.http.byStatus['429'] ?? 0,
    throttledByLambda: summary.http.byStatus['500'] ?? 0,
  };
}

/**
 * Writes `<base><suffix>.json` and `.html` without ever replacing a file: a second report of the
 * same window gets `-2`, `-3`, … (the previous chart stays as it was).
 */
async function writeNew(
  base: string,
  contents: { json: string; html?: string | undefined },
): Promise<{ jsonPath: string; htmlPath?: string }> {
  for (let n = 1; n < 1000; n += 1) {
    const stem = n === 1 ? base : `${base}-${n}`;
    const jsonPath = `${stem}.json`;
    const htmlPath = contents.html === undefined ? undefined : `${stem}.html`;
    const handles = [];
    try {
      handles.push(await open(jsonPath, 'wx'));
      if (htmlPath) handles.push(await open(htmlPath, 'wx'));
    } catch (error) {
      await Promise.all(handles.map((h) => h.close()));
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Release the name taken before the collision (only one of the pair was free).
      if (handles.length === 1) await import('node:fs/promises').then((fs) => fs.rm(jsonPath));
      continue;
    }
    await handles[0]!.writeFile(contents.json);
    if (handles[1] && contents.html !== undefined) await handles[1].writeFile(contents.html);
    await Promise.all(handles.map((h) => h.close()));
    return htmlPath ? { jsonPath, htmlPath } : { jsonPath };
  }
  throw new Error(`too many reports named ${base}-*`);
}

export async function runReport(options: ReportOptions): Promise<ReportResult> {
  const progress = options.progress ?? (() => undefined);
  const margin = options.marginSeconds ?? 2;
  let summary = options.summary;
  let summaryFile = options.summaryFile;
  if (!summary && summaryFile) summary = await readSummary(summaryFile);
  if (!summary && !(options.since || options.until)) {
    const latest = await findLatestSummary(options.resultsDir ?? DEFAULT_RESULTS_DIR);
    if (!latest)
      throw new Error(
        `no load-test summary in ${options.resultsDir ?? DEFAULT_RESULTS_DIR}: run a load test first or pass --since/--until`,
      );
    summary = latest.summary;
    summaryFile = latest.file;
  }
  const now = Date.now();
  const fromSummary = summary ? windowOfSummary(summary, margin) : undefined;
  const startMs = options.since ? parseTime(options.since, now) : (fromSummary?.startMs ?? now - 15 * 60_000);
  const endMs = options.until ? parseTime(options.until, now) : (fromSummary?.endMs ?? now);
  if (!(endMs > startMs)) throw new Error('the window is empty: --until must be after --since');

  const settle = options.settleSeconds ?? 0;
  const wait = endMs + settle * 1000 - Date.now();
  if (settle > 0 && wait > 0) {
    progress(`waiting ${Math.ceil(wait / 1000)} s for log ingestion (--settle ${settle})`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }

  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const logGroup = options.logGroup ?? DEFAULT_LOG_GROUP;
  const source = options.endpoint ?? `AWS (${region})`;
  progress(
    `reading ${logGroup} from ${source}, ${new Date(startMs).toISOString()} -> ${new Date(endMs).toISOString()}` +
      (summaryFile
        ? ` (window of ${path.basename(summaryFile)})`
        : summary
          ? ` (window of the ${summary.scenario} run)`
          : ''),
  );
  const client = options.client ?? createLogsClient({ endpoint: options.endpoint, region });
  let records;
  try {
    records = await readLogEvents(client, {
      logGroupName: logGroup,
      startTime: startMs,
      endTime: endMs,
      filterPattern: options.filterPattern ?? PLATFORM_FILTER_PATTERN,
      progress,
    });
  } finally {
    if (!options.client) (client as CloudWatchLogsClient).destroy();
  }

  const report = aggregate(records, { startMs, endMs });
  const concurrencyLimit = await options.concurrencyLimit;
  const context: ReportContext = {
    logGroup,
    source,
    generatedAt: new Date(),
    load: summary ? loadContext(summary, summaryFile) : undefined,
    concurrencyLimit,
  };
  const filterPattern = options.filterPattern ?? PLATFORM_FILTER_PATTERN;
  const cost = computeRunCost({
    architecture: await (options.architecture ?? terraformArchitecture()),
    invocations: report.invocations,
    billedGbSeconds: report.billedGbSeconds,
    apiRequests: summary ? summary.http.requests : report.invocations,
    apiRequestsSource: summary ? 'load summary' : 'REPORT lines',
    logBytes: logEventBytes(records),
    logBytesScope:
      filterPattern === ''
        ? `every event of ${logGroup} in the window`
        : "platform lines only (START/END/REPORT); pass --filter-pattern '' to count the function's own log lines too",
  });
  // AWS itself when no endpoint is given; the embedded stack and LocalStack answer on an endpoint.
  const onAws = options.endpoint === undefined;
  const outDir = options.outDir ?? options.resultsDir ?? DEFAULT_RESULTS_DIR;
  await mkdir(outDir, { recursive: true });
  const empty = report.invocations === 0;
  // Named by the window; an empty window's files say so, and no report ever replaces another.
  const base = path.join(outDir, `scaling-${fileStamp(new Date(startMs))}${empty ? '-no-data' : ''}`);
  const json = `${JSON.stringify({ logGroup, source, summaryFile: summaryFile ?? null, load: context.load ?? null, concurrencyLimit: concurrencyLimit ?? null, ...report, cost }, null, 2)}\n`;
  const { jsonPath, htmlPath } = await writeNew(base, {
    json,
    html:
      options.html === false ? undefined : appendToBody(renderReportHtml(report, context), renderCostHtml(cost, onAws)),
  });
  if (empty) {
    progress(
      options.endpoint
        ? 'no invocations found in the window: is this the right stack, log group and window?'
        : 'no invocations found: CloudWatch Logs can lag by seconds to minutes; retry, or pass --settle 30',
    );
  }
  const table = `${formatReportTable(report, context)}\n${formatCostTable(cost, onAws)}`;
  return { report, context, table, htmlPath, jsonPath, summaryFile, cost, empty };
}
