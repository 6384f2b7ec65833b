/**
 * The embedded stack: an emulated API Gateway REST API stage with the Lambda authorizer, the MCP
 * function's execution environments, and a CloudWatch Logs endpoint, all on one loopback port.
 * Settings come from the Terraform variables, so what runs here is what `terraform apply` deploys.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { distPaths, EMULATOR_RUNTIME, repoRoot } from '../shared/lambda-artifacts.ts';
import { stackConfigFromTerraform, type StackConfig } from './config/stack-config.ts';
import { readTerraformVariables, type TerraformVariables } from './config/terraform-variables.ts';
import { gatewayResponse } from './gateway/gateway-responses.ts';
import { LambdaAuthorizer } from './gateway/lambda-authorizer.ts';
import type { StreamLimits } from './gateway/streamed-integration.ts';
import { readGatewayResponses } from './gateway/terraform-gateway-responses.ts';
import { RestApi, writeResponse, type AccessLogEntry } from './gateway/rest-api.ts';
import { FunctionPool } from './lambda/function-pool.ts';
import { resolveNodeRuntime, type NodeRuntime } from './lambda/node-runtime.ts';
import { createLogsApi } from './logs/cloudwatch-logs-api.ts';
import { LogStore } from './logs/log-store.ts';

export interface StartStackOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  readonly terraformDir?: string;
  readonly varFiles?: readonly string[];
  /** Terraform variable values, as `-var name=value` would set them. */
  readonly overrides?: TerraformVariables;
  /** Tokens to use when Terraform's `static_tokens` is empty. */
  readonly fallbackTokens?: readonly string[];
  readonly idleTimeoutMs?: number;
  readonly logDir?: string;
  /** Extra variables for the MCP function, e.g. `MCP_FAULT_TOOLS=on` for fault-injection tests. */
  readonly mcpEnvironment?: Readonly<Record<string, string>>;
  /** Extra variables for the authorizer function, e.g. `AUTHORIZER_FAULT_TOKENS=on` for fault-injection tests. */
  readonly authorizerEnvironment?: Readonly<Record<string, string>>;
  /** Only for tests: shorter API Gateway streaming limits; the defaults are AWS's. */
  readonly streamLimits?: StreamLimits;
  /** Only for tests that cannot wait 29 s; the default is API Gateway's. */
  readonly integrationTimeoutMs?: number;
  readonly onAccess?: (entry: AccessLogEntry) => void;
}

export interface RunningStack {
  readonly baseUrl: string;
  readonly endpoint: string;
  /** Endpoint for `new CloudWatchLogsClient({ endpoint })`. */
  readonly logsEndpoint: string;
  readonly tokens: readonly string[];
  readonly config: StackConfig;
  readonly logs: LogStore;
  readonly mcp: FunctionPool;
  readonly authorizerFunction: FunctionPool;
  readonly authorizer: LambdaAuthorizer;
  /** The Node.js binary the execution environments run on, and whether it matches `lambda_runtime`. */
  readonly runtime: NodeRuntime;
  stop(): Promise<void>;
}

/** Environments not invoked for this long are reclaimed; AWS documents no fixed figure. */
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;

export async function startStack(options: StartStackOptions = {}): Promise<RunningStack> {
  const host = options.host ?? '127.0.0.1';
  const terraformDir = options.terraformDir ?? path.join(repoRoot, 'terraform');
  const variables = await readTerraformVariables(terraformDir, {
    varFiles: options.varFiles ?? [],
    overrides: options.overrides ?? {},
  });

  // Listen first: the stage URL (port included) is part of the configuration (JWT audience).
  let route: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async (_req, res) => {
    res.writeHead(503).end();
  };
  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      console.error('embedded stack: unexpected error', error);
      if (!res.headersSent) writeResponse(res, gatewayResponse('LAMBDA_FUNCTION_ERROR', 'internal'));
      else res.destroy();
    });
  });
  // Long-running streamed responses must not be cut by Node's default request timeout.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host}:${port}`;
  const stageName = String(variables.stage_name);
  const baseUrl = `${origin}/${stageName}`;

  // One task store per stack, shared by all its MCP execution environments (separate processes),
  // as one DynamoDB table serves every Lambda environment; removed when the stack stops.
  const taskStoreDir = variables.tasks_enabled === true ? await mkdtemp(path.join(tmpdir(), 'stateless-mcp-tasks-')) : undefined;
  const abandon = async (): Promise<void> => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (taskStoreDir) await rm(taskStoreDir, { recursive: true, force: true });
  };
  let baseConfig: StackConfig;
  try {
    baseConfig = stackConfigFromTerraform(variables, {
    mcpBundlePath: distPaths('mcp-server').bundle,
    authorizerBundlePath: distPaths('authorizer').bundle,
    fallbackTokens: options.fallbackTokens ?? [],
    mcpEndpointUrl: `${baseUrl}/mcp`,
    ...(taskStoreDir ? { taskStoreDir } : {}),
    extraMcpEnvironment: {
      // Loopback servers are what DNS rebinding targets; API Gateway's own host needs no list.
      MCP_ALLOWED_HOSTS: '127.0.0.1,localhost,[::1]',
      MCP_ALLOWED_ORIGINS: '127.0.0.1,localhost,[::1]',
      ...options.mcpEnvironment,
    },
    ...(options.authorizerEnvironment ? { extraAuthorizerEnvironment: options.authorizerEnvironment } : {}),
    });
  } catch (error) {
    // A configuration the stack refuses must not leave the port or the task directory behind.
    await abandon();
    throw error;
  }
  const config: StackConfig = { ...baseConfig, integrationTimeoutMs: options.integrationTimeoutMs ?? baseConfig.integrationTimeoutMs };

  const runtime: NodeRuntime = resolveNodeRuntime(String(variables.lambda_runtime));
  const logs = new LogStore(options.logDir);
  const retention = typeof variables.log_retention_days === 'number' ? variables.log_retention_days : undefined;
  const poolOptions = {
    region: config.region,
    accountId: config.accountId,
    logs,
    runtimePath: EMULATOR_RUNTIME.bundle,
    nodePath: runtime.nodePath,
    nodeVersion: runtime.nodeVersion,
    lambdaRuntime: runtime.lambdaRuntime,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    ...(retention === undefined ? {} : { logRetentionDays: retention }),
  };
  const mcp = new FunctionPool({ ...poolOptions, fn: config.mcp });
  const authorizerFunction = new FunctionPool({ ...poolOptions, fn: config.authorizerFunction });
  const authorizer = new LambdaAuthorizer(config.authorizer, (event) => authorizerFunction.invoke(event));
  const logsApi = createLogsApi(logs, config.region, config.accountId);
  // terraform/gateway_responses.tf itself: 401 and 403 point clients at the RFC 9728 metadata.
  const gatewayResponses = await readGatewayResponses(terraformDir, {
    stage_url: baseUrl,
    mcp_url: `${baseUrl}/mcp`,
    protected_resource_metadata_url: `${baseUrl}/.well-known/oauth-protected-resource`,
  });
  const restApi = new RestApi({
    config,
    invokeMcp: (event, requestId, onChunk) => mcp.invoke(event, requestId, onChunk),
    authorizer,
    gatewayResponses,
    ...(options.streamLimits ? { streamLimits: options.streamLimits } : {}),
    ...(options.onAccess ? { onAccess: options.onAccess } : {}),
  });
  route = (req, res) => (logsApi.accepts(req) ? logsApi.handle(req, res) : restApi.handle(req, res));

  return {
    baseUrl,
    endpoint: `${baseUrl}/mcp`,
    logsEndpoint: origin,
    tokens: config.staticTokens,
    config,
    logs,
    mcp,
    authorizerFunction,
    authorizer,
    runtime,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([mcp.close(), authorizerFunction.close()]);
      if (taskStoreDir) await rm(taskStoreDir, { recursive: true, force: true });
    },
  };
}
