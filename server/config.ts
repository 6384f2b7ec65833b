/**
 * Typed configuration of the MCP function, read once per execution environment from the
 * variables Lambda (or the embedded stack) sets. Terraform is the source of these values.
 */
import { commaList, type Env } from './env.ts';

/**
 * Where the tasks extension keeps its tasks, shared by every execution environment:
 * `MCP_TASKS_TABLE` (DynamoDB, set by terraform/lambda.tf) or `MCP_TASK_STORE_DIR` (a directory,
 * set by the embedded stack). Neither: the extension is not offered at all.
 */
export type TaskStoreSettings =
  | { readonly kind: 'dynamodb'; readonly tableName: string }
  | { readonly kind: 'file'; readonly dir: string };

export interface ServerConfig {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly logStreamName: string;
  readonly region: string;
  readonly memorySizeMb: number;
  /** RFC 9728 `authorization_servers`; empty when tokens are static. */
  readonly authorizationServers: readonly string[];
  readonly scopesSupported: readonly string[];
  /** Key that signs multi-round-trip `requestState` (same on every environment); unset disables signing. */
  readonly requestStateKey: string | undefined;
  /** API Gateway response streaming (`streaming_enabled` in Terraform): SSE reaches clients as written. */
  readonly streamingEnabled: boolean;
  /** Hosts allowed in `Host`/`Origin` (DNS-rebinding defence); empty means "do not check". */
  readonly allowedHosts: readonly string[];
  readonly allowedOrigins: readonly string[];
  /** Browser origins given CORS headers (Terraform's `cors_allowed_origins`); empty: no CORS. */
  readonly corsAllowedOrigins: readonly string[];
  /** The tasks extension's store; undefined disables the extension. */
  readonly taskStore: TaskStoreSettings | undefined;
}

function taskStoreOf(env: Env): TaskStoreSettings | undefined {
  // A deployed table wins over a directory: a directory is never shared between real Lambda environments.
  if (env.MCP_TASKS_TABLE) return { kind: 'dynamodb', tableName: env.MCP_TASKS_TABLE };
  if (env.MCP_TASK_STORE_DIR) return { kind: 'file', dir: env.MCP_TASK_STORE_DIR };
  return undefined;
}

/** Every problem found in the MCP function's variables, reported at once (as the authorizer's config does). */
export class ServerConfigError extends Error {
  override readonly name = 'ServerConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid MCP server configuration: ${problems.join('; ')}`);
  }
}

/** A boolean spelled exactly one of two ways; unset (or empty) is false; anything else is a problem. */
function strictBoolean(
  name: string,
  raw: string | undefined,
  spellings: readonly [string, string],
  problems: string[],
): boolean {
  if (raw === undefined || raw === '') return false;
  if (raw === spellings[0]) return true;
  if (raw === spellings[1]) return false;
  problems.push(`${name} must be "${spellings[0]}" or "${spellings[1]}", got "${raw}"`);
  return false;
}

/** Lambda's memory size (`AWS_LAMBDA_FUNCTION_MEMORY_SIZE`, MB): a positive integer when set, 0 outside Lambda. */
function memorySize(raw: string | undefined, problems: string[]): number {
  if (raw === undefined || raw === '') return 0;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value <= 0) {
    problems.push(`AWS_LAMBDA_FUNCTION_MEMORY_SIZE must be a positive whole number of MB, got "${raw}"`);
    return 0;
  }
  return value;
}

/** Reads and checks the variables; throws {@link ServerConfigError} listing every problem. */
export function readServerConfig(env: Env = process.env): ServerConfig {
  const problems: string[] = [];
  const config: ServerConfig = {
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? 'stateless-mcp-server',
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST',
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME ?? `local/${process.pid}`,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    memorySizeMb: memorySize(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, problems),
    authorizationServers: commaList(env.AUTHORIZATION_SERVERS),
    scopesSupported: commaList(env.SCOPES_SUPPORTED),
    requestStateKey: env.MCP_REQUEST_STATE_KEY || undefined,
    // Terraform writes tostring(var.streaming_enabled): "true" or "false".
    streamingEnabled: strictBoolean('STREAMING_ENABLED', env.STREAMING_ENABLED, ['true', 'false'], problems),
    allowedHosts: commaList(env.MCP_ALLOWED_HOSTS),
    allowedOrigins: commaList(env.MCP_ALLOWED_ORIGINS),
    corsAllowedOrigins: commaList(env.MCP_CORS_ALLOWED_ORIGINS),
    taskStore: taskStoreOf(env),
  };
  if (problems.length > 0) throw new ServerConfigError(problems);
  return config;
}
