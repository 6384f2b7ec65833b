/**
 * The embedded stack's limits, from the same Terraform variables it runs with (defaults, tfvars,
 * TF_VAR_*, --var-file, --var): the function's concurrency limit, the stage throttle, the
 * authorizer cache and the integration timeout.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACCOUNT_CONCURRENCY_LIMIT, readStackConfig } from '../../emulator/config/stack-config.ts';
import { readTerraformVariables, type TerraformVariables } from '../../emulator/config/terraform-variables.ts';
import type { Limits } from './check.ts';

export const TERRAFORM_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../terraform');

export async function readEmbeddedLimits(
  options: { terraformDir?: string; varFiles?: readonly string[]; overrides?: TerraformVariables } = {},
): Promise<Limits> {
  const dir = options.terraformDir ?? TERRAFORM_DIR;
  const vars = await readTerraformVariables(dir, {
    ...(options.varFiles ? { varFiles: options.varFiles } : {}),
    ...(options.overrides ? { overrides: options.overrides } : {}),
  });
  // Bundle paths and the task directory only matter to a running stack.
  const config = await readStackConfig(dir, vars, {
    mcpBundlePath: '',
    authorizerBundlePath: '',
    fallbackTokens: ['preflight'],
    mcpEndpointUrl: 'http://127.0.0.1/dev/mcp',
    taskStoreDir: '/nonexistent',
  });
  const reserved =
    typeof vars.mcp_reserved_concurrency === 'number' && vars.mcp_reserved_concurrency >= 0
      ? vars.mcp_reserved_concurrency
      : null;
  return {
    source: `embedded stack (Terraform variables of ${path.relative(process.cwd(), dir) || dir})`,
    onAws: false,
    // The embedded stack models the default account quota with nothing else reserved.
    lambdaAccount: {
      concurrentExecutions: ACCOUNT_CONCURRENCY_LIMIT,
      unreservedConcurrentExecutions: ACCOUNT_CONCURRENCY_LIMIT - (reserved ?? 0),
    },
    fn: {
      name: config.mcp.functionName,
      reservedConcurrency: reserved,
      memorySizeMb: config.mcp.memorySizeMb,
      timeoutSeconds: config.mcp.timeoutSeconds,
      architecture: typeof vars.lambda_architecture === 'string' ? vars.lambda_architecture : null,
    },
    stageThrottle: {
      rateLimit: config.throttling.rateLimit,
      burstLimit: config.throttling.burstLimit,
      setting: 'throttling_rate_limit / throttling_burst_limit',
    },
    apiAccountThrottle: null,
    authorizer: { name: config.authorizerFunction.functionName, resultTtlSeconds: config.authorizer.resultTtlSeconds },
    integrationTimeoutMs: config.integrationTimeoutMs,
  };
}
