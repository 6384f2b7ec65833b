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
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** IAM ARN patterns: `*` matches any run of characters, `?` any one character. */
function arnMatches(pattern: string, arn: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return regex.test(arn);
}

function statementMatches(statement: PolicyStatement, methodArn: string): boolean {
  const actions = asArray(statement.Action).map(String);
  const actionOk = actions.some((action) => action === '*' || action === 'execute-api:*' || action === 'execute-api:Invoke');
  return actionOk && asArray(statement.Resource).some((resource) => arnMatches(String(resource), methodArn));
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

export class LambdaAuthorizer {
  private readonly cache = new Map<string, CachedPolicy>();

  constructor(
    private readonly settings: AuthorizerSettings,
    private readonly invoke: InvokeAuthorizer,
  ) {}

  methodArn(route: GatewayRoute, method: string, region: string): string {
    return `arn:aws:execute-api:${region}:${route.accountId}:${route.apiId}/${route.stage}/${method}${route.resourcePath}`;
  }

  async authorize(request: GatewayHttpRequest, route: GatewayRoute, methodArn: string): Promise<AuthorizationDecision> {
    // Every identity source must be present and non-empty, or API Gateway answers 401 without
    // invoking the authorizer; together they are the cache key ("identitySource", CreateAuthorizer,
    // https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html).
    const values = this.settings.identitySources.map((source) =>
      source.in === 'header' ? headerValue(request.headers, source.name) : (request.query.getAll(source.name).at(-1) ?? undefined),
    );
    if (values.some((value) => value === undefined || value.trim() === '')) return { kind: 'unauthorized' };
    const identity = (values as string[]).join('\u0000');
    if (this.settings.type === 'TOKEN' && this.settings.validationExpression && !this.settings.validationExpression.test(identity)) {
      return { kind: 'unauthorized' };
    }

    const cached = this.cache.get(identity);
    if (cached && cached.expiresAt > Date.now()) return this.decide(cached, methodArn, true);

    const event =
      this.settings.type === 'TOKEN' ? tokenAuthorizerEvent(identity, methodArn) : requestAuthorizerEvent(request, route, methodArn);
    const outcome = await this.invoke(event);
    if (outcome.kind === 'throttled') return { kind: 'failure', reason: 'authorizer throttled' };
    if (outcome.kind === 'function-error') {
      // The documented way to answer 401 from an authorizer is the error message "Unauthorized".
      if (outcome.error.errorMessage === 'Unauthorized') return { kind: 'unauthorized' };
      return { kind: 'failure', reason: `${outcome.error.errorType}: ${outcome.error.errorMessage}` };
    }
    const result = outcome.result as { principalId?: unknown; policyDocument?: { Statement?: unknown }; context?: unknown } | null;
    const context = readContext(result?.context);
    if (!result || typeof result.principalId !== 'string' || !result.policyDocument || context === undefined) {
      return { kind: 'configuration-error', reason: 'authorizer returned a malformed policy' };
    }
    const policy: CachedPolicy = {
      expiresAt: Date.now() + this.settings.resultTtlSeconds * 1000,
      principalId: result.principalId,
      statements: asArray(result.policyDocument.Statement) as PolicyStatement[],
      context,
    };
    // The cached policy is reused for every method and resource the identity calls next.
    if (this.settings.resultTtlSeconds > 0) this.cache.set(identity, policy);
    return this.decide(policy, methodArn, false);
  }

  private decide(policy: CachedPolicy, methodArn: string, cached: boolean): AuthorizationDecision {
    if (evaluate(policy.statements, methodArn) === 'deny') return { kind: 'denied' };
    return { kind: 'allow', context: { ...policy.context, principalId: policy.principalId }, cached };
  }

  flush(): void {
    this.cache.clear();
  }
}
