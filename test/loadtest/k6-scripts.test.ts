/**
 * The k6 scripts, checked without k6 (not allowed on our machines): they parse as ES modules with
 * only `k6*` left external, export options/thresholds/handleSummary, and — run through a shim of
 * the k6 modules — their real iteration code passes every check against a running embedded stack
 * and handleSummary writes the shared summary shape.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { build, transform } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePlan } from '../../loadtest/k6/lib/config.js';
import { SUMMARY_SCHEMA, type LoadSummary } from '../../loadtest/k6/lib/summary.js';
import { MetricsRecorder } from '../../loadtest/local/metrics.ts';
import { readScenarioFile } from '../../loadtest/local/scenario-file.ts';
import { buildIfStale } from '../../shared/build-if-stale.ts';
import { repoRoot } from '../../shared/lambda-artifacts.ts';
import { createSyncPost, loadK6Script, type K6Host } from './support/k6-shim.ts';
import { SUITE_SMOKE_LATENCY_ENV } from './support/suite-latency.ts';
import { LEGACY_PROTOCOL } from '../support/mcp-protocol.ts';

const K6_DIR = path.join(repoRoot, 'loadtest', 'k6');
const SCRIPTS = ['smoke', 'load', 'spike', 'soak'] as const;

describe('k6 scripts parse as ES modules', () => {
  it.each(SCRIPTS)('%s.js transforms and bundles with only k6 modules external, nothing remote', async (name) => {
    const file = path.join(K6_DIR, `${name}.js`);
    const source = await readFile(file, 'utf8');
    await expect(transform(source, { loader: 'js', format: 'esm', sourcefile: file })).resolves.toBeDefined();
    const result = await build({
      entryPoints: [file],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      write: false,
      metafile: true,
      external: ['k6', 'k6/*'],
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.every((input) => input.startsWith('loadtest/k6/'))).toBe(true);
    const imports = Object.values(result.metafile.inputs).flatMap((i) =>
      i.imports.filter((imp) => imp.external).map((imp) => imp.path),
    );
    expect(new Set(imports)).toEqual(new Set(['k6', 'k6/http', 'k6/metrics', 'k6/execution']));
    expect(source).toMatch(/export const options/);
    expect(source).toMatch(/export const handleSummary/);
    expect(source).toMatch(/open\('\.\.\/scenarios\.json'\)/);
  });
});

function idleHost(env: Record<string, string> = {}): K6Host {
  return {
    env,
    check: () => true,
    post: () => {
      throw new Error('no HTTP in this test');
    },
    sleep: () => undefined,
    metric: () => undefined,
    add: () => undefined,
    scenario: () => ({ iterationInTest: 0 }),
  };
}

describe('k6 options from loadtest/scenarios.json', () => {
  it('smoke: one constant VU with strict thresholds', async () => {
    const mod = await loadK6Script(path.join(K6_DIR, 'smoke.js'), idleHost());
    expect(mod.options.scenarios.smoke).toMatchObject({ executor: 'constant-vus', vus: 1, duration: '10s' });
    expect(mod.options.thresholds).toMatchObject({ http_req_failed: ['rate==0'], checks: ['rate==1'] });
    expect(mod.options.thresholds.http_req_duration).toEqual(['p(95)<1000', 'p(99)<2000']);
    expect(typeof mod.handleSummary).toBe('function');
    expect(typeof mod.setup).toBe('function');
    expect(typeof mod.default).toBe('function');
  });

  it('load: ramping arrival rate to RATE requests/s, converted to whole iterations per minute', async () => {
    const mod = await loadK6Script(
      path.join(K6_DIR, 'load.js'),
      idleHost({ RATE: '30', DURATION: '2m', ERA: 'mixed' }),
    );
    const scenario = mod.options.scenarios.load!;
    // 30 req/s over a mixed era (5 requests per iteration on average, long_task included) = 6 iterations/s = 360/min.
    expect(scenario).toMatchObject({ executor: 'ramping-arrival-rate', startRate: 0, timeUnit: '1m' });
    expect(scenario.stages).toEqual([
      { duration: '30s', target: 360 },
      { duration: '72s', target: 360 },
      { duration: '18s', target: 0 },
    ]);
    expect(scenario.maxVUs).toBeGreaterThanOrEqual(scenario.preAllocatedVUs as number);
    expect(mod.options.thresholds).toMatchObject({ http_req_failed: ['rate<0.01'], checks: ['rate>0.99'] });
    // Per-method submetrics exist only because a threshold names them.
    expect(mod.options.thresholds['http_req_duration{mcp_method:initialize}']).toEqual(['max>=0']);
    expect(mod.options.thresholds['http_req_duration{mcp_method:tools/call,mcp_name:text_stats}']).toEqual(['max>=0']);
    expect(mod.options.thresholds['http_req_duration{mcp_method:tools/call,mcp_name:long_task}']).toEqual(['max>=0']);
    const without = await loadK6Script(path.join(K6_DIR, 'load.js'), idleHost({ LONG_TASK_STEPS: '0' }));
    expect(Object.keys(without.options.thresholds).some((k) => k.includes('long_task'))).toBe(false);
    expect(mod.options.summaryTrendStats).toEqual(expect.arrayContaining(['p(50)', 'p(95)', 'p(99)', 'count']));
  });

  it('spike jumps within a second, but ramps for LocalStack', async () => {
    const embedded = await loadK6Script(path.join(K6_DIR, 'spike.js'), idleHost());
    const jump = (embedded.options.scenarios.spike!.stages as Array<{ duration: string }>)[1]!;
    expect(jump.duration).toBe('1200ms');
    const localstack = await loadK6Script(path.join(K6_DIR, 'spike.js'), idleHost({ MCP_TARGET: 'localstack' }));
    const ramp = (localstack.options.scenarios.spike!.stages as Array<{ duration: string }>)[1]!;
    expect(ramp.duration).toBe('9s');
  });

  it('soak: constant arrival rate for a long time; ERA=2026 drops the handshake submetrics', async () => {
    const mod = await loadK6Script(path.join(K6_DIR, 'soak.js'), idleHost({ ERA: '2026' }));
    // 8 req/s / 4 requests per 2026-07-28 iteration (long_task included) = 2 iterations/s.
    expect(mod.options.scenarios.soak).toMatchObject({
      executor: 'constant-arrival-rate',
      duration: '1800s',
      rate: 120,
      timeUnit: '1m',
    });
    expect(Object.keys(mod.options.thresholds).some((k) => k.includes('initialize'))).toBe(false);
  });

  it('P95_MS / P99_MS replace the latency limits', async () => {
    const mod = await loadK6Script(path.join(K6_DIR, 'load.js'), idleHost({ P95_MS: '250', P99_MS: '600' }));
    expect(mod.options.thresholds.http_req_duration).toEqual(['p(95)<250', 'p(99)<600']);
  });
});

describe('k6 smoke iterations, through the k6 shim, against a running embedded stack', () => {
  let stackProcess: ChildProcess | undefined;
  let endpoint = '';
  let token = '';

  beforeAll(async () => {
    await buildIfStale(() => undefined);
    // Its own process: the shim's synchronous http.post blocks this thread.
    stackProcess = spawn(
      process.execPath,
      ['--import', 'tsx', 'emulator/cli.ts', '--port', '0', '--quiet', '--no-log-dir'],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('embedded stack did not start')), 45_000);
      stackProcess!.once('exit', (code) => reject(new Error(`embedded stack exited with ${code}`)));
      createInterface({ input: stackProcess!.stdout! }).on('line', (line) => {
        const url = /MCP endpoint\s+(\S+)/.exec(line);
        if (url) endpoint = url[1]!;
        // The banner points to the generated token's file rather than printing a token.
        const file = /Auth\s+bearer token generated for this machine, kept in (\S+)/.exec(line);
        if (file) token = readFileSync(path.resolve(repoRoot, file[1]!), 'utf8').trim();
        if (endpoint && token) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  });

  afterAll(async () => {
    if (stackProcess && stackProcess.exitCode === null) {
      const exited = new Promise((resolve) => stackProcess!.once('exit', resolve));
      stackProcess.kill('SIGTERM');
      await exited;
    }
  });

  it('runs the smoke script iterations of both eras with every check passing, and handleSummary writes the summary', async () => {
    const resultsDir = await mkdtemp(path.join(tmpdir(), 'k6-results-'));
    // The suite's latency limits (support/suite-latency.ts says why they are not the scenario's).
    const env = {
      MCP_URL: endpoint,
      MCP_TOKEN: token,
      RESULTS_DIR: resultsDir,
      PAUSE: '0',
      ...SUITE_SMOKE_LATENCY_ENV,
    };
    const plan = resolvePlan(await readScenarioFile(), 'smoke', env);
    const recorder = new MetricsRecorder();
    const sync = createSyncPost();
    const statusCounts: Record<string, number> = {};
    let iteration = 0;
    const host: K6Host = {
      env,
      check(_value, sets, tags = {}) {
        let all = true;
        for (const [name, fn] of Object.entries(sets)) {
          const ok = Boolean(fn(_value));
          recorder.recordCheck(name, ok, tags);
          all &&= ok;
        }
        return all;
      },
      post(url, body, params = {}) {
        const res = sync.post(url, body, params.headers ?? {}, 30_000);
        recorder.recordHttp(res.timings.duration, res.status, params.tags ?? {});
        return res;
      },
      sleep: () => undefined,
      metric: () => undefined,
      add(name, value) {
        statusCounts[name] = (statusCounts[name] ?? 0) + value;
      },
      scenario: () => ({ iterationInTest: iteration }),
    };
    try {
      const mod = await loadK6Script(path.join(K6_DIR, 'smoke.js'), host);
      const started = Date.now();
      const setupData = mod.setup!();
      for (iteration = 0; iteration < 4; iteration += 1) mod.default(setupData);
      const data = { ...recorder.toK6Data(plan, Date.now() - started, new Date(started)), setup_data: setupData };
      const files = mod.handleSummary(data);

      // Two sessions per era: 2 × 4 requests (2026-07-28) + 2 × 6 requests (2025-11-25).
      expect(statusCounts).toEqual({ http_status_200: 18, http_status_202: 2 });
      const jsonFile = Object.keys(files).find((f) => f.endsWith('.summary.json'))!;
      expect(jsonFile.startsWith(`${resultsDir}/k6-smoke-`)).toBe(true);
      expect(Object.keys(files)).toEqual(
        expect.arrayContaining(['stdout', jsonFile, jsonFile.replace('.json', '.txt')]),
      );
      const summary = JSON.parse(files[jsonFile]!) as LoadSummary;
      expect(summary.thresholds.filter((t) => !t.ok)).toEqual([]);
      expect(summary).toMatchObject({ schema: SUMMARY_SCHEMA, tool: 'k6', scenario: 'smoke', era: 'mixed', ok: true });
      expect(summary.http).toMatchObject({ requests: 20, failed: 0, byStatus: { '200': 18, '202': 2 } });
      expect(summary.checks).toMatchObject({ passes: 20, fails: 0, rate: 1 });
      expect(Object.keys(summary.checks.byName)).toHaveLength(10);
      expect(Object.keys(summary.latencyMs.byMethod).sort()).toEqual([
        'initialize',
        'notifications/initialized',
        'tools/call',
        'tools/list',
      ]);
      expect(summary.latencyMs.byMethod['tools/call']!.count).toBe(12);
      expect(Object.keys(summary.latencyMs.byTool).sort()).toEqual(['long_task', 'ping', 'text_stats']);
      // The long call really waited: steps × stepMs, server-side.
      expect(summary.latencyMs.byTool.long_task!.min).toBeGreaterThanOrEqual(
        plan.longTask!.steps * plan.longTask!.stepMs,
      );
      expect(summary.latencyMs.byEra[LEGACY_PROTOCOL]!.count).toBe(12);
      expect(files.stdout).toContain('result: PASS');
      expect(summary.start).toBe((setupData as { start: string }).start);
      // The files the test did not write itself do not exist: handleSummary only returns them.
      expect(await readdir(resultsDir)).toEqual([]);
    } finally {
      await sync.close();
    }
  });
  it("runs a scenario's own calls (CALLS) through the k6 script as the Node driver does: literal, sampled and expected-error arguments", async () => {
    const resultsDir = await mkdtemp(path.join(tmpdir(), 'k6-calls-'));
    const calls = [
      { tool: 'whoami' },
      { tool: 'text_stats', arguments: 'sample' },
      { tool: 'lookup_region', arguments: { code: 'xx-nowhere-9' }, expectError: true },
    ];
    const env = {
      MCP_URL: endpoint,
      MCP_TOKEN: token,
      RESULTS_DIR: resultsDir,
      PAUSE: '0',
      CALLS: JSON.stringify(calls),
      ...SUITE_SMOKE_LATENCY_ENV,
    };
    const plan = resolvePlan(await readScenarioFile(), 'smoke', env);
    expect(plan.calls).toEqual([
      { tool: 'whoami', arguments: {}, expectError: false },
      { tool: 'text_stats', arguments: 'sample', expectError: false },
      { tool: 'lookup_region', arguments: { code: 'xx-nowhere-9' }, expectError: true },
    ]);
    expect(plan.longTask).toBeNull();
    const recorder = new MetricsRecorder();
    const sync = createSyncPost();
    const sent: Array<{ name: string | undefined; arguments: unknown }> = [];
    let iteration = 0;
    const host: K6Host = {
      env,
      check(value, sets, tags = {}) {
        let all = true;
        for (const [name, fn] of Object.entries(sets)) {
          const ok = Boolean(fn(value));
          recorder.recordCheck(name, ok, tags);
          all &&= ok;
        }
        return all;
      },
      post(url, body, params = {}) {
        const message = JSON.parse(String(body)) as { method: string; params?: { name?: string; arguments?: unknown } };
        if (message.method === 'tools/call')
          sent.push({ name: message.params?.name, arguments: message.params?.arguments });
        const res = sync.post(url, body, params.headers ?? {}, 30_000);
        recorder.recordHttp(res.timings.duration, res.status, params.tags ?? {});
        return res;
      },
      sleep: () => undefined,
      metric: () => undefined,
      add: () => undefined,
      scenario: () => ({ iterationInTest: iteration }),
    };
    try {
      const mod = await loadK6Script(path.join(K6_DIR, 'smoke.js'), host);
      const started = Date.now();
      const setupData = mod.setup!();
      for (iteration = 0; iteration < 2; iteration += 1) mod.default(setupData);
      const files = mod.handleSummary({
        ...recorder.toK6Data(plan, Date.now() - started, new Date(started)),
        setup_data: setupData,
      });
      const summary = JSON.parse(files[Object.keys(files).find((f) => f.endsWith('.summary.json'))!]!) as LoadSummary;
      // One session per era: (1 + 3) requests on 2026-07-28, (3 + 3) on 2025-11-25.
      expect(summary.http).toMatchObject({ requests: 10, failed: 0 });
      expect(summary.checks).toMatchObject({ fails: 0, passes: 10 });
      expect(Object.keys(summary.latencyMs.byTool).sort()).toEqual(['lookup_region', 'text_stats', 'whoami']);
      // The sampled arguments come from text_stats' input schema as tools/list gave it.
      expect(sent.filter((call) => call.name === 'text_stats').map((call) => call.arguments)).toEqual([
        { text: 'sample' },
        { text: 'sample' },
      ]);
    } finally {
      await sync.close();
    }
  });
});
