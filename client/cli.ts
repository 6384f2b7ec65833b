#!/usr/bin/env node
/**
 * Smoke-check CLI for an MCP endpoint on API Gateway + Lambda (or the embedded stack, or LocalStack).
 *
 *   npm run client -- smoke --url <endpoint> --token <token>        (tsx, from the repo)
 *   node client/dist/cli.mjs smoke --url <endpoint> --token <token>  (bundle, e.g. the Docker image)
 *
 * Exit codes: 0 ok, 1 check failures, 2 usage error, 3 cannot connect / wrong URL, 4 auth rejected.
 */
import { Command, type CommanderError, InvalidArgumentError, Option } from 'commander';
import { printCall, runCall } from './call.ts';
import {
  DEFAULT_PROTOCOL,
  DEFAULT_TIMEOUT_MS,
  ENV_TOKEN,
  ENV_URL,
  EXPECT_AUTH_MODES,
  PROTOCOL_VERSIONS,
  UsageError,
  resolveConfig,
  type CommonOptionValues,
} from './config.ts';
import { EXIT_CODES } from './diagnose.ts';
import { printScale, printSmoke, processOutput } from './report.ts';
import { runScale } from './scale.ts';
import { CLIENT_INFO } from './session.ts';
import { runSmoke } from './smoke.ts';

/** Parses a positive integer option; commander reports the error and exits with the usage code. */
function positiveInteger(name: string, max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0 || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number between 1 and ${max}`);
    }
    return n;
  };
}

function withCommonOptions(command: Command): Command {
  return command
    .option(
      '--url <url>',
      `MCP endpoint, e.g. https://<api-id>.execute-api.<region>.amazonaws.com/<stage>/mcp (default: $${ENV_URL})`,
    )
    .option(
      '--token <token>',
      `bearer token for the API Gateway authorizer (default: $${ENV_TOKEN}; prefer the variable, arguments show in ps)`,
    )
    .option(
      '--timeout <ms>',
      `per-request timeout in milliseconds (default: ${DEFAULT_TIMEOUT_MS})`,
      positiveInteger('--timeout', 15 * 60_000),
    )
    .option('--json', 'print one JSON document on stdout and nothing else')
    .addOption(
      new Option(
        '--protocol <version>',
        'protocol revision; 2025-era revisions use the v1 SDK client (@modelcontextprotocol/sdk, initialize), ' +
          '2026-07-28 the v2 SDK client (@modelcontextprotocol/client, server/discover). ' +
          'The default is 2025-11-25 on the v1 client because most deployed MCP clients are 1.x',
      )
        .choices(PROTOCOL_VERSIONS)
        .default(DEFAULT_PROTOCOL),
    )
    .addOption(
      new Option(
        '--expect-auth <mode>',
        'whether the endpoint must refuse calls without a token: auto = on when a token is given. ' +
          'Use off for LocalStack, whose free edition does not enforce authorizers',
      )
        .choices(EXPECT_AUTH_MODES)
        .default('auto'),
    );
}

type Action = () => Promise<number>;

/** Runs a command body; usage errors thrown inside become exit code 2. */
async function run(action: Action): Promise<void> {
  try {
    process.exitCode = await action();
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n(see --help)\n`);
      process.exitCode = EXIT_CODES.usage;
      return;
    }
    process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = EXIT_CODES.checksFailed;
  }
}

function parseArgsJson(raw: string | undefined): Record<string, unknown> {
  if (raw === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new UsageError(`--args is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new UsageError('--args must be a JSON object, e.g. \'{"code":"eu-west-1"}\'');
  return parsed as Record<string, unknown>;
}

export function buildProgram(): Command {
  const program = new Command()
    .name('mcp-smoke')
    .description('Smoke checks, scaling probe and single tool calls for a stateless MCP endpoint behind API Gateway.')
    .version(CLIENT_INFO.version)
    .showHelpAfterError('(see --help)')
    // Commander's own parse errors (unknown option, bad choice, bad number) are usage errors: exit 2.
    .exitOverride((error: CommanderError) => {
      const helpOrVersion =
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help';
      process.exit(helpOrVersion ? EXIT_CODES.ok : EXIT_CODES.usage);
    })
    .addHelpText(
      'after',
      `\nExit codes: 0 ok, 1 check failures, 2 usage error, 3 cannot connect / wrong URL, 4 auth rejected.\n` +
        `Environment: ${ENV_URL} (default --url), ${ENV_TOKEN} (default --token), NO_COLOR.`,
    );

  withCommonOptions(
    program
      .command('smoke', { isDefault: true })
      .description(
        'connect, list tools/resources/prompts, call every tool with sample arguments and check its output schema, ' +
          'read a resource, get each prompt, and (when auth is expected) check the 401 challenge and the RFC 9728 metadata',
      ),
  ).action((opts: CommonOptionValues) =>
    run(async () => {
      const config = resolveConfig(opts);
      const report = await runSmoke(config);
      printSmoke(report, config.json);
      return report.summary.exitCode;
    }),
  );

  withCommonOptions(
    program
      .command('scale')
      .description(
        'fire ping calls concurrently; report distinct execution environments, cold starts and latency percentiles',
      )
      .option('--parallel <n>', 'calls in flight at once', positiveInteger('--parallel', 1000), 10)
      .option('--requests <m>', 'total calls', positiveInteger('--requests', 100_000), 50),
  ).action((opts: CommonOptionValues & { parallel: number; requests: number }) =>
    run(async () => {
      const config = resolveConfig(opts);
      const report = await runScale(config, { parallel: opts.parallel, requests: opts.requests });
      printScale(report, config.json);
      return report.exitCode;
    }),
  );

  withCommonOptions(
    program
      .command('call')
      .description(
        'call one tool and print its result; progress notifications show as a bar (terminal) or lines (stderr)',
      )
      .argument('<tool>', 'tool name, e.g. long_task')
      .option('--args <json>', 'tool arguments as a JSON object', undefined)
      .option('--no-progress', 'do not ask for progress notifications'),
  ).action((tool: string, opts: CommonOptionValues & { args?: string; progress: boolean }) =>
    run(async () => {
      const config = resolveConfig(opts);
      const args = parseArgsJson(opts.args);
      const report = await runCall(config, { tool, args, progress: opts.progress }, processOutput);
      printCall(report, config.json, processOutput);
      return report.exitCode;
    }),
  );

  return program;
}

/** Edit distance, for "did you mean" on a mistyped command. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/**
 * `smoke` is the default command, so commander would read a mistyped command (`smok`) as an
 * argument of smoke ("too many arguments"); say what it is instead.
 */
export function rejectUnknownCommand(program: Command, argv: readonly string[]): void {
  const first = argv[2];
  if (first === undefined || first.startsWith('-') || first === 'help') return;
  const names = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  if (names.includes(first)) return;
  const near = names.filter((name) => distance(name, first) <= Math.max(1, Math.floor(name.length / 3)));
  program.error(
    `error: unknown command '${first}'${near.length ? ` (Did you mean ${near.join(', ')}?)` : ''}; commands: ${names.join(', ')}`,
    {
      code: 'commander.unknownCommand',
      exitCode: EXIT_CODES.usage,
    },
  );
}

const program = buildProgram();
rejectUnknownCommand(program, process.argv);
await program.parseAsync(process.argv);
