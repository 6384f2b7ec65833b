/**
 * API Gateway's side of a Lambda authorizer: identity source checks, the authorizer's input event,
 * evaluation of the returned IAM policy against the method ARN, and result caching by identity
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html).
 */
import type { AuthorizerSettings } from '../config/stack-config.ts';
import type { AuthorizerContext } from '../../server/gateway/proxy-event.ts';
import { headerValue } from '../../server/gateway/proxy-event.ts';
import { requestAuthorizerEvent, tokenAuthorizerEvent } from './authorizer-event.ts';
import type { GatewayHttpRequest, GatewayRoute } from './proxy-event-builder.ts';
import type { InvokeOutcome } from '../lambda/function-pool.ts';

export type AuthorizationDecision =
  | { readonly kind: 'allow'; readonly context: AuthorizerContext; readonly cached: boolean }
  | { readonly kind: 'unauthorized' }
  | { readonly kind: 'denied' }
  | { readonly kind: 'failure'; readonly reason: string }
  | { readonly kind: 'configuration-error'; readonly reason: string };

export type InvokeAuthorizer = (event: unknown) => Promise<InvokeOutcome>;

interface PolicyStatement {
  readonly Effect?: unknown;
  readonly Action?: unknown;
  readonly Resource?: unknown;
}

interface CachedPolicy {
  readonly expiresAt: number;
  readonly principalId: string;
  readonly statements: readonly PolicyStatement[];
  readonly context: AuthorizerContext;
  /** The policy's answer per method ARN, worked out once. */
  readonly decisions: Map<string, 'allow' | 'deny'>;
  /** The context the integration receives (`principalId` included), built once per policy; never mutated. */
  readonly integrationContext: AuthorizerContext;
}

/** What one authorizer invocation concluded, shared by every request that waited on it. */
type InvocationResult =
  | { readonly kind: 'policy'; readonly policy: CachedPolicy }
  | { readonly kind: 'unauthorized' }
  | { readonly kind: 'failure'; readonly reason: string }
  | { readonly kind: 'configuration-error'; readonly reason: string };

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** Compiled IAM patterns, shared by every policy; bounded, as policies come from the function. */
const iamPatterns = new Map<string, RegExp>();
const MAX_IAM_PATTERNS = 10_000;

/**
 * IAM wildcards: `*` matches any run of characters, `?` any one character, everything else is
 * literal. Resource ARNs compare case-sensitively (IAM JSON policy elements: Resource,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html);
 * actions compare case-insensitively ("The prefix and the action name are case insensitive", IAM
 * JSON policy elements: Action,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
 */
function iamPatternMatches(pattern: string, value: string): boolean {
  let regex = iamPatterns.get(pattern);
  if (!regex) {
    regex = new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    );
    if (iamPatterns.size >= MAX_IAM_PATTERNS) iamPatterns.clear();
    iamPatterns.set(pattern, regex);
  }
  return regex.test(value);
}

/**
 * The action a caller needs on the method ARN ("Control access to an API with IAM permissions",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html).
 * A statement's Action may name it in any letter case and with `*`/`?` wildcards (`*`,
 * `execute-api:*`, `execute-api:Inv*`), as the IAM Action element documents: both sides are
 * compared in lower case.
 */
const INVOKE_ACTION_LOWER_CASE = 'execute-api:invoke';

function statementMatches(statement: PolicyStatement, methodArn: string): boolean {
  const actionOk = asArray(statement.Action).some((action) =>
    iamPatternMatches(String(action).toLowerCase(), INVOKE_ACTION_LOWER_CASE),
  );
  return actionOk && asArray(statement.Resource).some((resource) => iamPatternMatches(String(resource), methodArn));
}

/** An explicit Deny wins; otherwise an Allow is needed (IAM policy evaluation). */
function evaluate(statements: readonly PolicyStatement[], methodArn: string): 'allow' | 'deny' {
  const matching = statements.filter((statement) => statementMatches(statement, methodArn));
  if (matching.some((statement) => statement.Effect === 'Deny')) return 'deny';
  return matching.some((statement) => statement.Effect === 'Allow') ? 'allow' : 'deny';
}

/** Only string, number and boolean context values reach the integration; objects make it fail. */
function readContext(value: unknown): AuthorizerContext | undefined {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return undefined;
  const context: AuthorizerContext = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== null && typeof item === 'object') return undefined;
    context[key] = item as string | number | boolean | null;
  }
  return context;
}

/**
 * Caching, as "Control access to REST APIs using API Gateway Lambda authorizers" documents it
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html
 * and api-gateway-lambda-authorizer-output.html): with a TTL above 0, the policy the function
 * returns (Allow or Deny alike: a Deny is a policy like any other) is cached under the identity
 * source values and evaluated for every method the caller reaches until the TTL runs out. An
 * `Unauthorized` error, a failure or a malformed answer returns no policy, and nothing is cached
 * for it: the next request invokes the function again.
 *
 * Requests that arrive with the same identity while its invocation is under way wait for that
 * one invocation instead of starting their own, so a burst of one caller costs one invocation.
 */
export class LambdaAuthorizer {
  private readonly cache = new Map<string, CachedPolicy>();
  private readonly pending = new Map<string, Promise<InvocationResult>>();
  private readonly sweeper: NodeJS.Timeout | undefined;
  private invocationsInFlight = 0;
  private maxInFlight = 0;

  constructor(
    private readonly settings: AuthorizerSettings,
    private readonly invoke: InvokeAuthorizer,
  ) {
    // Expired entries are dropped as time passes, not only when their identity comes back.
    if (settings.resultTtlSeconds > 0) {
      this.sweeper = setInterval(() => this.evictExpired(), Math.max(1000, settings.resultTtlSeconds * 1000)).unref();
    }
  }

  /** Cached identities (expired ones included until the next sweep). */
  get cacheSize(): number {
    return this.cache.size;
  }

  /** The most authorizer invocations that were ever under way at once for one stack. */
  get peakInvocationsInFlight(): number {
    return this.maxInFlight;
  }

  evictExpired(now = Date.now()): void {
    for (const [identity, policy] of this.cache) if (policy.expiresAt <= now) this.cache.delete(identity);
  }

  methodArn(route: GatewayRoute, method: string, region: string): string {
    return `arn:aws:execute-api:${region}:${route.accountId}:${route.apiId}/${route.stage}/${method}${route.resourcePath}`;
  }

  async authorize(request: GatewayHttpRequest, route: GatewayRoute, methodArn: string): Promise<AuthorizationDecision> {
    // Every identity source must be present and non-empty, or API Gateway answers 401 without
    // invoking the authorizer; together they are the cache key ("identitySource", CreateAuthorizer,
    // https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html).
    const values = this.settings.identitySources.map((source) =>
      source.in === 'header'
        ? headerValue(request.headers, source.name)
        : (request.query.getAll(source.name).at(-1) ?? undefined),
    );
    if (values.some((value) => value === undefined || value.trim() === '')) return { kind: 'unauthorized' };
    const identity = (values as string[]).join('\u0000');
    if (
      this.settings.type === 'TOKEN' &&
      this.settings.validationExpression &&
      !this.settings.validationExpression.test(identity)
    ) {
      return { kind: 'unauthorized' };
    }

    const cached = this.cache.get(identity);
    if (cached) {
      if (cached.expiresAt > Date.now()) return this.decide(cached, methodArn, true);
      this.cache.delete(identity);
    }

    let invocation = this.pending.get(identity);
    const shared = invocation !== undefined;
    if (!invocation) {
      invocation = this.invokeFor(identity, request, route, methodArn).finally(() => this.pending.delete(identity));
      this.pending.set(identity, invocation);
    }
    const result = await invocation;
    if (result.kind !== 'policy') return result;
    return this.decide(result.policy, methodArn, shared);
  }

  private async invokeFor(
    identity: string,
    request: GatewayHttpRequest,
    route: GatewayRoute,
    methodArn: string,
  ): Promise<InvocationResult> {
    const event =
      this.settings.type === 'TOKEN'
        ? tokenAuthorizerEvent(identity, methodArn)
        : requestAuthorizerEvent(request, route, methodArn);
    this.invocationsInFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.invocationsInFlight);
    let outcome: InvokeOutcome;
    try {
      outcome = await this.invoke(event);
    } finally {
      this.invocationsInFlight -= 1;
    }
    if (outcome.kind === 'throttled') return { kind: 'failure', reason: 'authorizer throttled' };
    if (outcome.kind === 'function-error') {
      // The documented way to answer 401 from an authorizer is the error message "Unauthorized".
      if (outcome.error.errorMessage === 'Unauthorized') return { kind: 'unauthorized' };
      return { kind: 'failure', reason: `${outcome.error.errorType}: ${outcome.error.errorMessage}` };
    }
    const result = outcome.result as {
      principalId?: unknown;
      policyDocument?: { Statement?: unknown };
      context?: unknown;
    } | null;
    const context = readContext(result?.context);
    if (!result || typeof result.principalId !== 'string' || !result.policyDocument || context === undefined) {
      return { kind: 'configuration-error', reason: 'authorizer returned a malformed policy' };
    }
    const policy: CachedPolicy = {
      expiresAt: Date.now() + this.settings.resultTtlSeconds * 1000,
      principalId: result.principalId,
      statements: asArray(result.policyDocument.Statement) as PolicyStatement[],
      context,
      decisions: new Map(),
      integrationContext: Object.freeze({ ...context, principalId: result.principalId }),
    };
    // The cached policy is reused for every method and resource the identity calls next.
    if (this.settings.resultTtlSeconds > 0) this.cache.set(identity, policy);
    return { kind: 'policy', policy };
  }

  private decide(policy: CachedPolicy, methodArn: string, cached: boolean): AuthorizationDecision {
    let decision = policy.decisions.get(methodArn);
    if (!decision) {
      decision = evaluate(policy.statements, methodArn);
      policy.decisions.set(methodArn, decision);
    }
    if (decision === 'deny') return { kind: 'denied' };
    return { kind: 'allow', context: policy.integrationContext, cached };
  }

  flush(): void {
    this.cache.clear();
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}
