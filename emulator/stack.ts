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
import { readStackConfig, type StackConfig } from './config/stack-config.ts';
import { readTerraformVariables, type TerraformVariables } from './config/terraform-variables.ts';
import { gatewayResponse } from './gateway/gateway-responses.ts';
import { LambdaAuthorizer } from './gateway/lambda-authorizer.ts';
import type { StreamLimits } from './gateway/streamed-integration.ts';
import { readGatewayResponses } from './gateway/terraform-gateway-responses.ts';
import { RestApi, writeResponse, type AccessLogEntry } from './gateway/rest-api.ts';
import { TurnScheduler } from './gateway/turn-scheduler.ts';
import { readRoutes } from './gateway/terraform-routes.ts';
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
  /**
   * The build to run (`dist/` by default, what Terraform deploys); tests run the test build
   * (`.local/test-dist/`, see shared/lambda-artifacts.ts) or an example server's build.
   */
  readonly distDir?: string;
  /** Extra variables for the MCP function, e.g. `MCP_FAULT_TOOLS=on` (test build) for fault-injection tests. */
  readonly mcpEnvironment?: Readonly<Record<string, string>>;
  /** Extra variables for the authorizer function, e.g. `AUTHORIZER_FAULT_TOKENS=on` for fault-injection tests. */
  readonly authorizerEnvironment?: Readonly<Record<string, string>>;
  /** Only for tests: shorter API Gateway streaming limits; the defaults are AWS's. */
  readonly streamLimits?: StreamLimits;
  /** Only for tests that cannot wait 29 s; the default is API Gateway's. */
  readonly integrationTimeoutMs?: number;
  readonly onAccess?: (entry: AccessLogEntry) => void;
  /** How long a request's headers and body may take to arrive; the default is REQUEST_TIMEOUT_MS. */
  readonly requestTimeoutMs?: number;
  /** Called once when a log file cannot be written: logging goes on in memory only. */
  readonly onLogWarning?: (message: string) => void;
  /** Bytes of log events kept in memory per log group (oldest dropped first); default DEFAULT_MAX_BYTES_PER_GROUP. */
  readonly maxLogBytesPerGroup?: number;
  /** Bytes of log events kept in memory over all groups; default DEFAULT_MAX_TOTAL_BYTES. */
  readonly maxLogBytesTotal?: number;
}

export interface StopOptions {
  /** Lets requests in flight finish for up to this long before connections are cut (default 0). */
  readonly drainMs?: number;
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
  /** Requests being answered now. */
  inFlight(): number;
  /** Stops accepting, drains requests in flight (bounded by `drainMs`), then stops every process. */
  stop(options?: StopOptions): Promise<void>;
}

/** Environments not invoked for this long are reclaimed; AWS documents no fixed figure. */
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;
/**
 * How long a request's headers and body may take to arrive. API Gateway documents no body-read
 * timeout; 30 s (its integration timeout is 29 s) bounds slow-body connections without cutting
 * any request a real client sends.
 */
export const REQUEST_TIMEOUT_MS = 30_000;
/**
 * Connections the kernel holds until the gateway accepts them (capped by net.core.somaxconn).
 * Node's default, 511, is less than a 1,000-connection load test opens at once: the excess SYNs
 * are dropped and retried after 1, 3, 7, 15 s..., which a client sees as a stall or a timeout,
 * where API Gateway would accept the connection.
 */
export const ACCEPT_BACKLOG = 4096;
/**
 * Requests the gateway starts per turn of its event loop (emulator/gateway/turn-scheduler.ts): few
 * enough that a turn stays short and new connections are accepted promptly under a 1,000-connection
 * load, enough that the per-turn cost is spread thin.
 */
export const REQUESTS_PER_TURN = 16;

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
  // Requests being answered: a stop lets them finish (for a bounded time) before the tree goes.
  let inFlight = 0;
  let draining = false;
  let drained: (() => void) | undefined;
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const turns = new TurnScheduler(REQUESTS_PER_TURN);
  // Node checks the request timeout on this interval (30 s by default): check often enough to hold it.
  const server: Server = createServer(
    { connectionsCheckingInterval: Math.min(1000, requestTimeoutMs / 2) },
    (req, res) => {
      inFlight += 1;
      if (draining) res.setHeader('connection', 'close');
      res.once('close', () => {
        inFlight -= 1;
        if (inFlight === 0) drained?.();
      });
      turns.schedule(() => {
        route(req, res).catch((error: unknown) => {
          console.error('embedded stack: unexpected error', error);
          if (!res.headersSent) writeResponse(res, gatewayResponse('LAMBDA_FUNCTION_ERROR', 'internal'));
          else res.destroy();
        });
      });
    },
  );
  // The request (headers and body) must arrive within these limits; a connection that trickles
  // its body is closed with 408. Once a request is read, its response (even a stream lasting
  // minutes) is no longer subject to them. Idle keep-alive connections close after keepAliveTimeout.
  server.headersTimeout = requestTimeoutMs;
  server.requestTimeout = requestTimeoutMs;
  server.keepAliveTimeout = 65_000;
  server.timeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port ?? 3000, host, backlog: ACCEPT_BACKLOG }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  // Listening on every address (in a container): clients reach the stack through a port published
  // on the loopback, so that is the origin the stage URL and the RFC 9728 metadata name.
  const origin = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`;
  const stageName = String(variables.stage_name);
  const baseUrl = `${origin}/${stageName}`;

  // One task store per stack, shared by all its MCP execution environments (separate processes),
  // as one DynamoDB table serves every Lambda environment; removed when the stack stops.
  const taskStoreDir =
    variables.tasks_enabled === true ? await mkdtemp(path.join(tmpdir(), 'stateless-mcp-tasks-')) : undefined;
  const abandon = async (): Promise<void> => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (taskStoreDir) await rm(taskStoreDir, { recursive: true, force: true });
  };
  let baseConfig: StackConfig;
  try {
    baseConfig = await readStackConfig(terraformDir, variables, {
      mcpBundlePath: distPaths('mcp-server', options.distDir).bundle,
      authorizerBundlePath: distPaths('authorizer', options.distDir).bundle,
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
  const config: StackConfig = {
    ...baseConfig,
    integrationTimeoutMs: options.integrationTimeoutMs ?? baseConfig.integrationTimeoutMs,
  };

  // Each function runs on the Node.js major of its own `runtime` (terraform/lambda.tf).
  const runtime: NodeRuntime = resolveNodeRuntime(config.mcp.runtime);
  const authorizerRuntime: NodeRuntime =
    config.authorizerFunction.runtime === config.mcp.runtime
      ? runtime
      : resolveNodeRuntime(config.authorizerFunction.runtime);
  const onRuntime = (node: NodeRuntime) => ({
    nodePath: node.nodePath,
    nodeVersion: node.nodeVersion,
    lambdaRuntime: node.lambdaRuntime,
  });
  const logs = new LogStore({
    ...(options.logDir ? { mirrorDir: options.logDir } : {}),
    ...(options.maxLogBytesPerGroup ? { maxBytesPerGroup: options.maxLogBytesPerGroup } : {}),
    ...(options.maxLogBytesTotal ? { maxTotalBytes: options.maxLogBytesTotal } : {}),
    onWarning: options.onLogWarning ?? ((message) => console.warn(message)),
  });
  await logs.checkMirror();
  const retention = typeof variables.log_retention_days === 'number' ? variables.log_retention_days : undefined;
  const poolOptions = {
    region: config.region,
    accountId: config.accountId,
    logs,
    runtimePath: EMULATOR_RUNTIME.bundle,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    ...(retention === undefined ? {} : { logRetentionDays: retention }),
  };
  const mcp = new FunctionPool({ ...poolOptions, ...onRuntime(runtime), fn: config.mcp });
  const authorizerFunction = new FunctionPool({
    ...poolOptions,
    ...onRuntime(authorizerRuntime),
    fn: config.authorizerFunction,
  });
  const authorizer = new LambdaAuthorizer(config.authorizer, (event) => authorizerFunction.invoke(event));
  const logsApi = createLogsApi(logs, config.region, config.accountId);
  // terraform/gateway_responses.tf itself: 401 and 403 point clients at the RFC 9728 metadata.
  const gatewayResponses = await readGatewayResponses(
    terraformDir,
    {
      stage_url: baseUrl,
      mcp_url: `${baseUrl}/mcp`,
      protected_resource_metadata_url: `${baseUrl}/.well-known/oauth-protected-resource`,
    },
    variables,
  );
  // terraform/api_gateway.tf and cors.tf themselves: methods, authorization, Lambda or MOCK.
  const routes = await readRoutes(terraformDir, variables);
  const restApi = new RestApi({
    config,
    invokeMcp: (event, requestId, onChunk) => mcp.invoke(event, requestId, onChunk),
    mcpRejectsInvocation: () => mcp.rejectsInvocation(),
    authorizer,
    routes,
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
    inFlight: () => inFlight,
    async stop(stopOptions: StopOptions = {}) {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0 && (stopOptions.drainMs ?? 0) > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, stopOptions.drainMs);
          drained = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      server.closeAllConnections();
      await closed;
      authorizer.close();
      await Promise.all([mcp.close(), authorizerFunction.close()]);
      await logs.close();
      if (taskStoreDir) await rm(taskStoreDir, { recursive: true, force: true });
    },
  };
}
