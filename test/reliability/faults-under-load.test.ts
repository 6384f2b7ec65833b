/**
 * Faults injected while a bounded load runs against the embedded stack (loopback only).
 *
 * autocannon keeps 8 keep-alive connections busy with `tools/call ping` (rate-capped, a fixed
 * number of requests, so the run ends by itself once every request sent has been answered) while
 * the test injects, one after another:
 *   1. an execution environment crash (`fault_crash`)               → that call 502, the rest served
 *   2. a call that outlives the function timeout (`fault_sleep`)    → that call 502, the rest served
 *   3. the concurrency limit reached (12 slow calls on top of the   → requests throttled: 500
 *      load, reserved concurrency 12)                                  {"message":"Internal server error"}
 *   4. the authorizer function crashing: a token starting with      → those 500 {"message":null};
 *      `fault-crash.` makes its process exit mid-invocation (the       fresh good tokens authorized
 *      test-only hook AUTHORIZER_FAULT_TOKENS=on)                       alongside answer 200
 *   5. the authorizer function timing out: `fault-hang.` tokens      → those 500 {"message":null} after
 *      never get an answer from it                                      the authorizer timeout; fresh
 *                                                                       good tokens answer 200 meanwhile
 *   6. the JWKS endpoint down: it is stopped and the clients switch  → 500 {"message":null}, load
 *      to a token the gateway has not cached, so a fresh authorizer     requests included
 *      environment must fetch the key set; then the JWKS is back     → 200 again
 * API Gateway answers any authorizer failure other than "Unauthorized" (an error, a crash, a
 * timeout) with the AUTHORIZER_FAILURE gateway response, 500 {"message":null}
 * (emulator/gateway/lambda-authorizer.ts, gateway-responses.ts). After each fault clears, a good
 * request answers 200. At the end: every request sent was answered (autocannon errors and timeouts
 * 0, sent = answered), statuses are only the documented ones, and no execution environment of
 * either function is left busy.
 */
import autocannon from 'autocannon';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStack } from '../../emulator/stack.ts';
import { logGroupName } from '../../emulator/lambda/execution-environment.ts';
import { JwksServer } from '../authorizer/helpers.ts';
import { callTool, type RawResponse } from '../support/mcp-http.ts';
import { CRASH_TOKEN_PREFIX, HANG_TOKEN_PREFIX, startStackWithAuthorizerFaults } from './support/authorizer-faults.ts';
import { LEGACY_PROTOCOL } from '../support/mcp-protocol.ts';

const ISSUER = 'https://issuer.reliability.test/';
const AUDIENCE = 'https://mcp.reliability.test/dev/mcp';
const CONNECTIONS = 8;
/** Requests per second over all connections (12 per connection); the run lasts at least AMOUNT / RATE seconds. */
const RATE = 96;
/** Long enough for all six faults to be injected and cleared while the load still runs. */
const AMOUNT = RATE * 38;
const RESERVED_CONCURRENCY = 12;
/**
 * Low enough to inject a timeout quickly, high enough that a cold start on a busy 2-core machine
 * does not time out by itself (the timer starts after INIT, as Lambda's does).
 */
const FUNCTION_TIMEOUT_SECONDS = 6;
/** How long each slow call of phase 3 holds its environment (under the function timeout). */
const HOLD_MS = 2_500;
/** Authorizer (and MCP) environments idle this long are reclaimed, so phase 6 meets a cold one. */
const IDLE_TIMEOUT_MS = 3_000;
/** Requests carrying a crash or hang token in phases 4 and 5, and fresh good tokens sent alongside. */
const AUTHORIZER_FAULT_REQUESTS = 4;
const GOOD_ALONGSIDE = 4;

const PING_BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'ping', arguments: {} },
});
const INTERNAL_SERVER_ERROR = '{"message":"Internal server error"}';
const AUTHORIZER_FAILURE = '{"message":null}';

let stack: RunningStack;
let jwks: JwksServer;
let signingKey: CryptoKey;

function sign(subject: string): Promise<string> {
  return new SignJWT({ scope: 'mcp:invoke', client_id: 'reliability-load' })
    .setProtectedHeader({ alg: 'RS256', kid: 'load-1' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(signingKey);
}

beforeAll(async () => {
  const keys = await generateKeyPair('RS256', { extractable: true });
  signingKey = keys.privateKey;
  jwks = new JwksServer({ keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'load-1', alg: 'RS256', use: 'sig' }] });
  await jwks.start();
  stack = await startStackWithAuthorizerFaults({
    overrides: {
      auth_mode: 'jwt',
      jwt_issuer: ISSUER,
      jwt_jwks_url: jwks.url,
      jwt_audience: AUDIENCE,
      mcp_reserved_concurrency: RESERVED_CONCURRENCY,
      mcp_timeout_seconds: FUNCTION_TIMEOUT_SECONDS,
      // The stage throttle (429) is not under test here: keep it out of the way of the load.
      throttling_rate_limit: 100_000,
      throttling_burst_limit: 100_000,
    },
    build: { test: true },
    mcpEnvironment: { MCP_FAULT_TOOLS: 'on' },
    idleTimeoutMs: IDLE_TIMEOUT_MS,
  });
});

afterAll(async () => {
  await stack?.stop();
  await jwks?.stop();
});

type ByStatus = Record<string, number>;

function countStatuses(statuses: readonly number[]): ByStatus {
  const counts: ByStatus = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** What the load saw, by status and (for 5xx) by which gateway response it was. */
class Tally {
  sent = 0;
  readonly byStatus = new Map<number, number>();
  throttled = 0;
  authorizerFailures = 0;
  otherServerErrors: string[] = [];

  record(status: number, body: string): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    if (status === 500 && body === INTERNAL_SERVER_ERROR) this.throttled += 1;
    else if (status === 500 && body === AUTHORIZER_FAILURE) this.authorizerFailures += 1;
    else if (status >= 500) this.otherServerErrors.push(`${status} ${body.slice(0, 200)}`);
  }

  get answered(): number {
    return [...this.byStatus.values()].reduce((a, b) => a + b, 0);
  }

  /** Starts a window; its result counts the load requests sent and answered (by status) until closed. */
  window(): () => { sent: number; answered: ByStatus } {
    const sentBefore = this.sent;
    const before = new Map(this.byStatus);
    return () => {
      const answered: ByStatus = {};
      for (const [status, count] of this.byStatus) {
        const delta = count - (before.get(status) ?? 0);
        if (delta > 0) answered[status] = delta;
      }
      return { sent: this.sent - sentBefore, answered };
    };
  }
}

interface FaultRecord {
  readonly fault: string;
  /** The requests the test sent to inject it, and their statuses. */
  readonly injected: { readonly sent: number; readonly answered: ByStatus };
  /** Good requests that needed the authorizer while it was failing for others (phases 4 and 5). */
  readonly alongside?: { readonly sent: number; readonly answered: ByStatus };
  /** Load requests written and answered while the fault lasted (in flight at its edges counted where they ended). */
  readonly load: { readonly sent: number; readonly answered: ByStatus };
  /** Status of the good request sent once the fault had cleared. */
  readonly recovery: number;
}

interface Timed {
  readonly response: RawResponse;
  readonly ms: number;
}

async function timed(request: Promise<RawResponse>): Promise<Timed> {
  const started = performance.now();
  const response = await request;
  return { response, ms: performance.now() - started };
}

function goodRequest(token: string): Promise<RawResponse> {
  return callTool(stack.endpoint, token, 'ping');
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The authorizer's timeout, Terraform's default (`authorizer_timeout_seconds`): what a hung authorizer costs. */
function authorizerTimeoutSeconds(): number {
  return stack.config.authorizerFunction.timeoutSeconds;
}

/** Lines of the authorizer function's log group (what CloudWatch Logs would hold) matching `pattern`. */
function authorizerLogLines(pattern: RegExp): number {
  return stack.logs
    .messages(logGroupName(stack.config.authorizerFunction.functionName))
    .filter((line) => pattern.test(line)).length;
}

interface AuthorizerFaultRun {
  readonly faulty: readonly Timed[];
  readonly good: readonly Timed[];
  /** How many fault requests had been answered when the last good one was (hang: none may have). */
  readonly faultyAnsweredBeforeGood: number;
}

/**
 * Phases 4 and 5: requests with fault tokens and requests with fresh good tokens (never seen, so the
 * gateway must invoke the authorizer for them too). For a hang, the good ones go out once every
 * hung invocation is under way, so they prove the authorizer serves others while some hang.
 */
async function authorizerFault(kind: 'crash' | 'hang'): Promise<AuthorizerFaultRun> {
  const prefix = kind === 'crash' ? CRASH_TOKEN_PREFIX : HANG_TOKEN_PREFIX;
  const faultTokens = Array.from({ length: AUTHORIZER_FAULT_REQUESTS }, () => `${prefix}${randomUUID()}`);
  const goodTokens = await Promise.all(
    Array.from({ length: GOOD_ALONGSIDE }, (_, i) => sign(`alongside-${kind}-${i}-${randomUUID()}`)),
  );
  let faultyAnswered = 0;
  const busyBefore = stack.authorizerFunction.stats().busy;
  const faultyRuns = faultTokens.map((token) =>
    timed(goodRequest(token)).then((run) => {
      faultyAnswered += 1;
      return run;
    }),
  );
  if (kind === 'hang')
    await waitFor(
      () => stack.authorizerFunction.stats().busy - busyBefore >= AUTHORIZER_FAULT_REQUESTS,
      10_000,
      'the hung authorizer invocations',
    );
  const good = await Promise.all(goodTokens.map((token) => timed(goodRequest(token))));
  const faultyAnsweredBeforeGood = faultyAnswered;
  return { faulty: await Promise.all(faultyRuns), good, faultyAnsweredBeforeGood };
}

describe('faults injected under load', () => {
  it('answers every request, only with documented statuses, and recovers after each fault', async () => {
    const tokenA = await sign('load-user-a');
    const tokenB = await sign('load-user-b');
    // Warm up as many environments as the load uses; token A is authorized and then cached by
    // the gateway (authorizer result TTL 300 s), so the load does not need the authorizer until phase 6.
    const warm = await Promise.all(
      Array.from({ length: CONNECTIONS }, () =>
        callTool(stack.endpoint, tokenA, 'long_task', { steps: 1, stepMs: 200 }),
      ),
    );
    expect(warm.map((r) => r.status)).toEqual(Array.from({ length: CONNECTIONS }, () => 200));

    let loadToken = tokenA;
    const tally = new Tally();
    const load = autocannon({
      url: stack.endpoint,
      connections: CONNECTIONS,
      amount: AMOUNT,
      overallRate: RATE,
      // A request still unanswered after 20 s would count as a timeout (and fail the test).
      timeout: 20,
      // Counts every request written, the first one of each connection included: the client's
      // 'request' event is what autocannon itself counts `requests.sent` from (its typings omit it).
      setupClient: (client) => {
        (client as unknown as NodeJS.EventEmitter).on('request', () => {
          tally.sent += 1;
        });
      },
      requests: [
        {
          method: 'POST',
          path: new URL(stack.endpoint).pathname,
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            'mcp-protocol-version': LEGACY_PROTOCOL,
          },
          body: PING_BODY,
          setupRequest: (request) => ({
            ...request,
            headers: { ...request.headers, authorization: `Bearer ${loadToken}` },
          }),
          onResponse: (status, body) => tally.record(status, body),
        },
      ],
    });
    const loadStarted = Date.now();
    const faults: FaultRecord[] = [];
    const steady = (): Promise<unknown> => sleep(1_000);

    // 1. An execution environment crashes mid-invocation.
    await steady();
    let window = tally.window();
    const crash = await callTool(stack.endpoint, tokenA, 'fault_crash');
    expect(crash.status, crash.text).toBe(502);
    expect(crash.text).toBe(INTERNAL_SERVER_ERROR);
    const afterCrash = await goodRequest(tokenA);
    expect(afterCrash.status, afterCrash.text).toBe(200);
    faults.push({
      fault: 'MCP environment crash (fault_crash)',
      injected: { sent: 1, answered: countStatuses([crash.status]) },
      load: window(),
      recovery: afterCrash.status,
    });

    // 2. A call outlives the function timeout: Lambda stops it and resets its environment.
    await steady();
    window = tally.window();
    const slow = await callTool(stack.endpoint, tokenA, 'fault_sleep', { ms: FUNCTION_TIMEOUT_SECONDS * 1000 + 2_000 });
    expect(slow.status, slow.text).toBe(502);
    expect(slow.text).toBe(INTERNAL_SERVER_ERROR);
    const afterTimeout = await goodRequest(tokenA);
    expect(afterTimeout.status, afterTimeout.text).toBe(200);
    faults.push({
      fault: `MCP function timeout (${FUNCTION_TIMEOUT_SECONDS} s)`,
      injected: { sent: 1, answered: countStatuses([slow.status]) },
      load: window(),
      recovery: afterTimeout.status,
    });

    // 3. The concurrency limit is reached: as many slow calls as there are reserved environments,
    // on top of the load. Whoever finds every environment busy (a slow call or a load request) is
    // throttled; which of them is a matter of timing, that some are is not.
    await steady();
    window = tally.window();
    const throttlesBefore = stack.mcp.stats().throttles;
    const throttledBefore = tally.throttled;
    const holders = await Promise.all(
      Array.from({ length: RESERVED_CONCURRENCY }, () =>
        callTool(stack.endpoint, tokenA, 'fault_sleep', { ms: HOLD_MS }),
      ),
    );
    for (const holder of holders) {
      expect([200, 500], holder.text).toContain(holder.status);
      if (holder.status === 500) expect(holder.text).toBe(INTERNAL_SERVER_ERROR);
    }
    expect(holders.some((holder) => holder.status === 200)).toBe(true);
    const throttled = stack.mcp.stats().throttles - throttlesBefore;
    expect(throttled, 'invocations Lambda throttled while the limit was reached').toBeGreaterThan(0);
    const afterThrottle = await goodRequest(tokenA);
    expect(afterThrottle.status, afterThrottle.text).toBe(200);
    faults.push({
      fault: `MCP concurrency limit (${RESERVED_CONCURRENCY}) reached: ${throttled} invocations throttled, ${tally.throttled - throttledBefore} of them load requests`,
      injected: { sent: holders.length, answered: countStatuses(holders.map((holder) => holder.status)) },
      load: window(),
      recovery: afterThrottle.status,
    });

    // 4 and 5. The authorizer function itself fails, for the requests carrying a fault token only:
    // its process exits mid-invocation (4), or it never answers and its timeout ends it (5).
    for (const kind of ['crash', 'hang'] as const) {
      await steady();
      window = tally.window();
      const logPattern =
        kind === 'crash'
          ? /Runtime exited with error: exit status 1/
          : new RegExp(`Task timed out after ${authorizerTimeoutSeconds()}\\.00 seconds`);
      const logLinesBefore = authorizerLogLines(logPattern);
      const { faulty, good, faultyAnsweredBeforeGood } = await authorizerFault(kind);
      for (const { response } of faulty) {
        expect(response.status, response.text).toBe(500);
        expect(response.text).toBe(AUTHORIZER_FAILURE);
      }
      for (const { response } of good) expect(response.status, response.text).toBe(200);
      // Every faulty invocation failed the way it was meant to, as Lambda logs it.
      expect(authorizerLogLines(logPattern) - logLinesBefore).toBe(AUTHORIZER_FAULT_REQUESTS);
      if (kind === 'hang') {
        // The hung requests waited for the authorizer's timeout; the good ones, sent while they
        // hung, were all answered before any of them.
        for (const { ms } of faulty) expect(ms).toBeGreaterThanOrEqual(authorizerTimeoutSeconds() * 1000);
        expect(faultyAnsweredBeforeGood).toBe(0);
      }
      expect(stack.authorizerFunction.stats().busy).toBe(0);
      const afterAuthorizerFault = await goodRequest(await sign(`after-${kind}-${randomUUID()}`));
      expect(afterAuthorizerFault.status, afterAuthorizerFault.text).toBe(200);
      // autocannon sends a rated load in bursts at the start of each second, and a crashing
      // authorizer fails in milliseconds: the window stays open until the load has been answered.
      await waitFor(() => Object.keys(window().answered).length > 0, 5_000, 'a load answer in the window');
      const loadDuring = window();
      // The load's token is cached by the gateway: the failing authorizer does not touch it.
      expect(Object.keys(loadDuring.answered)).toEqual(['200']);
      faults.push({
        fault:
          kind === 'crash'
            ? 'authorizer function crash (process exit, fault-crash. tokens)'
            : `authorizer function timeout (${authorizerTimeoutSeconds()} s, fault-hang. tokens)`,
        injected: { sent: faulty.length, answered: countStatuses(faulty.map(({ response }) => response.status)) },
        alongside: { sent: good.length, answered: countStatuses(good.map(({ response }) => response.status)) },
        load: loadDuring,
        recovery: afterAuthorizerFault.status,
      });
    }

    // 6. The JWKS endpoint is down, and a token the gateway has not cached reaches authorizer
    // environments that hold no key set (the earlier ones were reclaimed idle).
    await steady();
    await waitFor(
      () => stack.authorizerFunction.stats().environments === 0,
      15_000,
      'idle authorizer environments to be reclaimed',
    );
    window = tally.window();
    await jwks.stop();
    const failuresBefore = tally.authorizerFailures;
    loadToken = tokenB;
    const failing = await goodRequest(tokenB);
    expect(failing.status, failing.text).toBe(500);
    expect(failing.text).toBe(AUTHORIZER_FAILURE);
    // Load requests meet the failing authorizer too (each waits for a cold authorizer environment).
    await waitFor(
      () => tally.authorizerFailures - failuresBefore >= CONNECTIONS,
      15_000,
      'load requests answered 500 by the failing authorizer',
    );
    // Then the JWKS endpoint is back: the same token is authorized again. Requests that joined an
    // authorizer invocation begun while it was down share that invocation's 500 (the gateway runs
    // one invocation per identity at a time), so recovery is the first invocation begun after it.
    await jwks.start();
    const recoveredBy = Date.now() + 15_000;
    let afterJwks = await goodRequest(tokenB);
    while (afterJwks.status === 500 && afterJwks.text === AUTHORIZER_FAILURE && Date.now() < recoveredBy) {
      await sleep(200);
      afterJwks = await goodRequest(tokenB);
    }
    expect(afterJwks.status, afterJwks.text).toBe(200);
    faults.push({
      fault: `JWKS endpoint down (${tally.authorizerFailures - failuresBefore} load requests answered 500 by the authorizer), then back`,
      injected: { sent: 1, answered: countStatuses([failing.status]) },
      load: window(),
      recovery: afterJwks.status,
    });
    const faultsDoneAt = Date.now();

    const result = await load;
    const answeredByStatus = Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [status, stats.count ?? 0]),
    );
    const answered = Object.values(answeredByStatus).reduce((a, b) => a + b, 0);
    const total = (counts: ByStatus | undefined): number => Object.values(counts ?? {}).reduce((a, b) => a + b, 0);
    const injectedSent = faults.reduce((sum, fault) => sum + fault.injected.sent + (fault.alongside?.sent ?? 0), 0);
    const injectedAnswered = faults.reduce(
      (sum, fault) => sum + total(fault.injected.answered) + total(fault.alongside?.answered),
      0,
    );
    console.log(
      `[faults-under-load] ${JSON.stringify(
        {
          load: {
            connections: CONNECTIONS,
            rate: RATE,
            durationSeconds: result.duration,
            faultsDoneAfterSeconds: (faultsDoneAt - loadStarted) / 1000,
            sent: tally.sent,
            // autocannon 9 pre-counts `rate` requests per connection when a rate is set, so its own
            // figure exceeds the requests written by connections × (rate per connection − 1).
            autocannonRequestsSent: result.requests.sent,
            answered,
            answeredByStatus,
            errors: result.errors,
            timeouts: result.timeouts,
            throttledByLambda: tally.throttled,
            authorizerFailures: tally.authorizerFailures,
          },
          faultsInjected: faults.length,
          // Requests the test sent itself to inject the faults (and alongside them), apart from the load.
          injectedRequests: { sent: injectedSent, answered: injectedAnswered },
          faults,
          mcp: stack.mcp.stats(),
          authorizer: stack.authorizerFunction.stats(),
        },
        null,
        2,
      )}`,
    );

    // The faults all happened while the load was running.
    expect(result.finish.getTime()).toBeGreaterThan(faultsDoneAt);
    // Every request got an HTTP answer: none lost, none timed out, no connection error.
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(tally.sent).toBe(AMOUNT);
    expect(answered).toBe(tally.sent);
    expect(tally.answered).toBe(answered);
    expect(injectedAnswered).toBe(injectedSent);
    // Only documented answers: 200, and 500 from the Lambda throttle or the failing authorizer.
    expect(tally.otherServerErrors).toEqual([]);
    for (const status of Object.keys(answeredByStatus)) expect(['200', '500']).toContain(status);
    expect(answeredByStatus['500']).toBe(tally.throttled + tally.authorizerFailures);
    // Nothing hung, and the service is healthy after the load.
    expect(stack.mcp.stats().busy).toBe(0);
    expect(stack.authorizerFunction.stats().busy).toBe(0);
    expect((await goodRequest(tokenA)).status).toBe(200);
    expect((await goodRequest(tokenB)).status).toBe(200);
  }, 150_000);
});
