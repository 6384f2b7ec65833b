/**
 * `npm run loadtest -- preflight <scenario> …`: before a request is sent, does the plan fit the
 * target's quotas and settings? Exit 0 when it fits, 1 when it exceeds a limit, 2 on a usage or
 * read error.
 *
 *   npm run loadtest -- preflight load --rate 5000 --duration 10m --outputs outputs.json
 *   npm run loadtest -- preflight load --rate 40 --embedded
 */
import { Command, InvalidArgumentError } from 'commander';
import { resolvePlan } from '../k6/lib/config.js';
import { readScenarioFile } from '../local/scenario-file.ts';
import { readAwsLimits, targetFromTerraformOutputs, type AwsTarget } from './aws.ts';
import { checkPlan, verdictOf, type Limits } from './check.ts';
import { DEFAULT_ASSUMPTIONS, demandOf } from './demand.ts';
import { readEmbeddedLimits } from './embedded.ts';
import { formatPreflight } from './render.ts';

const positive =
  (name: string) =>
  (value: string): number => {
    const v = Number(value);
    if (!(v > 0)) throw new InvalidArgumentError(`${name} must be a positive number`);
    return v;
  };

export async function preflightMain(argv: readonly string[]): Promise<number> {
  const scenarios = await readScenarioFile();
  const program = new Command()
    .name('npm run loadtest -- preflight')
    .description(
      'Checks a load plan against the Lambda and API Gateway quotas and settings of the target, before any request is sent.',
    )
    .argument('<scenario>', `one of ${Object.keys(scenarios.scenarios).join(', ')}`)
    .option('--outputs <file>', 'the deployed stack: `terraform -chdir=terraform output -json > outputs.json`')
    .option('--embedded', 'the embedded stack: its Terraform variables (terraform/ defaults, tfvars, TF_VAR_*)')
    .option('--var-file <file>', 'with --embedded: a tfvars file, as npm start takes')
    .option('--region <region>', 'AWS region (without --outputs)')
    .option('--api-id <id>', 'REST API id (without --outputs)')
    .option('--stage <name>', 'stage name (without --outputs)', 'dev')
    .option('--function <name>', 'MCP function name (without --outputs)', 'stateless-mcp-mcp-server')
    .option('--authorizer <name>', 'authorizer name (without --outputs)', 'stateless-mcp-authorizer')
    .option('--endpoint-url <url>', 'one endpoint for Lambda and API Gateway (moto, LocalStack)')
    .option('--rate <rps>', 'target HTTP requests per second (RATE)')
    .option('--duration <duration>', 'e.g. 10m (DURATION)')
    .option('--era <era>', 'mixed | 2026-07-28 | 2025-11-25 (ERA)')
    .option('--long-task-steps <n>', 'LONG_TASK_STEPS')
    .option('--long-task-step-ms <ms>', 'LONG_TASK_STEP_MS')
    .option('--target <name>', 'embedded | localstack | aws: per-target scenario overrides (MCP_TARGET)')
    .option(
      '--base-duration-ms <ms>',
      'assumed duration of a request that does not wait',
      positive('--base-duration-ms'),
      DEFAULT_ASSUMPTIONS.baseDurationMs,
    )
    .option(
      '--init-ms <ms>',
      'assumed Init Duration of a cold start',
      positive('--init-ms'),
      DEFAULT_ASSUMPTIONS.initDurationMs,
    )
    .option(
      '--authorizer-ms <ms>',
      'assumed duration of an authorizer invocation',
      positive('--authorizer-ms'),
      DEFAULT_ASSUMPTIONS.authorizerDurationMs,
    )
    .exitOverride()
    .parse(argv, { from: 'user' });

  const [scenario] = program.args as [string];
  const o = program.opts<Record<string, string | number | boolean | undefined>>();
  const env: Record<string, string | undefined> = { ...process.env };
  const flags: Record<string, string> = {
    rate: 'RATE',
    duration: 'DURATION',
    era: 'ERA',
    longTaskSteps: 'LONG_TASK_STEPS',
    longTaskStepMs: 'LONG_TASK_STEP_MS',
    target: 'MCP_TARGET',
  };
  for (const [flag, key] of Object.entries(flags)) if (typeof o[flag] === 'string') env[key] = o[flag] as string;
  env.MCP_TARGET ??= o.embedded ? 'embedded' : 'aws';
  const plan = resolvePlan(scenarios, scenario, env);

  let limits: Limits;
  if (o.embedded) {
    limits = await readEmbeddedLimits({ varFiles: typeof o.varFile === 'string' ? [o.varFile] : [] });
  } else {
    let target: AwsTarget;
    if (typeof o.outputs === 'string') {
      target = await targetFromTerraformOutputs(o.outputs);
    } else {
      if (typeof o.apiId !== 'string') throw new Error('give --outputs, --embedded, or --api-id with --region');
      target = {
        region: (o.region as string | undefined) ?? process.env.AWS_REGION ?? 'us-east-1',
        apiId: o.apiId,
        stageName: o.stage as string,
        functionName: o.function as string,
        authorizerName: o.authorizer as string,
      };
    }
    limits = await readAwsLimits({ ...target, endpoint: o.endpointUrl as string | undefined });
  }
  const demand = demandOf(plan, {
    baseDurationMs: o.baseDurationMs as number,
    initDurationMs: o.initMs as number,
    authorizerDurationMs: o.authorizerMs as number,
  });
  const findings = checkPlan(demand, limits);
  const verdict = verdictOf(findings);
  process.stdout.write(formatPreflight(demand, limits, findings, verdict));
  return verdict.ok ? 0 : 1;
}
