/**
 * The embedded stack's settings, derived from terraform/ (the single source of truth: the
 * variables, and the functions as terraform/lambda.tf declares them) plus the few things only the
 * emulator has (port, idle reaping, bundle locations).
 */
import { Unknown } from './terraform-expressions.ts';
import { readLambdaFunctions, type TerraformFunction } from './terraform-functions.ts';
import type { TerraformValue, TerraformVariables } from './terraform-variables.ts';

export type AuthorizerType = 'TOKEN' | 'REQUEST';

export interface FunctionSettings {
  readonly functionName: string;
  readonly bundlePath: string;
  /** `<file>.<export>` in the bundle's directory, as Lambda's `handler` setting. */
  readonly handler: string;
  /** The Lambda runtime identifier, e.g. `nodejs22.x`. */
  readonly runtime: string;
  readonly memorySizeMb: number;
  readonly timeoutSeconds: number;
  /** Concurrent execution environments allowed; reserved concurrency, or the account default. */
  readonly concurrencyLimit: number;
  readonly environment: Readonly<Record<string, string>>;
}

/** One identity source: `method.request.header.<name>` (lower-cased here), `…querystring.<name>`, or their multi-value forms. */
export interface IdentitySource {
  readonly in: 'header' | 'querystring';
  readonly name: string;
}

export interface AuthorizerSettings {
  readonly type: AuthorizerType;
  /** TOKEN: exactly one header; REQUEST: every listed source (all required, and together the cache key). */
  readonly identitySources: readonly IdentitySource[];
  readonly validationExpression: RegExp | undefined;
  readonly resultTtlSeconds: number;
}

export interface StackConfig {
  readonly region: string;
  readonly accountId: string;
  readonly apiId: string;
  readonly stageName: string;
  readonly staticTokens: readonly string[];
  readonly mcp: FunctionSettings;
  readonly authorizerFunction: FunctionSettings;
  readonly authorizer: AuthorizerSettings;
  readonly throttling: { readonly rateLimit: number; readonly burstLimit: number };
  /** API Gateway's integration timeout (terraform/api_gateway.tf computes the same value). */
  readonly integrationTimeoutMs: number;
  /** `streaming_enabled`: STREAM response transfer mode for the MCP function's integrations. */
  readonly streamingEnabled: boolean;
}

export interface EmulatorSettings {
  readonly mcpBundlePath: string;
  readonly authorizerBundlePath: string;
  /** Static tokens to use when Terraform's `static_tokens` is empty (the CLI generates one). */
  readonly fallbackTokens: readonly string[];
  readonly extraMcpEnvironment?: Readonly<Record<string, string>>;
  /** Test-only variables for the authorizer function (never set by Terraform). */
  readonly extraAuthorizerEnvironment?: Readonly<Record<string, string>>;
  /** The stage's MCP endpoint URL: the JWT audience when `jwt_audience` is empty, as in Terraform. */
  readonly mcpEndpointUrl: string;
  /**
   * The directory that stands in for Terraform's DynamoDB task table (terraform/tasks.tf): every
   * execution environment of the stack gets the same one, as every Lambda environment reaches the
   * same table. Needed when `tasks_enabled` is true.
   */
  readonly taskStoreDir?: string;
}

/**
 * Lambda's default per-Region account concurrency quota, the limit for functions without reserved
 * concurrency (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html).
 */
export const ACCOUNT_CONCURRENCY_LIMIT = 1000;
/** https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html (integration timeout). */
export const INTEGRATION_TIMEOUT_MS = 29_000;
/** Streamed integrations may be configured up to 15 minutes (response-transfer-mode.html). */
export const STREAMING_INTEGRATION_TIMEOUT_MAX_MS = 15 * 60_000;
const LOCAL_ACCOUNT_ID = '000000000000';
const LOCAL_API_ID = 'local';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function read<T>(
  vars: TerraformVariables,
  name: string,
  check: (v: TerraformValue | undefined) => v is TerraformValue & T,
  what: string,
): T {
  const value = vars[name];
  if (!check(value))
    throw new ConfigError(`Terraform variable "${name}" must be ${what}; got ${JSON.stringify(value)}`);
  return value;
}
const isString = (v: TerraformValue | undefined): v is string => typeof v === 'string';
const isNumber = (v: TerraformValue | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
const isStringList = (v: TerraformValue | undefined): v is string[] =>
  Array.isArray(v) && v.every((item) => typeof item === 'string');

const str = (vars: TerraformVariables, name: string): string => read(vars, name, isString, 'a string');
const num = (vars: TerraformVariables, name: string): number => read(vars, name, isNumber, 'a number');
const strings = (vars: TerraformVariables, name: string): string[] =>
  read(vars, name, isStringList, 'a list of strings');
/**
 * The identity sources of `authorizer_identity_source`. Request headers and query strings (single-
 * or multi-value) are emulated; stage variables and context values, which Terraform also accepts
 * for REQUEST authorizers, are refused at start rather than silently ignored.
 */
function identitySourcesOf(identitySource: string): IdentitySource[] {
  return identitySource.split(',').map((entry) => {
    const match = /^method\.request\.(header|multivalueheader|querystring|multivaluequerystring)\.([^\s,]+)$/.exec(
      entry.trim(),
    );
    if (!match)
      throw new ConfigError(
        `authorizer_identity_source "${entry.trim()}": the embedded stack emulates method.request.header|querystring (and multivalue) sources only`,
      );
    return match[1]!.endsWith('header')
      ? { in: 'header', name: match[2]!.toLowerCase() }
      : { in: 'querystring', name: match[2]! };
  });
}

/** Reserved concurrency as the function's limit; -1 (unreserved) means the account's. */
function concurrencyLimitOf(fn: TerraformFunction): number {
  return fn.reservedConcurrency < 0 ? ACCOUNT_CONCURRENCY_LIMIT : fn.reservedConcurrency;
}

/** The function the stack needs under `key` (its for_each key or label in terraform/lambda.tf). */
function required(functions: ReadonlyMap<string, TerraformFunction>, key: string, dir: string): TerraformFunction {
  const fn = functions.get(key);
  if (!fn)
    throw new ConfigError(
      `${dir} declares no aws_lambda_function "${key}" (a for_each key or label); it declares: ${[...functions.keys()].join(', ') || 'none'}`,
    );
  return fn;
}

/** An environment the stack can pass on: every value known before apply. */
function knownEnvironment(fn: TerraformFunction): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(fn.environment)) {
    if (value instanceof Unknown)
      throw new ConfigError(
        `${fn.address}.environment.variables.${name}: ${value.reference} is known only after apply, and the embedded stack has no stand-in for it`,
      );
    out[name] = value;
  }
  return out;
}

function functionSettings(
  fn: TerraformFunction,
  bundlePath: string,
  environment: Record<string, string>,
): FunctionSettings {
  return {
    functionName: fn.functionName,
    bundlePath,
    handler: fn.handler,
    runtime: fn.runtime,
    memorySizeMb: fn.memorySizeMb,
    timeoutSeconds: fn.timeoutSeconds,
    concurrencyLimit: concurrencyLimitOf(fn),
    environment,
  };
}

/**
 * The stack's configuration from the Terraform variables and the functions of `terraformDir`
 * (terraform/lambda.tf: names, handler, runtime, memory, timeout, reserved concurrency,
 * environment). Two values differ from a deployment on purpose: the static tokens (the CLI's
 * fallback when `static_tokens` is empty) and the task table, which is a directory here.
 */
export async function readStackConfig(
  terraformDir: string,
  vars: TerraformVariables,
  emulator: EmulatorSettings,
): Promise<StackConfig> {
  const region = str(vars, 'region');
  const stageName = str(vars, 'stage_name');
  const authorizerType = str(vars, 'authorizer_type');
  if (authorizerType !== 'TOKEN' && authorizerType !== 'REQUEST')
    throw new ConfigError('authorizer_type must be TOKEN or REQUEST');
  const configuredTokens = strings(vars, 'static_tokens');
  const staticTokens = configuredTokens.length > 0 ? configuredTokens : [...emulator.fallbackTokens];
  const validation = authorizerType === 'TOKEN' ? str(vars, 'authorizer_identity_validation_expression') : '';

  const streamingEnabled = vars.streaming_enabled === true;
  const tasksEnabled = vars.tasks_enabled === true;
  if (tasksEnabled && !emulator.taskStoreDir)
    throw new ConfigError('tasks_enabled needs a task store directory shared by the execution environments');
  // The stage URL on AWS contains the API id; here it is the stack's own (local.mcp_url, the
  // JWT audience when jwt_audience is empty).
  const functions = await readLambdaFunctions(
    terraformDir,
    { ...vars, static_tokens: staticTokens },
    { mcp_url: emulator.mcpEndpointUrl },
  );
  const mcp = required(functions, 'mcp', terraformDir);
  const authorizerFunction = required(functions, 'authorizer', terraformDir);
  // The task table (MCP_TASKS_TABLE, empty when tasks are off) is a directory every execution
  // environment of the stack shares (MCP_TASK_STORE_DIR), as they would share the table.
  const { MCP_TASKS_TABLE: taskTable, ...mcpDeclared } = mcp.environment;
  if (taskTable !== undefined && taskTable !== '' && !(taskTable instanceof Unknown))
    throw new ConfigError(`${mcp.address}: MCP_TASKS_TABLE must be the task table's name or empty`);
  const mcpEnvironment: Record<string, string> = {
    ...knownEnvironment({ ...mcp, environment: mcpDeclared }),
    ...(taskTable === undefined ? {} : { MCP_TASK_STORE_DIR: tasksEnabled ? (emulator.taskStoreDir ?? '') : '' }),
    ...emulator.extraMcpEnvironment,
  };
  const authorizerEnvironment: Record<string, string> = {
    ...knownEnvironment(authorizerFunction),
    ...emulator.extraAuthorizerEnvironment,
  };

  return {
    region,
    accountId: LOCAL_ACCOUNT_ID,
    apiId: LOCAL_API_ID,
    stageName,
    staticTokens,
    mcp: functionSettings(mcp, emulator.mcpBundlePath, mcpEnvironment),
    authorizerFunction: functionSettings(authorizerFunction, emulator.authorizerBundlePath, authorizerEnvironment),
    authorizer: {
      type: authorizerType,
      identitySources: identitySourcesOf(str(vars, 'authorizer_identity_source')),
      validationExpression: validation ? new RegExp(validation) : undefined,
      resultTtlSeconds: num(vars, 'authorizer_result_ttl_seconds'),
    },
    throttling: { rateLimit: num(vars, 'throttling_rate_limit'), burstLimit: num(vars, 'throttling_burst_limit') },
    integrationTimeoutMs: streamingEnabled
      ? Math.min(STREAMING_INTEGRATION_TIMEOUT_MAX_MS, Math.max(INTEGRATION_TIMEOUT_MS, mcp.timeoutSeconds * 1000))
      : INTEGRATION_TIMEOUT_MS,
    streamingEnabled,
  };
}
