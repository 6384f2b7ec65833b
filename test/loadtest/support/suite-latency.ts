/**
 * The latency limits of the smoke runs inside the test suite (e2e.test.ts, k6-scripts.test.ts,
 * cli.test.ts): P95_MS / P99_MS overrides of 10 s instead of the scenarios' 1 s / 2 s. Tightened
 * from 30 s, which equalled the request timeout and so could never fail on an answered request.
 *
 * Why not the real limits: these runs are short (10-30 requests), so p(95) and p(99) land on the
 * cold path (the first request of each VU pays the authorizer's and the MCP function's INIT), and
 * CI is a shared 2-core machine where vitest runs test files, each with its own stack and
 * execution environments, in parallel. Measured there at load average 12: p(95) 2.5-3.3 s, max
 * 3.6 s. 10 s is about 3x that: it still catches a request stuck behind a held-open response or a
 * hung environment, without flaking.
 *
 * The real limits are not relaxed anywhere else: loadtest/scenarios.json keeps p(95)<1000 and
 * p(99)<2000 for every scenario (driver.test.ts and k6-scripts.test.ts assert them for `load`),
 * and the `load` figures in loadtest/README.md are measured against them.
 */
export const SUITE_SMOKE_LATENCY_MS = 10_000;

/** As environment overrides for runLoad / the k6 scripts. */
export const SUITE_SMOKE_LATENCY_ENV = {
  P95_MS: String(SUITE_SMOKE_LATENCY_MS),
  P99_MS: String(SUITE_SMOKE_LATENCY_MS),
} as const;
