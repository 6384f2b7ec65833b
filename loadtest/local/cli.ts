/**
 * The Node load driver's command line: runs a scenario of loadtest/scenarios.json, prints progress
 * once a second (stderr) and the summary table (stdout), writes the summary files, and exits 1
 * when a threshold is breached, as `k6 run` does (exit code 99 there); 2 on a usage or setup
 * error (unknown option or scenario, server unreachable, token refused), before any load is sent.
 *
 *   MCP_TOKEN=… npm run loadtest -- smoke --url http://127.0.0.1:3000/dev/mcp
 *   npm run loadtest -- load --embedded --rate 40 --duration 20s --report
 */
import path from 'node:path';
import { Command, InvalidArgumentError, type CommanderError } from 'commander';
import { resolvePlan } from '../k6/lib/config.js';
import { runLoad, type Progress } from './driver.ts';
import { PreflightError, preflight } from './preflight.ts';
import { LOADTEST_DIR, readScenarioFile } from './scenario-file.ts';
import { runSubcommand } from './subcommands.ts';

function formatProgress(p: Progress): string {
  const target =
    p.targetRequestRate === undefined ? '' : `target ${p.targetRequestRate.toFixed(1).padStart(5)} req/s | `;
  const p95 = p.p95LastSecondMs === undefined ? '   -' : p.p95LastSecondMs.toFixed(1);
  return (
    `[${p.elapsedSeconds.toFixed(0).padStart(4)}s] ${target}sent ${String(p.requestsLastSecond).padStart(4)}/s | ` +
    `total ${String(p.requests).padStart(6)} | p95 ${p95.padStart(6)} ms | in flight ${String(p.inFlight).padStart(3)} | ` +
    `failed ${p.failed} | check fails ${p.checkFails} | dropped ${p.dropped}`
  );
}

const positive =
  (name: string) =>
  (value: string): string => {
    if (!(Number(value) > 0)) throw new InvalidArgumentError(`${name} must be a positive number`);
    return value;
  };

async function main(): Promise<number> {
  const subcommand = await runSubcommand(process.argv.slice(2));
  if (subcommand !== undefined) return subcommand;
  const scenarios = await readScenarioFile();
  const program = new Command()
    .name('npm run loadtest --')
    // Commander's parse errors (unknown option, missing scenario) are usage errors: exit 2, as documented.
    .exitOverride((error: CommanderError) => {
      process.exit(error.code === 'commander.helpDisplayed' || error.code === 'commander.help' ? 0 : 2);
    })
    .description(
      'Runs a load scenario of loadtest/scenarios.json with Node (the same requests, checks, thresholds and summary as the k6 scripts in loadtest/k6).',
    )
    .argument('<scenario>', `one of ${Object.keys(scenarios.scenarios).join(', ')}`)
    .option('--url <url>', 'MCP endpoint (env MCP_URL)')
    .option('--token <token>', 'bearer token (env MCP_TOKEN)')
    .option('--rate <rps>', 'target HTTP requests per second for arrival-rate scenarios (env RATE)', positive('--rate'))
    .option('--duration <duration>', 'e.g. 20s, 2m (env DURATION)')
    .option('--era <era>', 'mixed | 2026-07-28 | 2025-11-25 (env ERA)')
    .option('--vus <n>', 'virtual users for constant-vus scenarios (env VUS)', positive('--vus'))
    .option(
      '--max-vus <n>',
      'cap on iterations in flight for arrival-rate scenarios (env MAX_VUS)',
      positive('--max-vus'),
    )
    .option('--pause <seconds>', 'pause after each iteration for constant-vus scenarios (env PAUSE)')
    .option('--text-bytes <n>', 'size of the text_stats input (env TEXT_BYTES)', positive('--text-bytes'))
    .option(
      '--long-task-steps <n>',
      'steps of the long_task call of each iteration, 0 to leave it out (env LONG_TASK_STEPS)',
    )
    .option('--long-task-step-ms <ms>', 'milliseconds per long_task step (env LONG_TASK_STEP_MS)')
    .option(
      '--calls <json>',
      "the tools/call requests of each iteration, JSON (env CALLS; default: the scenario's, else the demo's mix)",
    )
    .option('--target <name>', 'embedded | localstack | aws: picks per-target overrides (env MCP_TARGET)')
    .option('--p95 <ms>', 'p(95) latency threshold (env P95_MS)', positive('--p95'))
    .option('--p99 <ms>', 'p(99) latency threshold (env P99_MS)', positive('--p99'))
    .option('--results-dir <dir>', 'where summaries go (env RESULTS_DIR)')
    .option('--embedded', 'start a fresh embedded stack for this run (in this process) and point the run at it')
    .option(
      '--server <file>',
      'with --embedded: the MCP server module to build and serve (default: $MCP_SERVER, else the demo)',
    )
    .option('--report', 'with --embedded: run the scaling report against the stack afterwards')
    .option('--quiet', 'no per-second progress')
    .option('--no-preflight', 'skip the reachability and token check before the run')
    .parse();

  const [scenario] = program.args as [string];
  const opts = program.opts<Record<string, string | boolean | undefined>>();
  const env: Record<string, string | undefined> = { ...process.env };
  const flagToEnv: Record<string, string> = {
    url: 'MCP_URL',
    token: 'MCP_TOKEN',
    rate: 'RATE',
    duration: 'DURATION',
    era: 'ERA',
    vus: 'VUS',
    maxVus: 'MAX_VUS',
    pause: 'PAUSE',
    textBytes: 'TEXT_BYTES',
    longTaskSteps: 'LONG_TASK_STEPS',
    longTaskStepMs: 'LONG_TASK_STEP_MS',
    calls: 'CALLS',
    target: 'MCP_TARGET',
    p95: 'P95_MS',
    p99: 'P99_MS',
    resultsDir: 'RESULTS_DIR',
  };
  for (const [flag, key] of Object.entries(flagToEnv))
    if (typeof opts[flag] === 'string') env[key] = opts[flag] as string;
  // A run against a URL other than the embedded stack's default is not labelled "embedded".
  if (!opts.embedded && !env.MCP_TARGET && env.MCP_URL && env.MCP_URL !== scenarios.defaults?.url)
    env.MCP_TARGET = 'external';

  // Usage errors (unknown scenario, bad values) come first: exit 2 before anything is contacted.
  resolvePlan(scenarios, scenario, env);

  let stack:
    | { endpoint: string; logsEndpoint: string; config: { mcp: { concurrencyLimit: number } }; stop(): Promise<void> }
    | undefined;
  if (opts.embedded) {
    const { buildIfStale } = await import('../../shared/build-if-stale.ts');
    const { startStack } = await import('../../emulator/stack.ts');
    const { resolveBuildTarget } = await import('../../shared/build-target.ts');
    const target = resolveBuildTarget({ server: typeof opts.server === 'string' ? opts.server : undefined });
    await buildIfStale((line) => console.error(line), target);
    const token = env.MCP_TOKEN ?? `loadtest-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
    const started = await startStack({ port: 0, fallbackTokens: [token], distDir: target.distDir });
    stack = started;
    env.MCP_URL = started.endpoint;
    env.MCP_TOKEN = started.tokens[0] ?? token;
    env.MCP_TARGET ??= 'embedded';
    console.error(`embedded stack at ${started.endpoint}`);
  }

  if (opts.preflight !== false) {
    try {
      await preflight(env.MCP_URL ?? scenarios.defaults?.url ?? '', env.MCP_TOKEN);
    } catch (error) {
      await stack?.stop();
      if (error instanceof PreflightError) {
        console.error(`error: ${error.message}`);
        return 2;
      }
      throw error;
    }
  }

  const controller = new AbortController();
  process.once('SIGINT', () => {
    console.error('interrupted: summarising what ran so far');
    controller.abort();
  });
  try {
    const result = await runLoad({
      scenarios,
      scenario,
      env,
      signal: controller.signal,
      // loadtest/results of this repository, wherever we run from, unless RESULTS_DIR says otherwise.
      cwd: env.RESULTS_DIR ? process.cwd() : path.dirname(LOADTEST_DIR),
      ...(opts.quiet ? {} : { onProgress: (p: Progress) => console.error(formatProgress(p)) }),
      onCheckFailure: (check, reason) => console.error(`check failed: ${check}: ${reason}`),
    });
    process.stdout.write(result.text);
    if (stack && opts.report) {
      const { runReport } = await import('../report/run.ts');
      const report = await runReport({
        endpoint: stack.logsEndpoint,
        summary: result.summary,
        concurrencyLimit: stack.config.mcp.concurrencyLimit,
        ...(result.files[0] ? { outDir: path.dirname(result.files[0]) } : {}),
        progress: (line) => console.error(line),
      });
      process.stdout.write(`\n${report.table}\nchart: ${report.htmlPath}\n`);
    }
    return result.summary.ok ? 0 : 1;
  } finally {
    await stack?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  },
);
