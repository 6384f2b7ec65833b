/**
 * The k6-operator manifests, checked without a cluster and without k6: their structure, the
 * TestRun against the operator's own CRD schema (k6.io_testruns.yaml from the
 * github.com/grafana/k6-operator Go module, fetched by scripts/install-tools.sh outside the
 * repository), and the bundled runner script run through the k6 shim: its options split nothing
 * themselves (k6 does, by execution segment) and its handleSummary prints what `merge` reads.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  buildManifests,
  executionSegments,
  SCENARIOS_KEY,
  SCRIPT_KEY,
  TOKEN_KEY,
} from '../../loadtest/k8s/manifests.ts';
import { SCENARIO_FILE } from '../../loadtest/local/scenario-file.ts';
import { summariesFromText } from '../../loadtest/report/merge.ts';
import { runCli } from './support/cli.ts';
import { loadK6Script, type K6Host } from './support/k6-shim.ts';

const URL_ = 'https://abc123.execute-api.us-east-1.amazonaws.com/dev/mcp';
const TOOLS = process.env.STATELESS_MCP_TOOLS ?? path.join(homedir(), '.cache', 'stateless-mcp', 'tools');
const CRD_FILE = path.join(TOOLS, 'k6-operator-crd', 'k6.io_testruns.yaml');

type Json = Record<string, unknown>;
const spec = (m: Json) => m.spec as Json;

describe('k6-operator manifests', () => {
  it('a TestRun of N runners reads the bundled script and the scenarios from one ConfigMap, the token from a Secret', async () => {
    const m = await buildManifests({
      name: 'mcp-load',
      parallelism: 3,
      scenario: 'load',
      url: URL_,
      rate: '300',
      duration: '2m',
      token: 't0ken',
    });
    expect(m.testRun).toMatchObject({ apiVersion: 'k6.io/v1alpha1', kind: 'TestRun', metadata: { name: 'mcp-load' } });
    const s = spec(m.testRun);
    expect(s.parallelism).toBe(3);
    const configMap = m.configMap as { metadata: { name: string }; data: Record<string, string> };
    expect(s.script).toEqual({ configMap: { name: configMap.metadata.name, file: SCRIPT_KEY } });
    expect(Object.keys(configMap.data).sort()).toEqual([SCRIPT_KEY, SCENARIOS_KEY].sort());
    expect(configMap.data[SCENARIOS_KEY]).toBe(await readFile(SCENARIO_FILE, 'utf8'));
    // A ConfigMap holds at most 1 MiB.
    expect(Buffer.byteLength(JSON.stringify(configMap.data))).toBeLessThan(1_048_576);
    const env = (
      s.runner as {
        env: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }>;
      }
    ).env;
    const byName = Object.fromEntries(env.map((e) => [e.name, e]));
    expect(byName.RATE!.value).toBe('300');
    expect(byName.DURATION!.value).toBe('2m');
    expect(byName.MCP_URL!.value).toBe(URL_);
    expect(byName.SCENARIO!.value).toBe('load');
    const ref = byName[TOKEN_KEY]!.valueFrom!.secretKeyRef;
    expect(m.secret).toMatchObject({
      kind: 'Secret',
      metadata: { name: ref.name },
      stringData: { [ref.key]: 't0ken' },
    });
    // The token is never in the TestRun or the ConfigMap.
    expect(JSON.stringify([m.testRun, m.configMap])).not.toContain('t0ken');
  });

  it('leaves the Secret out when no token is given', async () => {
    const m = await buildManifests({ name: 'mcp-load', parallelism: 2, scenario: 'load', url: URL_ });
    expect(m.secret).toBeNull();
  });

  it('splits the run as the operator does: runner i of N gets execution segment (i-1)/N:i/N', () => {
    // The operator's own test: runner 1 of 4 gets --execution-segment=0:1/4 (pkg/segmentation).
    expect(executionSegments(4)[0]!.segment).toBe('0:1/4');
    expect(executionSegments(3).map((s) => s.segment)).toEqual(['0:1/3', '1/3:2/3', '2/3:1']);
    expect(executionSegments(1).map((s) => s.segment)).toEqual(['0:1']);
  });

  it('refuses a parallelism below 1 and a name that is not a DNS label', async () => {
    await expect(buildManifests({ name: 'mcp-load', parallelism: 0, scenario: 'load', url: URL_ })).rejects.toThrow(
      /parallelism/,
    );
    await expect(buildManifests({ name: 'MCP_Load', parallelism: 1, scenario: 'load', url: URL_ })).rejects.toThrow(
      /DNS label/,
    );
  });

  it('the bundled runner script imports only k6 modules, keeps the whole RATE and prints its summary for merge', async () => {
    const m = await buildManifests({
      name: 'mcp-load',
      parallelism: 3,
      scenario: 'load',
      url: URL_,
      rate: '300',
      duration: '2m',
    });
    const data = (m.configMap as { data: Record<string, string> }).data;
    const imports = [...data[SCRIPT_KEY]!.matchAll(/^import\s.*?from\s+["']([^"']+)["']/gm)].map((x) => x[1]);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.every((i) => i === 'k6' || i!.startsWith('k6/'))).toBe(true);
    // As the operator mounts it: both keys as files of one directory (/test).
    const dir = await mkdtemp(path.join(tmpdir(), 'k8s-configmap-'));
    await writeFile(path.join(dir, SCRIPT_KEY), data[SCRIPT_KEY]!);
    await writeFile(path.join(dir, SCENARIOS_KEY), data[SCENARIOS_KEY]!);
    const host: K6Host = {
      env: {
        SCENARIO: 'load',
        RATE: '300',
        DURATION: '2m',
        MCP_TARGET: 'aws',
        MCP_URL: URL_,
        HOSTNAME: 'mcp-load-2-abcde',
      },
      check: () => true,
      post: () => {
        throw new Error('no HTTP here');
      },
      sleep: () => undefined,
      metric: () => undefined,
      add: () => undefined,
      scenario: () => ({ iterationInTest: 0 }),
    };
    const mod = await loadK6Script(path.join(dir, SCRIPT_KEY), host);
    // 300 req/s of 5 requests an iteration = 60 iterations/s = 3,600 a minute: the whole run's rate.
    expect(mod.options.scenarios.load).toMatchObject({ executor: 'ramping-arrival-rate', timeUnit: '1m' });
    expect((mod.options.scenarios.load as { stages: Array<{ target: number }> }).stages[1]!.target).toBe(3600);
    const out = (mod.handleSummary as (d: unknown) => Record<string, string>)({
      metrics: { http_reqs: { type: 'counter', contains: 'default', values: { count: 12, rate: 6 } } },
      root_group: { name: '', path: '', id: '', groups: [], checks: [] },
      state: { testRunDurationMs: 2000 },
      setup_data: { start: '2026-12-02T06:00:00.000Z' },
    });
    expect(Object.keys(out)).toEqual(['stdout']);
    const found = summariesFromText(`some k6 output\n${out.stdout}`, 'pod logs');
    expect(found).toHaveLength(1);
    expect(found[0]!.source).toBe('pod logs: mcp-load-2-abcde');
    expect(found[0]!.summary).toMatchObject({
      tool: 'k6',
      scenario: 'load',
      start: '2026-12-02T06:00:00.000Z',
      http: { requests: 12 },
    });
  });

  it('npm run loadtest -- k8s writes the manifests and prints the split', async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'k8s-cli-'));
    const result = await runCli(
      'loadtest/local/cli.ts',
      ['k8s', '--parallelism', '4', '--url', URL_, '--rate', '2000', '--duration', '10m', '--out-dir', outDir],
      { timeoutMs: 60_000 },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/runner 4: segment 3\/4:1 → 500\.0 req\/s/);
    expect(result.stdout).toContain('kubectl create secret generic mcp-load-token');
    const testRun = parse(await readFile(path.join(outDir, 'testrun.yaml'), 'utf8')) as Json;
    expect(spec(testRun).parallelism).toBe(4);
    expect(existsSync(path.join(outDir, 'secret.yaml'))).toBe(false);
  });
});

/** Fields Kubernetes would prune (unknown to the structural schema): typos in a manifest. */
function unknownFields(value: unknown, schema: Json | undefined, at: string): string[] {
  if (!schema || typeof value !== 'object' || value === null) return [];
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) return [];
  if (Array.isArray(value))
    return value.flatMap((v, i) => unknownFields(v, schema.items as Json | undefined, `${at}[${i}]`));
  const props = schema.properties as Record<string, Json> | undefined;
  if (!props) return [];
  return Object.entries(value).flatMap(([k, v]) =>
    props[k] ? unknownFields(v, props[k], `${at}.${k}`) : [`${at}.${k}`],
  );
}

describe.skipIf(!existsSync(CRD_FILE))(
  `the TestRun against the k6-operator CRD schema${existsSync(CRD_FILE) ? '' : ` (SKIPPED: ${CRD_FILE} missing; scripts/install-tools.sh fetches it with Go)`}`,
  () => {
    it('validates, with no field Kubernetes would prune', async () => {
      const crd = parse(await readFile(CRD_FILE, 'utf8')) as {
        spec: {
          group: string;
          names: { kind: string };
          versions: Array<{ name: string; schema: { openAPIV3Schema: Json } }>;
        };
      };
      expect(crd.spec.group).toBe('k6.io');
      expect(crd.spec.names.kind).toBe('TestRun');
      const version = crd.spec.versions.find((v) => v.name === 'v1alpha1')!;
      const schema = version.schema.openAPIV3Schema;
      const m = await buildManifests({
        name: 'mcp-load',
        parallelism: 10,
        scenario: 'load',
        url: URL_,
        rate: '5000',
        duration: '10m',
      });
      // Kubernetes' formats (int32, int-or-string, …) are its own; types and fields are what we check.
      const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, logger: false });
      const validate = ajv.compile(schema);
      expect(validate(m.testRun), JSON.stringify(validate.errors)).toBe(true);
      expect(unknownFields(m.testRun, schema, 'TestRun')).toEqual([]);
      // The check can fail: a misspelt field and a wrong type are caught.
      const bad = { ...m.testRun, spec: { ...spec(m.testRun), paralellism: 3, parallelism: 'ten' } };
      expect(validate(bad)).toBe(false);
      expect(unknownFields(bad, schema, 'TestRun')).toEqual(['TestRun.spec.paralellism']);
    });
  },
);
