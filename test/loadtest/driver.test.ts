/**
 * The shared load-test modules and the Node driver, without the embedded stack: MCP request
 * shapes and checks of both eras, scenario resolution, k6 threshold and percentile semantics,
 * arrival-rate scheduling against a trivial local server, and the summary shape shared with k6.
 */
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDuration, resolvePlan, type ScenarioFile } from '../../loadtest/k6/lib/config.js';
import {
  checkNames,
  createSession,
  findResponse,
  makeText,
  META_KEYS,
  normalizeEra,
  normalizeLongTask,
  parseSseData,
  type PlannedRequest,
} from '../../loadtest/k6/lib/mcp.js';
import { summarize, type K6SummaryData, type LoadSummary } from '../../loadtest/k6/lib/summary.js';
import { arrivalSegments, iterationsDue, rateAt, runLoad } from '../../loadtest/local/driver.ts';
import { evaluateThreshold, MetricsRecorder, percentile, trendValues } from '../../loadtest/local/metrics.ts';
import { readScenarioFile } from '../../loadtest/local/scenario-file.ts';
import { readTerraformVariables } from '../../emulator/config/terraform-variables.ts';
import { LEGACY_PROTOCOL, MODERN_PROTOCOL, PROTOCOL_2025_06_18 } from '../support/mcp-protocol.ts';

const scenarios = await readScenarioFile();
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every request a session sends; `initialize` succeeds (a failed one ends the session), the rest get 500s. */
function drain(session: ReturnType<typeof createSession>): PlannedRequest[] {
  const out: PlannedRequest[] = [];
  const initialized = {
    jsonrpc: '2.0',
    id: 1,
    result: { protocolVersion: LEGACY_PROTOCOL, capabilities: {}, serverInfo: { name: 's', version: '1' } },
  };
  for (let r = session.next(); r; r = session.next()) {
    out.push(r);
    const body = r.id === undefined ? '' : r.method === 'initialize' ? JSON.stringify(initialized) : '{}';
    session.record(r, {
      status: r.id === undefined ? 202 : r.method === 'initialize' ? 200 : 500,
      contentType: 'application/json',
      body,
    });
  }
  return out;
}

describe('MCP sessions (loadtest/k6/lib/mcp.js)', () => {
  const text = makeText(200);

  it('a 2026-07-28 client sends no handshake; every request has the envelope and Mcp-Method (and Mcp-Name for tools/call)', () => {
    const requests = drain(createSession({ era: MODERN_PROTOCOL, token: 'tok', text }));
    expect(requests.map((r) => r.step)).toEqual(['tools/list', 'tools/call ping', 'tools/call text_stats']);
    for (const r of requests) {
      const body = JSON.parse(r.body) as { params: { _meta: Record<string, unknown> } };
      expect(body.params._meta).toEqual({
        [META_KEYS.protocolVersion]: MODERN_PROTOCOL,
        [META_KEYS.clientInfo]: { name: 'stateless-mcp-loadtest', version: '1.0.0' },
        [META_KEYS.clientCapabilities]: {},
      });
      expect(r.headers).toMatchObject({
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        Authorization: 'Bearer tok',
        'MCP-Protocol-Version': MODERN_PROTOCOL,
        'Mcp-Method': r.method,
      });
    }
    expect(requests[0]!.headers['Mcp-Name']).toBeUndefined();
    expect(requests[1]!.headers['Mcp-Name']).toBe('ping');
    expect(requests[2]!.tags).toEqual({
      mcp_era: MODERN_PROTOCOL,
      mcp_method: 'tools/call',
      mcp_name: 'text_stats',
      name: 'mcp tools/call text_stats',
    });
  });

  it('with a long task, both eras end with a bounded long_task call whose completion is checked', () => {
    const longTask = { steps: 3, stepMs: 20 };
    for (const era of [MODERN_PROTOCOL, LEGACY_PROTOCOL] as const) {
      const requests = drain(createSession({ era, text, longTask }));
      const last = requests.at(-1)!;
      expect(last.step).toBe('tools/call long_task');
      expect(requests).toHaveLength(era === MODERN_PROTOCOL ? 4 : 6);
      expect((JSON.parse(last.body) as { params: Record<string, unknown> }).params).toMatchObject({
        name: 'long_task',
        arguments: { steps: 3, stepMs: 20 },
      });
    }
    const session = createSession({ era: MODERN_PROTOCOL, text, longTask });
    const list = session.next()!;
    const tools = (names: string[]) =>
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        result: { resultType: 'complete', tools: names.map((name) => ({ name })) },
      });
    expect(
      session.record(list, { status: 200, contentType: 'application/json', body: tools(['ping', 'text_stats']) })
        .reason,
    ).toBe('tools/list lacks long_task');
    session.next();
    session.next();
    const call = session.next()!;
    const answer = (structuredContent: unknown) =>
      session.record(call, {
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ jsonrpc: '2.0', id: call.id, result: { resultType: 'complete', structuredContent } }),
      });
    expect(answer({ stepsCompleted: 3, elapsedMs: 61 }).ok).toBe(true);
    expect(answer({ stepsCompleted: 2, elapsedMs: 61 }).reason).toBe('long_task completed 2 of 3 steps');
    // Finishing faster than the steps allow means the work was skipped.
    expect(answer({ stepsCompleted: 3, elapsedMs: 5 }).reason).toMatch(/long_task took 5 ms/);
    expect(normalizeLongTask(0, 100)).toBeNull();
    expect(normalizeLongTask('4', '150')).toEqual({ steps: 4, stepMs: 150 });
    expect(() => normalizeLongTask(51, 1)).toThrow(/LONG_TASK_STEPS/);
    expect(() => normalizeLongTask(1, 5001)).toThrow(/LONG_TASK_STEP_MS/);
  });

  it('a 2025-era client initializes, notifies, then sends the negotiated version; no 2026 headers', () => {
    const session = createSession({ era: LEGACY_PROTOCOL, text });
    const init = session.next()!;
    expect(init.headers['MCP-Protocol-Version']).toBeUndefined();
    expect(JSON.parse(init.body)).toEqual({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: LEGACY_PROTOCOL,
        capabilities: {},
        clientInfo: { name: 'stateless-mcp-loadtest', version: '1.0.0' },
      },
    });
    const negotiated = {
      jsonrpc: '2.0',
      id: 1,
      result: { protocolVersion: PROTOCOL_2025_06_18, capabilities: {}, serverInfo: { name: 's', version: '1' } },
    };
    expect(
      session.record(init, { status: 200, contentType: 'application/json', body: JSON.stringify(negotiated) }).ok,
    ).toBe(true);
    const note = session.next()!;
    expect(JSON.parse(note.body)).toEqual({ jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(note.headers['MCP-Protocol-Version']).toBe(PROTOCOL_2025_06_18);
    expect(session.record(note, { status: 202, contentType: null, body: '' })).toEqual({
      ok: true,
      check: '[2025-11-25] notifications/initialized -> 202 Accepted, no body',
    });
    const list = session.next()!;
    expect(list.headers['Mcp-Method']).toBeUndefined();
    expect(JSON.parse(list.body)).toEqual({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
  });

  it('names a gateway 500 "Internal server error" as Lambda throttling, and a 429 as the stage throttle', () => {
    const throttled = createSession({ era: LEGACY_PROTOCOL, text });
    expect(
      throttled.record(throttled.next()!, {
        status: 500,
        contentType: 'application/json',
        body: '{"message":"Internal server error"}',
      }).reason,
    ).toBe(
      'HTTP 500: {"message":"Internal server error"} (API Gateway answers this when Lambda throttles the invocation: ' +
        'the function is at its concurrency limit, mcp_reserved_concurrency)',
    );
    const limited = createSession({ era: LEGACY_PROTOCOL, text });
    expect(
      limited.record(limited.next()!, {
        status: 429,
        contentType: 'application/json',
        body: '{"message":"Too Many Requests"}',
      }).reason,
    ).toContain('(API Gateway stage throttling: throttling_rate_limit / throttling_burst_limit)');
  });

  it('a failed initialize ends the session, as a real client would stop', () => {
    const session = createSession({ era: LEGACY_PROTOCOL, text });
    const init = session.next()!;
    expect(
      session.record(init, { status: 401, contentType: 'application/json', body: '{"message":"Unauthorized"}' }),
    ).toMatchObject({
      ok: false,
      reason: 'HTTP 401: {"message":"Unauthorized"}',
    });
    expect(session.next()).toBeNull();
  });

  it('judges JSON-RPC results, not only status 200: errors, wrong ids, wrong counts, missing resultType', () => {
    const session = createSession({ era: MODERN_PROTOCOL, text });
    const list = session.next()!;
    const ok = (body: unknown, type = 'application/json') =>
      session.record(list, { status: 200, contentType: type, body: JSON.stringify(body) });
    expect(ok({ jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'nope' } }).reason).toBe(
      'JSON-RPC error -32601: nope',
    );
    expect(ok({ jsonrpc: '2.0', id: 9, result: {} }).reason).toMatch(/no JSON-RPC response with id 1/);
    expect(ok({ jsonrpc: '2.0', id: 1, result: { tools: [{ name: 'ping' }, { name: 'text_stats' }] } }).reason).toMatch(
      /resultType undefined/,
    );
    expect(ok({ jsonrpc: '2.0', id: 1, result: { resultType: 'complete', tools: [{ name: 'ping' }] } }).reason).toBe(
      'tools/list lacks text_stats',
    );
    expect(
      ok({
        jsonrpc: '2.0',
        id: 1,
        result: { resultType: 'complete', tools: [{ name: 'ping' }, { name: 'text_stats' }] },
      }).ok,
    ).toBe(true);
    session.next();
    const stats = session.next()!;
    const wrong = {
      jsonrpc: '2.0',
      id: 3,
      result: {
        resultType: 'complete',
        structuredContent: { words: text.words - 1, topWords: [{ word: 'the', count: text.topCount }] },
      },
    };
    expect(
      session.record(stats, { status: 200, contentType: 'application/json', body: JSON.stringify(wrong) }).reason,
    ).toMatch(/counted \d+ words/);
  });

  it('reads responses that arrive as Server-Sent Events', () => {
    const body =
      'event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{}}\n\nevent: message\ndata: {"jsonrpc":"2.0",\ndata: "id":4,"result":{"ok":true}}\n\n';
    expect(parseSseData(body)).toHaveLength(2);
    expect(findResponse('text/event-stream', body, 4)).toEqual({
      message: { jsonrpc: '2.0', id: 4, result: { ok: true } },
    });
    expect(findResponse('text/event-stream', 'data: {oops\n\n', 4).error).toMatch(/unparseable text\/event-stream/);
  });

  it('makeText gives counts known by construction; eras normalize; check names are stable', () => {
    const t = makeText(8192);
    expect(t.text.length).toBeLessThanOrEqual(8192);
    expect(t.text.split(' ').length).toBe(t.words);
    expect(normalizeEra('2026')).toBe(MODERN_PROTOCOL);
    expect(normalizeEra('legacy')).toBe(LEGACY_PROTOCOL);
    expect(normalizeEra(undefined)).toBe('mixed');
    expect(() => normalizeEra('2024')).toThrow(/ERA must be/);
    expect(checkNames('mixed')).toHaveLength(8);
    expect(checkNames('mixed', { steps: 1, stepMs: 0 })).toHaveLength(10);
  });
});

describe('scenario resolution (loadtest/k6/lib/config.js)', () => {
  it('turns RATE (requests/s) into iterations per minute for the era mix, counting the long_task call', () => {
    // 4, 6 and 5 requests per iteration with the default long_task call.
    expect(resolvePlan(scenarios, 'load', { RATE: '30', ERA: MODERN_PROTOCOL }).peakIterationsPerMinute).toBe(450);
    expect(resolvePlan(scenarios, 'load', { RATE: '30', ERA: LEGACY_PROTOCOL }).peakIterationsPerMinute).toBe(300);
    expect(resolvePlan(scenarios, 'load', { RATE: '30' }).peakIterationsPerMinute).toBe(360);
    // Without it, 3, 5 and 4.
    expect(resolvePlan(scenarios, 'load', { RATE: '30', LONG_TASK_STEPS: '0' }).peakIterationsPerMinute).toBe(450);
    expect(
      resolvePlan(scenarios, 'load', { RATE: '30', ERA: '2026', LONG_TASK_STEPS: '0' }).peakIterationsPerMinute,
    ).toBe(600);
  });

  it('the default load run needs several execution environments, below the stage throttle and the concurrency limit', async () => {
    // Little's law: environments busy = invocations/s x seconds per invocation. Only long_task
    // lasts long enough to count; the other calls take milliseconds.
    const plan = resolvePlan(scenarios, 'load', {});
    expect(plan.longTask).toEqual(scenarios.defaults.longTask);
    const { steps, stepMs } = plan.longTask!;
    const longTaskCallsPerSecond = plan.peakIterationsPerMinute! / 60;
    const busy = longTaskCallsPerSecond * ((steps * stepMs) / 1000);
    expect(busy).toBeGreaterThanOrEqual(4);
    expect(busy).toBeLessThanOrEqual(7);
    const tf = await readTerraformVariables(path.join(ROOT, 'terraform'), { env: {} });
    // Every request is POST /mcp: one API method, one token bucket.
    expect(plan.rate!).toBeLessThan(Number(tf.throttling_rate_limit));
    expect(Math.ceil(busy)).toBeLessThan(Number(tf.mcp_reserved_concurrency));
    expect(plan.longTask!.steps * plan.longTask!.stepMs).toBeLessThan(1000); // one call stays under the p(95) limit
    expect(plan.thresholds.http_req_duration).toEqual(['p(95)<1000', 'p(99)<2000']);
  });

  it('applies per-target overrides and rejects nonsense', () => {
    expect(resolvePlan(scenarios, 'load', { MCP_TARGET: 'localstack' }).rate).toBe(10);
    expect(resolvePlan(scenarios, 'load', { MCP_TARGET: 'localstack', RATE: '3' }).rate).toBe(3);
    expect(() => resolvePlan(scenarios, 'load', { RATE: '-1' })).toThrow(/RATE must be a positive number/);
    expect(() => resolvePlan(scenarios, 'nope', {})).toThrow(/unknown scenario "nope"/);
    const broken: ScenarioFile = {
      defaults: {},
      scenarios: {
        x: {
          executor: 'ramping-arrival-rate',
          rate: 1,
          duration: '1s',
          stages: [{ durationShare: 0.5, rateShare: 1 }],
        },
      },
    };
    expect(() => resolvePlan(broken, 'x', {})).toThrow(/add up to 1/);
  });

  it('parses k6 durations', () => {
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('500ms')).toBe(0.5);
    expect(parseDuration('20')).toBe(20);
    expect(() => parseDuration('20 s')).toThrow(/not a duration/);
  });

  it('arrival schedule: linear ramps between stage targets, integrated', () => {
    const plan = resolvePlan(scenarios, 'load', { RATE: '40', DURATION: '20s', ERA: '2026', LONG_TASK_STEPS: '0' });
    const segments = arrivalSegments(plan);
    // 40 req/s / 3 requests per iteration = 13.33 it/s, rounded to 800/min.
    expect(segments.map((s) => [s.from, s.to, s.seconds])).toEqual([
      [0, 800 / 60, 5],
      [800 / 60, 800 / 60, 12],
      [800 / 60, 0, 3],
    ]);
    expect(rateAt(segments, 2.5)).toBeCloseTo(800 / 120);
    expect(iterationsDue(segments, 5)).toBeCloseTo(((800 / 60) * 5) / 2);
    expect(iterationsDue(segments, 20)).toBeCloseTo((800 / 60) * (2.5 + 12 + 1.5));
  });
});

describe('k6 semantics in the Node driver', () => {
  it('percentiles interpolate linearly between closest ranks (k6 TrendSink.P)', () => {
    expect(percentile([10, 20, 30, 40], 0.95)).toBeCloseTo(38.5);
    expect(trendValues([3, 1, 2], ['avg', 'min', 'med', 'max', 'p(50)', 'p(99)', 'count'])).toEqual({
      avg: 2,
      min: 1,
      med: 2,
      max: 3,
      'p(50)': 2,
      'p(99)': 2.98,
      count: 3,
    });
  });

  it('threshold expressions', () => {
    expect(evaluateThreshold('p(95)<800', { 'p(95)': 799 })).toBe(true);
    expect(evaluateThreshold('p(95) < 800', { 'p(95)': 800 })).toBe(false);
    expect(evaluateThreshold('rate==0', { rate: 0 })).toBe(true);
    expect(evaluateThreshold('rate>0.99', { rate: 0.99 })).toBe(false);
    expect(evaluateThreshold('count>=1', {})).toBe(false);
    expect(() => evaluateThreshold('p95 < 1', {})).toThrow(/unsupported threshold/);
  });

  it('builds the same summary shape from Node samples as from k6 handleSummary data', () => {
    const plan = resolvePlan(scenarios, 'load', { RATE: '8', DURATION: '4s' });
    const recorder = new MetricsRecorder();
    recorder.recordHttp(12, 200, { mcp_era: MODERN_PROTOCOL, mcp_method: 'tools/list', name: 'mcp tools/list' });
    recorder.recordHttp(30, 500, {
      mcp_era: MODERN_PROTOCOL,
      mcp_method: 'tools/call',
      mcp_name: 'ping',
      name: 'mcp tools/call ping',
    });
    recorder.recordCheck('[2026-07-28] tools/list -> lists ping and text_stats', true, {});
    recorder.recordCheck('[2026-07-28] tools/call ping -> pong', false, {});
    recorder.recordIteration(50);
    const node = summarize(recorder.toK6Data(plan, 4000, new Date(0)), plan, {
      tool: 'node',
      start: new Date(0),
      end: new Date(4000),
    });
    // What k6 hands handleSummary for the same samples (trimmed to the metrics the summary reads),
    // written out by hand for loadtest/scenarios.json's summaryTrendStats; percentiles interpolate
    // linearly between the closest ranks as k6's do (p(90) of [12, 30] = 12 + 0.9 × 18).
    const single = (v: number) => ({
      avg: v,
      min: v,
      med: v,
      max: v,
      'p(50)': v,
      'p(90)': v,
      'p(95)': v,
      'p(99)': v,
      count: 1,
    });
    const twelveAndThirty = {
      avg: 21,
      min: 12,
      med: 21,
      max: 30,
      'p(50)': 21,
      'p(90)': 28.2,
      'p(95)': 29.1,
      'p(99)': 29.82,
      count: 2,
    };
    expect(plan.summaryTrendStats).toEqual(Object.keys(twelveAndThirty));
    const k6: K6SummaryData = {
      metrics: {
        http_reqs: { type: 'counter', contains: 'default', values: { count: 2, rate: 0.5 } },
        http_req_failed: {
          type: 'rate',
          contains: 'default',
          values: { rate: 0.5, passes: 1, fails: 1 },
          thresholds: { 'rate<0.01': { ok: false } },
        },
        http_req_duration: {
          type: 'trend',
          contains: 'time',
          values: twelveAndThirty,
          thresholds: { 'p(95)<1000': { ok: true }, 'p(99)<2000': { ok: true } },
        },
        'http_req_duration{mcp_method:tools/list}': {
          type: 'trend',
          contains: 'time',
          values: single(12),
          thresholds: { 'max>=0': { ok: true } },
        },
        'http_req_duration{mcp_method:tools/call}': {
          type: 'trend',
          contains: 'time',
          values: single(30),
          thresholds: { 'max>=0': { ok: true } },
        },
        'http_req_duration{mcp_method:tools/call,mcp_name:ping}': {
          type: 'trend',
          contains: 'time',
          values: single(30),
          thresholds: { 'max>=0': { ok: true } },
        },
        'http_req_duration{mcp_era:2026-07-28}': {
          type: 'trend',
          contains: 'time',
          values: twelveAndThirty,
          thresholds: { 'max>=0': { ok: true } },
        },
        checks: {
          type: 'rate',
          contains: 'default',
          values: { rate: 0.5, passes: 1, fails: 1 },
          thresholds: { 'rate>0.99': { ok: false } },
        },
        iterations: { type: 'counter', contains: 'default', values: { count: 1, rate: 0.25 } },
        iteration_duration: { type: 'trend', contains: 'time', values: single(50) },
        vus_max: { type: 'gauge', contains: 'default', values: { value: 0, min: 0, max: 0 } },
        http_status_200: { type: 'counter', contains: 'default', values: { count: 1, rate: 0.25 } },
        http_status_500: { type: 'counter', contains: 'default', values: { count: 1, rate: 0.25 } },
      },
      root_group: {
        name: '',
        path: '',
        id: 'x',
        groups: [],
        checks: [
          { name: '[2026-07-28] tools/list -> lists ping and text_stats', path: '', id: '1', passes: 1, fails: 0 },
          { name: '[2026-07-28] tools/call ping -> pong', path: '', id: '2', passes: 0, fails: 1 },
        ],
      },
      state: { testRunDurationMs: 4000 },
      setup_data: { start: new Date(0).toISOString() },
    };
    const fromK6 = summarize(k6, plan, { tool: 'k6', end: new Date(4000) });
    const shape = (s: LoadSummary) => JSON.parse(JSON.stringify({ ...s, tool: 'x' })) as unknown;
    expect(shape(node)).toEqual(shape(fromK6));
    expect(node).toMatchObject({
      ok: false,
      http: { requests: 2, failed: 1, byStatus: { '200': 1, '500': 1 } },
      checks: { rate: 0.5 },
    });
    expect(node.latencyMs.byTool.ping!.p95).toBe(30);
  });
});

describe('Node driver scheduling (a trivial local server, not MCP)', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  async function serve(delayMs: number): Promise<string> {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), delayMs),
      );
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/dev/mcp`;
  }

  it('starts iterations at the ramping arrival rate, whatever the answers', async () => {
    const url = await serve(0);
    const env = { MCP_URL: url, RATE: '30', DURATION: '3s', ERA: '2026' };
    const result = await runLoad({ scenarios, scenario: 'load', env, writeFiles: false });
    const due = iterationsDue(arrivalSegments(result.plan), 3);
    expect(result.summary.iterations.count).toBeGreaterThanOrEqual(Math.floor(due) - 1);
    expect(result.summary.iterations.count).toBeLessThanOrEqual(Math.ceil(due));
    expect(result.summary.iterations.dropped).toBe(0);
    // tools/list, ping, text_stats, long_task: '{}' fails no request, so every step runs.
    expect(result.summary.http.requests).toBe(result.summary.iterations.count * 4);
    // '{}' is no MCP answer: every check fails, and the thresholds say so.
    expect(result.summary.checks.rate).toBe(0);
    expect(result.summary.ok).toBe(false);
  });

  it('drops iterations that find every VU busy, as k6 counts dropped_iterations', async () => {
    const url = await serve(400);
    const env = { MCP_URL: url, RATE: '60', DURATION: '2s', ERA: '2026', MAX_VUS: '2' };
    const result = await runLoad({ scenarios, scenario: 'load', env, writeFiles: false });
    expect(result.summary.iterations.dropped).toBeGreaterThan(0);
    expect(result.summary.vusMax).toBe(2);
  });
});
