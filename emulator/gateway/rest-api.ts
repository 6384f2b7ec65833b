/**
 * The emulated API Gateway REST API stage: routes, stage throttling, the Lambda authorizer, and
 * the Lambda proxy integration, in the order API Gateway applies them.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayHttpResponse } from '../../server/gateway/proxy-event.ts';
import type { StackConfig } from '../config/stack-config.ts';
import { INIT_TIMEOUT_MS } from '../lambda/execution-environment.ts';
import type { InvokeOutcome } from '../lambda/function-pool.ts';
import { LAMBDA_PAYLOAD_BYTES } from '../lambda/runtime-protocol.ts';
import { gatewayResponse, type GatewayResponseType } from './gateway-responses.ts';
import type { GatewayResponseCustomisations } from './terraform-gateway-responses.ts';
import type { LambdaAuthorizer } from './lambda-authorizer.ts';
import {
  MalformedProxyResultError,
  fromProxyResult,
  toProxyEvent,
  type GatewayHttpRequest,
  type GatewayRoute,
} from './proxy-event-builder.ts';
import type { MockResponse, RouteDefinition } from './terraform-routes.ts';
import { TokenBucket } from './stage-throttle.ts';
import { streamIntegration, type StreamEnd, type StreamLimits } from './streamed-integration.ts';

/** API Gateway's maximum request payload (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html). */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
export { LAMBDA_PAYLOAD_BYTES };

/**
 * Integration response headers API Gateway REST APIs rename to `x-amzn-Remapped-<name>`
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html).
 * This is why the 401 challenge must come from a gateway response, not from the function.
 */
const REMAPPED_RESPONSE_HEADERS = new Set([
  'authorization',
  'connection',
  'content-length',
  'date',
  'proxy-authenticate',
  'server',
  'transfer-encoding',
  'upgrade',
  'via',
  'www-authenticate',
]);

export type InvokeFunction = (
  event: unknown,
  requestId: string,
  onChunk?: (chunk: Buffer) => void,
) => Promise<InvokeOutcome>;

export interface RestApiDependencies {
  readonly config: StackConfig;
  readonly invokeMcp: InvokeFunction;
  /**
   * True when an MCP invocation made now would be throttled (counted as one); lets a throttled
   * request skip building its event. Without it, the invocation itself reports the throttle.
   */
  readonly mcpRejectsInvocation?: () => boolean;
  readonly authorizer: LambdaAuthorizer;
  /** terraform/'s methods and integrations (emulator/gateway/terraform-routes.ts). */
  readonly routes: readonly RouteDefinition[];
  /** From terraform/'s aws_api_gateway_gateway_response resources. */
  readonly gatewayResponses: GatewayResponseCustomisations;
  /**
   * Response-streaming limits (idle timeout, maximum duration) when `streamingEnabled`; unset
   * fields are AWS's (emulator/gateway/streamed-integration.ts). Tests shorten them to watch the cuts.
   */
  readonly streamLimits?: StreamLimits;
  readonly onAccess?: (entry: AccessLogEntry) => void;
}

export interface AccessLogEntry {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly latencyMs: number;
  readonly integrationLatencyMs: number | undefined;
  readonly responseType: GatewayResponseType | undefined;
  /** Streamed integrations only: how the client's response ended (complete, cut by a limit, client gone). */
  readonly streamEnd?: StreamEnd;
  /** The client hung up before any answer went out (status is then 0). */
  readonly clientDisconnected?: true;
}

type BodyRead = Buffer | 'too-large' | 'client-disconnected';

/**
 * Reads the body up to `limit` bytes. A client that hangs up mid-body is an outcome, not an error:
 * there is no one left to answer, but the request still gets its access-log line.
 */
function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  // The client may have hung up while the route and the authorizer were being decided.
  if (req.destroyed && !req.complete) return Promise.resolve('client-disconnected');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', () => resolve('client-disconnected'));
    req.on('close', () => {
      if (!req.complete) resolve('client-disconnected');
    });
  });
}

const NO_BODY = Buffer.alloc(0);

/**
 * An upper bound of the proxy event's JSON size without serialising it: JSON spends at most 6
 * bytes on one character (`\u00XX`), headers and query appear twice (single- and multi-value
 * maps), and the rest of the event (request context) is a few kilobytes. Only events whose bound
 * passes Lambda's quota are serialised to be measured exactly.
 */
function eventSizeBound(request: GatewayHttpRequest, rawUrlLength: number, contextChars: number): number {
  let headerChars = 0;
  for (const [name, value] of request.headers) headerChars += name.length + value.length + 8;
  return 6 * (request.body.length + 2 * headerChars + 3 * rawUrlLength + contextChars) + 16 * 1024;
}

/** API Gateway sets X-Forwarded-Proto and X-Forwarded-Port itself; a client's own are not passed on. */
function isGatewaySetHeader(name: string): boolean {
  if (name.length !== 17 && name.length !== 16) return false;
  const lower = name.toLowerCase();
  return lower === 'x-forwarded-proto' || lower === 'x-forwarded-port';
}

function headerPairs(req: IncomingMessage): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (!isGatewaySetHeader(raw[i]!)) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}

/** `JSON.stringify(context).length`, once per authorizer context (a cached policy hands out the same object). */
const contextLengths = new WeakMap<object, number>();
function contextLength(context: object | undefined): number {
  if (!context) return 0;
  let length = contextLengths.get(context);
  if (length === undefined) {
    length = JSON.stringify(context).length;
    contextLengths.set(context, length);
  }
  return length;
}

function remapIntegrationHeaders(headers: GatewayHttpResponse['headers']): Array<[string, string]> {
  return headers.map(([name, value]) =>
    REMAPPED_RESPONSE_HEADERS.has(name.toLowerCase()) ? [`x-amzn-Remapped-${name}`, value] : [name, value],
  );
}

/**
 * Writes a response in one `writeHead` (a flat name/value list keeps repeated headers). The body's
 * own length replaces any Content-Length; with `requestId`, it replaces any X-Amzn-RequestId too.
 */
export function writeResponse(res: ServerResponse, response: GatewayHttpResponse, requestId?: string): void {
  const flat: string[] = [];
  for (const [name, value] of response.headers) {
    const lower = name.toLowerCase();
    if (lower === 'content-length' || (requestId !== undefined && lower === 'x-amzn-requestid')) continue;
    flat.push(name, value);
  }
  if (requestId !== undefined) flat.push('x-amzn-RequestId', requestId);
  flat.push('content-length', String(response.body.length));
  res.writeHead(response.statusCode, flat);
  res.end(response.body);
}

/**
 * A MOCK integration's answer: its integration response's status, static headers and template;
 * the template's `$context.responseOverride` sets Access-Control-Allow-Origin for a listed Origin
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-override-request-response-parameters.html).
 */
function mockAnswer(response: MockResponse, origin: string | undefined): GatewayHttpResponse {
  const allowOrigin: Array<[string, string]> =
    origin !== undefined && response.allowOrigins.includes(origin) ? [['Access-Control-Allow-Origin', origin]] : [];
  return {
    statusCode: response.statusCode,
    headers: [
      ['content-type', 'application/json'],
      ...response.headers.map(([name, value]): [string, string] => [name, value]),
      ...allowOrigin,
    ],
    body: Buffer.from(response.body),
  };
}

export class RestApi {
  /**
   * The stage's method settings for every method throttle each API method on its own: "Per-API, per-stage
   * throttling limits are applied at the API method level for a stage"
   * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html).
   * `ANY /mcp` is one method, whatever verb reaches it.
   */
  private readonly buckets = new Map<RouteDefinition, TokenBucket>();
  /** Resource path → (verb → method), looked up once per request instead of scanning the routes. */
  private readonly routeTable = new Map<string, Map<string, RouteDefinition>>();
  private readonly stagePrefix: string;
  /**
   * Whether API Gateway's integration timeout can still fire before the invocation settles on its
   * own (the function's INIT and its timeout bound the invocation); when it cannot, no timer is set.
   */
  private readonly integrationTimeoutMayFire: boolean;

  constructor(private readonly deps: RestApiDependencies) {
    this.stagePrefix = `/${deps.config.stageName}`;
    for (const route of deps.routes) {
      let methods = this.routeTable.get(route.resourcePath);
      if (!methods) {
        methods = new Map();
        this.routeTable.set(route.resourcePath, methods);
      }
      // The first definition wins, as matchRoute's scan does.
      if (!methods.has(route.method)) methods.set(route.method, route);
    }
    this.integrationTimeoutMayFire =
      deps.config.mcp.timeoutSeconds * 1000 + INIT_TIMEOUT_MS >= deps.config.integrationTimeoutMs;
  }

  /** The method for a verb, else the resource's ANY method (terraform-routes.ts, matchRoute). */
  private routeFor(resourcePath: string, method: string): RouteDefinition | undefined {
    const methods = this.routeTable.get(resourcePath);
    return methods?.get(method) ?? methods?.get('ANY');
  }

  private bucketOf(route: RouteDefinition): TokenBucket {
    let bucket = this.buckets.get(route);
    if (!bucket) {
      bucket = new TokenBucket(this.deps.config.throttling.rateLimit, this.deps.config.throttling.burstLimit);
      this.buckets.set(route, bucket);
    }
    return bucket;
  }

  /** Handles a request whose path starts with `/<stage>`; anything else is not this stage's. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    // A client that hangs up before its body is read makes the request emit 'error' (aborted):
    // an expected event, seen by readBody, never an uncaught exception.
    req.on('error', () => undefined);
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    let integrationLatencyMs: number | undefined;
    let responseType: GatewayResponseType | undefined;

    // One access-log entry per request, whichever way it ends.
    const logAccess = (status: number, end: Pick<AccessLogEntry, 'streamEnd' | 'clientDisconnected'> = {}): void => {
      this.deps.onAccess?.({
        requestId,
        method,
        path: url.pathname,
        status,
        latencyMs: performance.now() - started,
        integrationLatencyMs,
        responseType,
        ...end,
      });
    };
    const respond = (response: GatewayHttpResponse): void => {
      writeResponse(res, response, requestId);
      logAccess(response.statusCode);
    };
    // The client hung up before an answer could go out: nothing to write, but the request is logged.
    const clientGone = (): void => logAccess(0, { clientDisconnected: true });
    const requestHeader = (name: string): string | undefined => {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(',') : value;
    };
    const fail = (type: GatewayResponseType): void => {
      responseType = type;
      respond(gatewayResponse(type, requestId, this.deps.gatewayResponses, requestHeader));
    };

    // A declared length over the quota is refused before anything else is read.
    if (Number(req.headers['content-length'] ?? '0') > MAX_PAYLOAD_BYTES) {
      req.resume();
      return fail('REQUEST_TOO_LARGE');
    }

    const { stagePrefix } = this;
    const resourcePath =
      url.pathname.startsWith(stagePrefix) && url.pathname.charCodeAt(stagePrefix.length) === 47 /* '/' */
        ? url.pathname.slice(stagePrefix.length)
        : undefined;
    const route = resourcePath === undefined ? undefined : this.routeFor(resourcePath, method);
    if (!route || resourcePath === undefined) return fail('MISSING_AUTHENTICATION_TOKEN');
    if (!this.bucketOf(route).tryTake()) return fail('THROTTLED');
    // MOCK integrations in terraform/ (405 for GET/DELETE on /mcp, the CORS preflight) take no
    // authorizer there, and are answered by API Gateway without a function.
    if (route.integration.kind === 'mock' && !route.authorized)
      return respond(mockAnswer(route.integration.response, requestHeader('origin')));

    // The body is read only once the route, the throttle and the authorizer let the request in:
    // an authorizer's input carries no body (api-gateway-lambda-authorizer-input.html), so a
    // refused request never costs its body. Until then the socket applies backpressure.
    const request: GatewayHttpRequest = {
      method,
      path: resourcePath,
      query: url.searchParams,
      headers: [
        ...headerPairs(req),
        ['X-Forwarded-For', req.socket.remoteAddress ?? '127.0.0.1'],
        ['X-Forwarded-Port', String(req.socket.localPort ?? '')],
        ['X-Forwarded-Proto', 'http'],
      ],
      body: NO_BODY,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    };
    const gatewayRoute: GatewayRoute = {
      resourcePath: route.resourcePath,
      stage: this.deps.config.stageName,
      apiId: this.deps.config.apiId,
      accountId: this.deps.config.accountId,
      domainName: req.headers.host ?? 'localhost',
      requestId,
      requestTimeEpoch: Date.now(),
      binaryMediaTypes: [],
    };

    let authorizerContext: GatewayRoute['authorizer'];
    if (route.authorized) {
      const methodArn = this.deps.authorizer.methodArn(gatewayRoute, method, this.deps.config.region);
      const decision = await this.deps.authorizer.authorize(request, gatewayRoute, methodArn);
      switch (decision.kind) {
        case 'unauthorized':
          return fail('UNAUTHORIZED');
        case 'denied':
          return fail('ACCESS_DENIED');
        case 'failure':
          return fail('AUTHORIZER_FAILURE');
        case 'configuration-error':
          return fail('AUTHORIZER_CONFIGURATION_ERROR');
        case 'allow':
          authorizerContext = decision.context;
      }
    }

    if (route.integration.kind === 'mock')
      return respond(mockAnswer(route.integration.response, requestHeader('origin')));
    const body = await readBody(req, MAX_PAYLOAD_BYTES);
    if (body === 'too-large') return fail('REQUEST_TOO_LARGE');
    if (body === 'client-disconnected') return clientGone();
    const withBody: GatewayHttpRequest = { ...request, body };
    // Lambda rejects the invocation when no environment is free and none may start
    // (TooManyRequestsException); API Gateway answers 500 "Internal server error"
    // (https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html,
    // https://repost.aws/knowledge-center/api-gateway-internal-server-error). Known before the
    // event is built, the answer is given without building it: nothing else would differ.
    if (this.deps.mcpRejectsInvocation?.()) return fail('LAMBDA_INVOKE_REJECTED');

    const event = toProxyEvent(withBody, { ...gatewayRoute, authorizer: authorizerContext });
    const contextChars = contextLength(authorizerContext);
    if (
      eventSizeBound(withBody, req.url?.length ?? 0, contextChars) > LAMBDA_PAYLOAD_BYTES &&
      Buffer.byteLength(JSON.stringify(event)) > LAMBDA_PAYLOAD_BYTES
    ) {
      return fail('LAMBDA_INVOKE_REJECTED');
    }

    const integrationStarted = performance.now();
    if (this.deps.config.streamingEnabled) {
      const start = await streamIntegration(res, (onChunk) => this.deps.invokeMcp(event, requestId, onChunk), {
        ...this.deps.streamLimits,
        integrationTimeoutMs: this.deps.config.integrationTimeoutMs,
        extraHeaders: [['x-amzn-RequestId', requestId]],
        remap: remapIntegrationHeaders,
      });
      integrationLatencyMs = performance.now() - integrationStarted;
      if (start.kind === 'timed-out') return fail('INTEGRATION_TIMEOUT');
      if (start.kind === 'throttled') return fail('LAMBDA_INVOKE_REJECTED');
      if (start.kind === 'function-error') return fail('LAMBDA_FUNCTION_ERROR');
      if (start.kind === 'client-disconnected') return clientGone();
      const streamEnd = await start.done;
      logAccess(start.statusCode, { streamEnd });
      return;
    }
    const outcome = await this.withIntegrationTimeout(this.deps.invokeMcp(event, requestId));
    integrationLatencyMs = performance.now() - integrationStarted;
    if (outcome === 'timed-out') return fail('INTEGRATION_TIMEOUT');
    if (outcome.kind === 'throttled') return fail('LAMBDA_INVOKE_REJECTED');
    if (outcome.kind === 'function-error') return fail('LAMBDA_FUNCTION_ERROR');
    // The runtime measures the payload it returns, as Lambda measures the response it receives.
    if (outcome.payloadBytes > LAMBDA_PAYLOAD_BYTES) return fail('LAMBDA_FUNCTION_ERROR');
    try {
      const response = fromProxyResult(outcome.result, outcome.body);
      respond({ ...response, headers: remapIntegrationHeaders(response.headers) });
    } catch (error) {
      if (error instanceof MalformedProxyResultError) return fail('LAMBDA_FUNCTION_ERROR');
      throw error;
    }
  }

  /** The function keeps running after API Gateway gives up, as on AWS; only the client is answered. */
  private withIntegrationTimeout(invocation: Promise<InvokeOutcome>): Promise<InvokeOutcome | 'timed-out'> {
    if (!this.integrationTimeoutMayFire) return invocation;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timed-out'>((resolve) => {
      timer = setTimeout(() => resolve('timed-out'), this.deps.config.integrationTimeoutMs);
    });
    return Promise.race([invocation, timeout]).finally(() => clearTimeout(timer));
  }
}
