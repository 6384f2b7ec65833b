/**
 * The embedded stack's settings, derived from the Terraform variables (the single source of
 * truth) plus the few things only the emulator has (port, idle reaping, bundle locations).
 */
import type { TerraformValue, TerraformVariables } from './terraform-variables.ts';

export type AuthorizerType = 'TOKEN' | 'REQUEST';

export interface FunctionSettings {
  readonly functionName: string;
  readonly bundlePath: string;
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
const isStringMap = (v: TerraformValue | undefined): v is Record<string, string> =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  Object.values(v).every((item) => typeof item === 'string');

/** The variables terraform/lambda.tf sets itself; `mcp_environment` may not name them (its validation block). */
export const HARNESS_MCP_VARIABLES = [
  'STAGE_NAME',
  'AUTHORIZATION_SERVERS',
  'SCOPES_SUPPORTED',
  'STREAMING_ENABLED',
  'POWERTOOLS_SERVICE_NAME',
  'NODE_OPTIONS',
  'LOG_LEVEL',
  'MCP_TASKS_TABLE',
  'MCP_CORS_ALLOWED_ORIGINS',
];

/** A `map(string)` variable, checked as the validation block of `mcp_environment` checks it. */
function stringMap(vars: TerraformVariables, name: string): Record<string, string> {
  const value = vars[name] ?? {};
  if (!isStringMap(value))
    throw new ConfigError(`Terraform variable "${name}" must be a map of strings; got ${JSON.stringify(value)}`);
  for (const key of Object.keys(value)) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key) || key.startsWith('AWS_') || HARNESS_MCP_VARIABLES.includes(key)) {
      throw new ConfigError(
        `Terraform variable "${name}": "${key}" is not allowed (letters, digits, '_'; no AWS_ prefix; not one the harness sets)`,
      );
    }
  }
  return value;
}

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

/** As `local.authorization_servers` in terraform/main.tf: the listed ones, else the JWT issuer. */
function authorizationServers(vars: TerraformVariables): string[] {
  const listed = strings(vars, 'authorization_servers');
  if (listed.length > 0) return listed;
  const issuer = str(vars, 'jwt_issuer');
  return str(vars, 'auth_mode') === 'jwt' && issuer !== '' ? [issuer] : [];
}

/** Reserved concurrency as the function's limit; -1 (unreserved) or unset means the account's. */
function concurrencyLimitOf(vars: TerraformVariables, name: string): number {
  const reserved = typeof vars[name] === 'number' ? (vars[name] as number) : -1;
  return reserved < 0 ? ACCOUNT_CONCURRENCY_LIMIT : reserved;
}

export function stackConfigFromTerraform(vars: TerraformVariables, emulator: EmulatorSettings): StackConfig {
  const name = str(vars, 'name');
  const region = str(vars, 'region');
  const stageName = str(vars, 'stage_name');
  const authorizerType = str(vars, 'authorizer_type');
  if (authorizerType !== 'TOKEN' && authorizerType !== 'REQUEST')
    throw new ConfigError('authorizer_type must be TOKEN or REQUEST');
  const configuredTokens = strings(vars, 'static_tokens');
  const staticTokens = configuredTokens.length > 0 ? configuredTokens : [...emulator.fallbackTokens];
  const validation = authorizerType === 'TOKEN' ? str(vars, 'authorizer_identity_validation_expression') : '';
  const logLevel = typeof vars.log_level === 'string' ? vars.log_level : 'INFO';

  const streamingEnabled = vars.streaming_enabled === true;
  const tasksEnabled = vars.tasks_enabled === true;
  if (tasksEnabled && !emulator.taskStoreDir)
    throw new ConfigError('tasks_enabled needs a task store directory shared by the execution environments');
  const mcpFunctionName = `${name}-mcp-server`;
  const authorizerFunctionName = `${name}-authorizer`;
  // The same variables terraform/lambda.tf sets, except that the task table (MCP_TASKS_TABLE)
  // is a directory here (MCP_TASK_STORE_DIR); both are empty when tasks are off.
  const mcpEnvironment: Record<string, string> = {
    // The server module's own variables (Terraform's mcp_environment); the harness's win, as merge() in lambda.tf.
    ...stringMap(vars, 'mcp_environment'),
    STAGE_NAME: stageName,
    AUTHORIZATION_SERVERS: authorizationServers(vars).join(','),
    SCOPES_SUPPORTED: strings(vars, 'scopes_supported').join(','),
    STREAMING_ENABLED: String(streamingEnabled),
    POWERTOOLS_SERVICE_NAME: mcpFunctionName,
    NODE_OPTIONS: '--enable-source-maps',
    LOG_LEVEL: logLevel,
    MCP_TASK_STORE_DIR: tasksEnabled ? (emulator.taskStoreDir ?? '') : '',
    MCP_CORS_ALLOWED_ORIGINS: (Array.isArray(vars.cors_allowed_origins) ? vars.cors_allowed_origins : []).join(','),
    ...emulator.extraMcpEnvironment,
  };
  const authorizerEnvironment: Record<string, string> = {
    AUTH_MODE: str(vars, 'auth_mode'),
    STATIC_TOKENS: JSON.stringify(staticTokens),
    JWT_ISSUER: str(vars, 'jwt_issuer'),
    JWT_JWKS_URL: str(vars, 'jwt_jwks_url'),
    JWT_AUDIENCE: str(vars, 'jwt_audience') || emulator.mcpEndpointUrl,
    JWT_AUDIENCE_CLAIM: str(vars, 'jwt_audience_claim'),
    JWT_REQUIRED_SCOPES: strings(vars, 'jwt_required_scopes').join(','),
    JWT_ALLOWED_ALGORITHMS: strings(vars, 'jwt_allowed_algorithms').join(','),
    POWERTOOLS_SERVICE_NAME: authorizerFunctionName,
    NODE_OPTIONS: '--enable-source-maps',
    LOG_LEVEL: logLevel,
    ...emulator.extraAuthorizerEnvironment,
  };

  return {
    region,
    accountId: LOCAL_ACCOUNT_ID,
    apiId: LOCAL_API_ID,
    stageName,
    staticTokens,
    mcp: {
      functionName: mcpFunctionName,
      bundlePath: emulator.mcpBundlePath,
      memorySizeMb: num(vars, 'mcp_memory_size'),
      timeoutSeconds: num(vars, 'mcp_timeout_seconds'),
      concurrencyLimit: concurrencyLimitOf(vars, 'mcp_reserved_concurrency'),
      environment: mcpEnvironment,
    },
    authorizerFunction: {
      functionName: authorizerFunctionName,
      bundlePath: emulator.authorizerBundlePath,
      memorySizeMb: num(vars, 'authorizer_memory_size'),
      timeoutSeconds: num(vars, 'authorizer_timeout_seconds'),
      concurrencyLimit: concurrencyLimitOf(vars, 'authorizer_reserved_concurrency'),
      environment: authorizerEnvironment,
    },
    authorizer: {
      type: authorizerType,
      identitySources: identitySourcesOf(str(vars, 'authorizer_identity_source')),
      validationExpression: validation ? new RegExp(validation) : undefined,
      resultTtlSeconds: num(vars, 'authorizer_result_ttl_seconds'),
    },
    throttling: { rateLimit: num(vars, 'throttling_rate_limit'), burstLimit: num(vars, 'throttling_burst_limit') },
    integrationTimeoutMs: streamingEnabled
      ? Math.min(
          STREAMING_INTEGRATION_TIMEOUT_MAX_MS,
          Math.max(INTEGRATION_TIMEOUT_MS, num(vars, 'mcp_timeout_seconds') * 1000),
        )
      : INTEGRATION_TIMEOUT_MS,
    streamingEnabled,
  };
}
