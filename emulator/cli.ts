#!/usr/bin/env node
/**
 * `npm start`: builds the Lambda bundles if needed and runs the embedded stack on loopback.
 */
import { Command, InvalidArgumentError } from 'commander';
import path from 'node:path';
import { buildIfStale } from '../shared/build-if-stale.ts';
import { resolveBuildTarget } from '../shared/build-target.ts';
import { repoRoot } from '../shared/lambda-artifacts.ts';
import { readTerraformVariables, type TerraformValue } from './config/terraform-variables.ts';
import { localDevToken } from './dev-token.ts';
import type { AccessLogEntry } from './gateway/rest-api.ts';
import { formatByteSize, parseByteSize } from './logs/byte-size.ts';
import { DEFAULT_MAX_BYTES_PER_GROUP, DEFAULT_MAX_TOTAL_BYTES } from './logs/log-store.ts';
import { DEFAULT_IDLE_TIMEOUT_MS, startStack, type RunningStack } from './stack.ts';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

function positiveSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number of seconds');
  return n;
}

function byteSize(value: string): number {
  const bytes = parseByteSize(value);
  if (bytes === undefined) throw new InvalidArgumentError('must be a size such as 64MiB, 500MB or 1048576');
  return bytes;
}

/** `-var name=value`: the value is parsed as JSON when it can be (numbers, lists), else kept as a string. */
function collectVar(value: string, previous: Record<string, TerraformValue>): Record<string, TerraformValue> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('must look like name=value');
  const raw = value.slice(eq + 1);
  let parsed: TerraformValue;
  try {
    parsed = JSON.parse(raw) as TerraformValue;
  } catch {
    parsed = raw;
  }
  return { ...previous, [value.slice(0, eq)]: parsed };
}

/** The endpoint `npm run inspect` and the docs assume. */
const DEFAULT_ENDPOINT = 'http://127.0.0.1:3000/dev/mcp';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const program = new Command()
  .name('npm start --')
  .description(
    'Runs the MCP Lambda and its authorizer behind an emulated API Gateway REST API on 127.0.0.1, without Docker.\n' +
      'Settings (memory, timeout, concurrency, stage, authorizer, tokens) come from terraform/variables.tf and tfvars files.',
  )
  .option('-p, --port <port>', 'port to listen on (0 = any free port)', port, Number(process.env.PORT ?? 3000))
  .option('--host <address>', 'address to listen on (0.0.0.0 inside a container)', '127.0.0.1')
  .option('--var-file <file>', 'Terraform variable file, as terraform -var-file (repeatable)', collect, [])
  .option('--var <name=value>', 'Terraform variable, as terraform -var (repeatable)', collectVar, {})
  .option(
    '--idle-timeout <seconds>',
    'reclaim execution environments idle this long',
    positiveSeconds,
    DEFAULT_IDLE_TIMEOUT_MS / 1000,
  )
  .option(
    '--log-dir <dir>',
    'also write each log stream to a file under this directory',
    path.join(repoRoot, '.local', 'logs'),
  )
  .option('--no-log-dir', 'keep logs in memory only')
  .option(
    '--log-retention <size>',
    `log events kept in memory per log group, oldest dropped first (default ${formatByteSize(DEFAULT_MAX_BYTES_PER_GROUP)})`,
    byteSize,
  )
  .option(
    '--log-retention-total <size>',
    `log events kept in memory over all log groups (default ${formatByteSize(DEFAULT_MAX_TOTAL_BYTES)})`,
    byteSize,
  )
  .option('--quiet', 'do not print one line per request')
  .option('--server <file>', 'MCP server module to build and serve (default: $MCP_SERVER, else the demo)')
  .option('--out <dir>', 'build directory for the bundles (default: dist/, what Terraform deploys)')
  .option(
    '--drain-timeout <seconds>',
    'on Ctrl+C or SIGTERM, wait this long for requests in flight',
    positiveSeconds,
    10,
  )
  .addHelpText(
    'after',
    '\nEnvironment: PORT (default port), TF_VAR_<name> (Terraform variables), MCP_SERVER (server module).\n' +
      'The CloudWatch Logs API (DescribeLogStreams, FilterLogEvents, GetLogEvents) is served on the same port.\n' +
      'Stop with Ctrl+C.',
  );

function accessLine(entry: AccessLogEntry, stack: RunningStack): string {
  const stats = stack.mcp.stats();
  const integration =
    entry.integrationLatencyMs === undefined ? '' : ` integration=${entry.integrationLatencyMs.toFixed(1)}ms`;
  const type = entry.responseType ? ` ${entry.responseType}` : '';
  const status = entry.clientDisconnected ? '- client-disconnected' : String(entry.status);
  return `${new Date().toISOString()} ${entry.method} ${entry.path} ${status}${type} ${entry.latencyMs.toFixed(1)}ms${integration} environments=${stats.environments} coldStarts=${stats.coldStarts}`;
}

async function main(): Promise<void> {
  const opts = program.parse().opts<{
    port: number;
    host: string;
    varFile: string[];
    var: Record<string, TerraformValue>;
    idleTimeout: number;
    logDir: string | false;
    logRetention?: number;
    logRetentionTotal?: number;
    quiet?: boolean;
    server?: string;
    out?: string;
    drainTimeout: number;
  }>();
  // Invalid Terraform variables fail before the build, with every problem listed.
  await readTerraformVariables(path.join(repoRoot, 'terraform'), { varFiles: opts.varFile, overrides: opts.var });
  const target = resolveBuildTarget({ server: opts.server, out: opts.out });
  await buildIfStale(console.log, target);
  const devTokenFile = path.join(repoRoot, '.local', 'dev-token');
  const fallbackToken = await localDevToken(devTokenFile);
  let stack: RunningStack | undefined;
  stack = await startStack({
    port: opts.port,
    host: opts.host,
    distDir: target.distDir,
    varFiles: opts.varFile,
    overrides: opts.var,
    fallbackTokens: [fallbackToken],
    idleTimeoutMs: opts.idleTimeout * 1000,
    ...(opts.logDir ? { logDir: opts.logDir } : {}),
    ...(opts.logRetention ? { maxLogBytesPerGroup: opts.logRetention } : {}),
    ...(opts.logRetentionTotal ? { maxLogBytesTotal: opts.logRetentionTotal } : {}),
    ...(opts.quiet ? {} : { onAccess: (entry: AccessLogEntry) => stack && console.log(accessLine(entry, stack)) }),
  });
  const { config } = stack;
  const jwt = config.authorizerFunction.environment.AUTH_MODE === 'jwt';
  // The generated token lives in a git-ignored file; tokens from static_tokens are never printed
  // (Terraform marks the variable sensitive).
  const generated = !jwt && stack.tokens.length === 1 && stack.tokens[0] === fallbackToken;
  const devTokenPath = path.relative(process.cwd(), devTokenFile) || devTokenFile;
  const tokenEnv = jwt
    ? 'MCP_TOKEN=<a JWT from your issuer>'
    : generated
      ? `MCP_TOKEN="$(cat ${devTokenPath})"`
      : 'MCP_TOKEN=<one of your static_tokens>';
  const authLines = jwt
    ? ['  Auth             JWT (terraform variables jwt_*)']
    : generated
      ? [`  Auth             bearer token generated for this machine, kept in ${devTokenPath}`]
      : ['  Auth             bearer token: one of your static_tokens (not shown: Terraform marks it sensitive)'];
  const runtime = stack.runtime.matches
    ? `${stack.runtime.lambdaRuntime} on Node ${stack.runtime.nodeVersion}`
    : `${stack.runtime.lambdaRuntime} emulated on Node ${stack.runtime.nodeVersion} (\`npm run tools:install\` adds the matching Node once)`;
  console.log(
    [
      '',
      'Embedded stack running (API Gateway REST API + Lambda authorizer + Lambda, emulated):',
      `  MCP endpoint     ${stack.endpoint}`,
      `  Server module    ${target.server}`,
      `  Health           ${stack.baseUrl}/health`,
      ...authLines,
      `  Try it           ${tokenEnv} npm run client -- smoke --url ${stack.endpoint}`,
      `  Inspector        ${stack.endpoint === DEFAULT_ENDPOINT ? '' : `MCP_SERVER_ENDPOINT=${stack.endpoint} `}npm run inspect   (MCP Inspector, with the token)`,
      `  Logs API         ${stack.logsEndpoint}  (npm run report -- --endpoint ${stack.logsEndpoint})`,
      `  Runtime          ${runtime}`,
      `  Functions        ${config.mcp.functionName} (${config.mcp.memorySizeMb} MB, ${config.mcp.timeoutSeconds} s, concurrency ${config.mcp.concurrencyLimit}), ${config.authorizerFunction.functionName}`,
      ...(opts.logDir ? [`  Log files        ${opts.logDir}`] : []),
      '  Stop             Ctrl+C',
      '',
    ].join('\n'),
  );
  // Ctrl+C or `kill`: stop accepting, let requests in flight finish (bounded), then stop every
  // process of the stack. A second signal stops at once.
  // Ctrl+C reaches npm and this process at once, and npm relays it, late when the machine is busy:
  // copies that arrive within three seconds are one signal. `npm start` runs this file with
  // `node --import tsx`, not the tsx launcher: the launcher SIGKILLs its child when the child has not
  // acknowledged a relayed signal within about 60 ms, which a busy machine misses, cutting the drain.
  const RELAYED_SIGNAL_WINDOW_MS = 3000;
  let stoppingSince: number | undefined;
  const stop = (signal: NodeJS.Signals): void => {
    if (stoppingSince !== undefined) {
      if (performance.now() - stoppingSince < RELAYED_SIGNAL_WINDOW_MS) return;
      console.log(`${signal} again: stopping now`);
      void stack!.stop().then(() => process.exit(130));
      return;
    }
    stoppingSince = performance.now();
    const inFlight = stack!.inFlight();
    console.log(
      `${signal}: stopping${inFlight > 0 ? `, letting ${inFlight} request(s) in flight finish (up to ${opts.drainTimeout} s)` : ''}...`,
    );
    void stack!.stop({ drainMs: opts.drainTimeout * 1000 }).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
}

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const hint =
    code === 'EADDRINUSE'
      ? '\nThe port is taken (another `npm start`?). Stop that one, or pick another port: npm start -- --port 3001 (or --port 0 for any free port)'
      : '';
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}${hint}`);
  process.exit(1);
});
