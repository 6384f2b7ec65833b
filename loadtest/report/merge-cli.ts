/**
 * `npm run loadtest -- merge <file>…`: one verdict from the runners of a distributed run. Inputs
 * are summary JSON files or `kubectl logs` output of the k6-operator runners. Writes the merged
 * summary next to the others (the scaling report then finds it as the newest), prints it, and
 * exits 0 when the merged thresholds hold, 1 when not.
 *
 *   kubectl logs -l k6_cr=mcp-load,runner=true --tail=-1 > runners.log
 *   npm run loadtest -- merge runners.log --report --region us-east-1
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { fileStamp, textSummary, type LoadSummary } from '../k6/lib/summary.js';
import { mergeSummaries, summariesFromText, type MergedSummary } from './merge.ts';
import { DEFAULT_LOG_GROUP } from './run.ts';
import { DEFAULT_RESULTS_DIR } from './window.ts';

export function formatMergeNotes(merged: MergedSummary): string {
  const lines = [`  merged      ${merged.merged.runners} runners; ${merged.merged.percentiles}`];
  for (const r of merged.merged.perRunner)
    lines.push(`    ${r.ok ? 'ok  ' : 'FAIL'} ${r.source}: ${r.requests} requests (${r.rate}/s)`);
  for (const t of merged.thresholds)
    lines.push(`    threshold ${t.metric} ${t.expression}: ${t.ok ? 'ok' : 'FAIL'} (${t.basis})`);
  return `${lines.join('\n')}\n`;
}

export async function mergeMain(argv: readonly string[]): Promise<number> {
  const program = new Command()
    .name('npm run loadtest -- merge')
    .description("Merges the summaries of a distributed run's runners into one summary and verdict.")
    .argument('<inputs...>', 'summary JSON files or kubectl logs of the runners')
    .option('--results-dir <dir>', 'where the merged summary goes', DEFAULT_RESULTS_DIR)
    .option('--report', "then run the scaling report over the merged run's window")
    .option('--endpoint <url>', 'with --report: CloudWatch Logs endpoint (omit for AWS)')
    .option('--region <region>', 'with --report: AWS region')
    .option('--log-group <name>', 'with --report: the MCP function log group', DEFAULT_LOG_GROUP)
    .exitOverride()
    .parse(argv, { from: 'user' });
  const o = program.opts<{
    resultsDir: string;
    report?: boolean;
    endpoint?: string;
    region?: string;
    logGroup: string;
  }>();
  const found: Array<{ summary: LoadSummary; source: string }> = [];
  for (const file of program.args) found.push(...summariesFromText(await readFile(file, 'utf8'), path.basename(file)));
  if (found.length === 0) throw new Error('no runner summary found in the inputs');
  const merged = mergeSummaries(
    found.map((f) => f.summary),
    found.map((f) => f.source),
  );
  await mkdir(o.resultsDir, { recursive: true });
  const base = path.join(
    o.resultsDir,
    `${merged.tool}-${merged.scenario}-${fileStamp(new Date(merged.start))}-merged${merged.merged.runners}`,
  );
  // textSummary reads thresholds' metric/expression/ok/noData, which MergedThreshold has.
  const text = `${textSummary(merged as unknown as LoadSummary)}${formatMergeNotes(merged)}`;
  await writeFile(`${base}.summary.json`, `${JSON.stringify(merged, null, 2)}\n`);
  await writeFile(`${base}.summary.txt`, text);
  process.stdout.write(`${text}\nsummary: ${base}.summary.json\n`);
  if (o.report) {
    const { runReport } = await import('./run.ts');
    const report = await runReport({
      summary: merged as unknown as LoadSummary,
      summaryFile: `${base}.summary.json`,
      endpoint: o.endpoint,
      region: o.region,
      logGroup: o.logGroup,
      outDir: o.resultsDir,
      progress: (line) => console.error(line),
    });
    process.stdout.write(`\n${report.table}\nchart: ${report.htmlPath}\n`);
  }
  return merged.ok ? 0 : 1;
}
