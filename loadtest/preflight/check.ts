/**
 * Plan against limits: for each quota or setting on the request path, what the plan needs, what
 * the stack allows, and what to raise. Pure.
 */
import type { Demand } from './demand.ts';

/** What the target allows, read from AWS (aws.ts) or from the Terraform variables (embedded.ts). */
export interface Limits {
  /** Where the figures come from, e.g. "AWS us-east-1 (account 123…)" or "embedded stack (terraform/)". */
  readonly source: string;
  readonly onAws: boolean;
  readonly lambdaAccount: {
    readonly concurrentExecutions: number;
    readonly unreservedConcurrentExecutions: number;
  } | null;
  readonly fn: {
    readonly name: string;
    /** Reserved concurrency; null = none (the function draws on the unreserved pool). */
    readonly reservedConcurrency: number | null;
    readonly memorySizeMb: number | null;
    readonly timeoutSeconds: number | null;
    readonly architecture: string | null;
  };
  /** The stage's throttle for POST /mcp: its own method setting, else `*∕*`, else none. */
  readonly stageThrottle: { readonly rateLimit: number; readonly burstLimit: number; readonly setting: string } | null;
  /** API Gateway's account-level throttle in the region (GetAccount throttleSettings). */
  readonly apiAccountThrottle: { readonly rateLimit: number; readonly burstLimit: number } | null;
  readonly authorizer: { readonly name: string; readonly resultTtlSeconds: number } | null;
  readonly integrationTimeoutMs: number;
}

export type Status = 'ok' | 'exceeds' | 'warning' | 'unknown';

export interface Finding {
  readonly check: string;
  readonly status: Status;
  readonly needed: string;
  readonly allowed: string;
  /** allowed / needed for capacity checks: below 1 throttles, the lowest throttles first. */
  readonly ratio: number | null;
  readonly advice: string;
}

/**
 * Lambda's per-function scaling rate: 1,000 execution environments every 10 seconds
 * (https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html). Not a quota you can raise.
 */
export const LAMBDA_SCALING_PER_10S = 1000;
/**
 * Reserving concurrency must leave at least 100 unreserved in the account
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
 */
export const MIN_UNRESERVED = 100;
/** Service Quotas codes: Lambda concurrent executions, API Gateway account throttle. */
export const LAMBDA_CONCURRENCY_QUOTA = 'L-B99A9384';
export const API_GATEWAY_THROTTLE_QUOTA = 'L-8A5B8E43';

function n(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

function capacity(
  check: string,
  needed: number,
  allowed: number,
  neededText: string,
  allowedText: string,
  advice: string,
): Finding {
  const ratio = needed > 0 ? allowed / needed : Infinity;
  return {
    check,
    status: allowed >= needed ? 'ok' : 'exceeds',
    needed: neededText,
    allowed: allowedText,
    ratio,
    advice: allowed >= needed ? '' : advice,
  };
}

function functionConcurrency(d: Demand, l: Limits): Finding {
  const need = d.neededConcurrency;
  const neededText = `${n(need)} environments (${n(d.peakRate, 1)} req/s × ${n(d.meanDurationMs, 1)} ms = ${n(d.steadyConcurrency, 1)}, + ${n(d.coldStartHeadroom, 1)} for cold starts)`;
  const acct = l.lambdaAccount;
  const reserved = l.fn.reservedConcurrency;
  if (reserved !== null) {
    // What the reservation could grow to without an account quota increase.
    const ceiling = acct ? acct.unreservedConcurrentExecutions + reserved - MIN_UNRESERVED : null;
    const account =
      ceiling === null || need <= ceiling
        ? ''
        : ` That leaves fewer than ${MIN_UNRESERVED} unreserved in the account: first request the Lambda "Concurrent executions" quota (${LAMBDA_CONCURRENCY_QUOTA}) be raised to at least ${n(acct!.concurrentExecutions + need - ceiling)}.`;
    return capacity(
      `Lambda reserved concurrency of ${l.fn.name}`,
      need,
      reserved,
      neededText,
      `${n(reserved)} (reserved)`,
      `Raise mcp_reserved_concurrency to at least ${n(need)} (Terraform), or -1 to draw on the unreserved pool.${account}`,
    );
  }
  if (!acct)
    return {
      check: `Lambda concurrency of ${l.fn.name}`,
      status: 'unknown',
      needed: neededText,
      allowed: 'unknown',
      ratio: null,
      advice: 'GetAccountSettings was not answered.',
    };
  return capacity(
    `Lambda unreserved concurrency (${l.fn.name} has no reservation)`,
    need,
    acct.unreservedConcurrentExecutions,
    neededText,
    `${n(acct.unreservedConcurrentExecutions)} unreserved of ${n(acct.concurrentExecutions)}`,
    `Request the Lambda "Concurrent executions" quota (${LAMBDA_CONCURRENCY_QUOTA}) be raised to at least ${n(acct.concurrentExecutions - acct.unreservedConcurrentExecutions + need)}.`,
  );
}

function authorizerLoad(d: Demand, l: Limits): Finding | undefined {
  if (!l.authorizer) return undefined;
  const ttl = l.authorizer.resultTtlSeconds;
  if (ttl > 0) {
    return {
      check: `Authorizer ${l.authorizer.name} result cache`,
      status: 'ok',
      needed: 'one authorizer call per token per cache lifetime',
      allowed: `TTL ${ttl} s`,
      ratio: null,
      advice: '',
    };
  }
  const busy = Math.ceil((d.peakRate * d.assumptions.authorizerDurationMs) / 1000);
  const pool = l.lambdaAccount?.unreservedConcurrentExecutions;
  const exceeds = pool !== undefined && busy > pool;
  return {
    check: `Authorizer ${l.authorizer.name} without a result cache (TTL 0)`,
    status: exceeds ? 'exceeds' : 'warning',
    needed: `${n(busy)} authorizer environments (every request invokes it: ${n(d.peakRate, 1)} req/s × ${d.assumptions.authorizerDurationMs} ms)`,
    allowed: pool === undefined ? 'the unreserved pool' : `${n(pool)} unreserved`,
    ratio: pool === undefined ? null : pool / Math.max(1, busy),
    advice:
      'Set authorizer_result_ttl_seconds above 0 (300 is the default, 3600 the maximum) unless every request must be re-authorized.',
  };
}

/** The checks, in the order a request meets the limits. */
export function checkPlan(d: Demand, l: Limits): Finding[] {
  const findings: Finding[] = [];
  if (l.apiAccountThrottle) {
    findings.push(
      capacity(
        'API Gateway account throttle (all APIs of the account in the region)',
        d.peakRate,
        l.apiAccountThrottle.rateLimit,
        `${n(d.peakRate, 1)} req/s`,
        `${n(l.apiAccountThrottle.rateLimit)} req/s, burst ${n(l.apiAccountThrottle.burstLimit)}`,
        `Request the API Gateway throttle quota (${API_GATEWAY_THROTTLE_QUOTA}) be raised above ${n(d.peakRate)} req/s; the burst follows from it.`,
      ),
    );
  } else {
    findings.push({
      check: 'API Gateway account throttle',
      status: 'unknown',
      needed: `${n(d.peakRate, 1)} req/s`,
      allowed: l.onAws ? 'not read' : 'not modelled by the embedded stack',
      ratio: null,
      advice: '',
    });
  }
  if (l.stageThrottle) {
    const s = l.stageThrottle;
    findings.push(
      capacity(
        `API Gateway stage throttle (${s.setting})`,
        d.peakRate,
        s.rateLimit,
        `${n(d.peakRate, 1)} req/s`,
        `${n(s.rateLimit)} req/s, burst ${n(s.burstLimit)}`,
        `Raise throttling_rate_limit to at least ${n(Math.ceil(d.peakRate * 1.2))} and throttling_burst_limit to at least ${n(Math.ceil(d.peakRate / 2))} (Terraform; 20 % above the peak).`,
      ),
    );
    if (s.burstLimit < 1)
      findings.push({
        check: 'API Gateway stage burst',
        status: 'exceeds',
        needed: '≥ 1',
        allowed: '0',
        ratio: 0,
        advice: 'A burst limit of 0 throttles every request: raise throttling_burst_limit.',
      });
  }
  const auth = authorizerLoad(d, l);
  if (auth) findings.push(auth);
  findings.push(functionConcurrency(d, l));
  findings.push(
    capacity(
      'Lambda scaling rate (1,000 new environments per 10 s per function)',
      d.neededScaleUpInTenSeconds,
      LAMBDA_SCALING_PER_10S,
      `${n(d.neededScaleUpInTenSeconds)} new environments in the steepest 10 s (+${n(d.maxRiseInTenSeconds, 1)} req/s)`,
      `${n(LAMBDA_SCALING_PER_10S)} per 10 s`,
      'This rate cannot be raised: ramp up more slowly (a longer first stage), or keep environments warm with provisioned concurrency.',
    ),
  );
  const longest = d.longestRequestMs;
  const timeoutMs = l.fn.timeoutSeconds === null ? Infinity : l.fn.timeoutSeconds * 1000;
  const limitMs = Math.min(l.integrationTimeoutMs, timeoutMs);
  findings.push({
    check: 'Longest request against the timeouts',
    status: longest <= limitMs ? 'ok' : 'exceeds',
    needed: `${n(longest)} ms (the long_task call)`,
    allowed: `integration ${n(l.integrationTimeoutMs)} ms, function ${l.fn.timeoutSeconds === null ? 'unknown' : `${l.fn.timeoutSeconds} s`}`,
    ratio: null,
    advice:
      longest <= limitMs
        ? ''
        : 'Shorten long_task, raise mcp_timeout_seconds, or use streaming_enabled (API Gateway waits 29 s for a buffered integration).',
  });
  return findings;
}

export interface Verdict {
  readonly ok: boolean;
  /** The capacity check with the least room: what throttles first as the load grows. */
  readonly first: Finding | undefined;
}

export function verdictOf(findings: readonly Finding[]): Verdict {
  const rated = findings.filter((f) => f.ratio !== null && Number.isFinite(f.ratio));
  const first = [...rated].sort((a, b) => a.ratio! - b.ratio!)[0];
  return { ok: findings.every((f) => f.status !== 'exceeds'), first };
}
