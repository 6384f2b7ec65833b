#!/usr/bin/env node
/**
 * `npm start`: builds the Lambda bundles if needed and runs the embedded stack on loopback.
 */
import { Command, InvalidArgumentError } from 'commander';
import path from 'node:path';
import { buildIfStale } from '../shared/build-if-stale.ts';
import { repoRoot } from '../shared/lambda-artifacts.ts';
import type { TerraformValue } from './config/terraform-variables.ts';
import { localDevToken } from './dev-token.ts';
import type { AccessLogEntry } from './gateway/rest-api.ts';
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

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const program = new Command()
  .name('npm start --')
  .description(
    'Runs the MCP Lambda and its authorizer behind an emulated API Gateway REST API on 127.0.0.1, without Docker.\n' +
      'Settings (memory, timeout, concurrency, stage, authorizer, tokens) come from terraform/variables.tf and tfvars files.',
  )
  .option('-p, --port <port>', 'port to listen on (0 = any free port)', port, Number(process.env.PORT ?? 3000))
  .option('--var-file <file>', 'Terraform variable file, as terraform -var-file (repeatable)', collect, [])
  .option('--var <name=value>', 'Terraform variable, as terraform -var (repeatable)', collectVar, {})
  .option('--idle-timeout <seconds>', 'reclaim execution environments idle this long', positiveSeconds, DEFAULT_IDLE_TIMEOUT_MS / 1000)
  .option('--log-dir <dir>', 'also write each log stream to a file under this directory', path.join(repoRoot, '.local', 'logs'))
  .option('--no-log-dir', 'keep logs in memory only')
  .option('--quiet', 'do not print one line per request')
  .addHelpText(
    'after',
    '\nEnvironment: PORT (default port), TF_VAR_<name> (Terraform variables).\n' +
      'The CloudWatch Logs API (DescribeLogStreams, FilterLogEvents, GetLogEvents) is served on the same port.\n' +
      'Stop with Ctrl+C.',
  );

function accessLine(entry: AccessLogEntry, stack: RunningStack): string {
  const stats = stack.mcp.stats();
  const integration = entry.integrationLatencyMs === undefined ? '' : ` integration=${entry.integrationLatencyMs.toFixed(1)}ms`;
  const type = entry.responseType ? ` ${entry.responseType}` : '';
  return `${new Date().toISOString()} ${entry.method} ${entry.path} ${entry.status}${type} ${entry.latencyMs.toFixed(1)}ms${integration} environments=${stats.environments} coldStarts=${stats.coldStarts}`;
}

async function main(): Promise<void> {
  const opts = program.parse().opts<{
    port: number;
    varFile: string[];
    var: Record<string, TerraformValue>;
    idleTimeout: number;
    logDir: string | false;
    quiet?: boolean;
  }>();
  await buildIfStale();
  const fallbackToken = await localDevToken(path.join(repoRoot, '.local', 'dev-token'));
  let stack: RunningStack | undefined;
  stack = await startStack({
    port: opts.port,
    varFiles: opts.varFile,
    overrides: opts.var,
    fallbackTokens: [fallbackToken],
    idleTimeoutMs: opts.idleTimeout * 1000,
    ...(opts.logDir ? { logDir: opts.logDir } : {}),
    ...(opts.quiet ? {} : { onAccess: (entry: AccessLogEntry) => stack && console.log(accessLine(entry, stack)) }),
  });
  const { config } = stack;
  const authNote = config.authorizerFunction.environment.AUTH_MODE === 'jwt' ? 'JWT (see terraform variables jwt_*)' : `static token`;
  console.log(
    [
      '',
      'Embedded stack running (API Gateway REST API + Lambda authorizer + Lambda, emulated):',
      `  MCP endpoint     ${stack.endpoint}`,
      `  Health           ${stack.baseUrl}/health`,
      `  Auth             ${authNote}`,
      ...(config.authorizerFunction.environment.AUTH_MODE === 'jwt' ? [] : [`  Token            ${stack.tokens[0]}`]),
      `  Try it           npm run client -- smoke --url ${stack.endpoint} --token <token>`,
      `  Logs API         ${stack.logsEndpoint}  (npm run report -- --endpoint ${stack.logsEndpoint})`,
      `  Runtime          ${stack.runtime.lambdaRuntime} on Node ${stack.runtime.nodeVersion}${stack.runtime.matches ? '' : ' (MISMATCH: run `npm run tools:install` for the matching Node)'}`,
      `  Functions        ${config.mcp.functionName} (${config.mcp.memorySizeMb} MB, ${config.mcp.timeoutSeconds} s, concurrency ${config.mcp.concurrencyLimit}), ${config.authorizerFunction.functionName}`,
      ...(opts.logDir ? [`  Log files        ${opts.logDir}`] : []),
      '  Stop             Ctrl+C',
      '',
    ].join('\n'),
  );
  const stop = (): void => {
    console.log('Stopping...');
    void stack!.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
