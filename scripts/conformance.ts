/**
 * `npm run conformance`: runs the official MCP conformance suite (@modelcontextprotocol/conformance)
 * against the embedded stack, through the emulated API Gateway and Lambda authorizer.
 *
 * The suite sends no Authorization header, so a loopback proxy in front of the stack adds the
 * bearer token and forwards everything else untouched (Host and Origin included, so the suite's
 * DNS-rebinding probe reaches the server's allow-list). The MCP function runs the opt-in
 * test build's conformance profile (`MCP_PROFILE=conformance`, test/fixtures/test-server/) with a fresh
 * requestState key per run: the fixtures are never in the product's bundles.
 *
 * Both revisions run one after the other (one suite run at a time): `--requirements 2026-07-28`
 * with no baseline, `--requirements 2025-11-25` with conformance/expected-failures.2025-11-25.yml.
 * Exit code 1 on any unexpected failure, stale baseline entry, or missing tool.
 *
 * The tools live outside the repo (Node 22, the suite, a Python venv): `bash scripts/install-tools.sh`.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import {
  createServer,
  request as httpRequest,
  Agent,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml, parseDocument, isScalar, isSeq } from 'yaml';
import { startStack, type RunningStack } from '../emulator/stack.ts';
import { buildIfStale } from '../shared/build-if-stale.ts';
import { resolveBuildTarget } from '../shared/build-target.ts';
import { repoRoot } from '../shared/lambda-artifacts.ts';
import { toolsDir } from '../shared/tools-dir.ts';

export { toolsDir };

// ---------------------------------------------------------------------------------------------
// Tools installed by scripts/install-tools.sh
// ---------------------------------------------------------------------------------------------

export const INSTALL_HINT =
  'run `bash scripts/install-tools.sh` (installs Node 22, the conformance suite, a Python venv and moto outside the repo)';

export interface InstalledTools {
  readonly dir: string;
  /** Node 22 binary (the suite's CLI needs Node >= 22). */
  readonly node22: string;
  /** The suite's CLI entry (run with `node22`). */
  readonly conformanceCli: string;
  /** The suite's package directory (requirements/*.yaml). */
  readonly conformancePackage: string;
  /** Python of the venv that has the `mcp` SDK. */
  readonly python: string;
  readonly versions: { readonly node22: string; readonly conformance: string; readonly pythonMcp: string };
}

export class ToolsNotInstalledError extends Error {
  constructor(problem: string) {
    super(`${problem}: ${INSTALL_HINT}`);
    this.name = 'ToolsNotInstalledError';
  }
}

async function readPins(): Promise<Record<string, string | undefined>> {
  const text = await readFile(path.join(repoRoot, 'conformance', 'tool-versions.env'), 'utf8');
  return Object.fromEntries(
    text
      .split('\n')
      .map((line) => /^([A-Z0-9_]+)=(\S+)\s*$/.exec(line.trim()))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => [match[1], match[2]]),
  ) as Record<string, string | undefined>;
}

/** The pins in conformance/tool-versions.env (the install script sources the same file). */
export async function pinnedToolVersions(): Promise<{ node22: string; conformance: string; pythonMcp: string }> {
  const pins = await readPins();
  const pin = (key: string): string => {
    const value = pins[key];
    if (!value) throw new Error(`conformance/tool-versions.env has no ${key}`);
    return value;
  };
  return {
    node22: pin('NODE22_VERSION'),
    conformance: pin('CONFORMANCE_VERSION'),
    pythonMcp: pin('PYTHON_MCP_VERSION'),
  };
}

interface ToolsManifest {
  node22?: { version?: string; path?: string };
  conformance?: { version?: string; cli?: string };
  pythonMcp?: { version?: string; python?: string };
  moto?: { version?: string; server?: string };
}

async function readManifest(dir: string): Promise<ToolsManifest> {
  const manifestPath = path.join(dir, 'tools.json');
  try {
    return JSON.parse(await readFile(manifestPath, 'utf8')) as ToolsManifest;
  } catch {
    throw new ToolsNotInstalledError(`no tools manifest at ${manifestPath}`);
  }
}

/**
 * moto's server (`moto_server`), the local DynamoDB the task store's tests run against. Kept out
 * of {@link locateTools} so the conformance run does not need it. Throws {@link ToolsNotInstalledError}.
 */
export async function locateMoto(dir: string = toolsDir()): Promise<{ server: string; version: string }> {
  const manifest = await readManifest(dir);
  const pinned = (await readPins()).MOTO_VERSION;
  if (!pinned) throw new Error('conformance/tool-versions.env has no MOTO_VERSION');
  const installed = manifest.moto?.version;
  if (installed !== pinned)
    throw new ToolsNotInstalledError(`moto ${installed ?? '(none)'} is installed in ${dir}, ${pinned} is pinned`);
  const server = manifest.moto?.server;
  if (!server || !existsSync(server))
    throw new ToolsNotInstalledError(`moto_server is missing from ${dir} (${server ?? 'no path'})`);
  return { server, version: pinned };
}

/** Finds the installed tools and checks them against the pins; throws {@link ToolsNotInstalledError} otherwise. */
export async function locateTools(dir: string = toolsDir()): Promise<InstalledTools> {
  const manifest = await readManifest(dir);
  const pins = await pinnedToolVersions();
  const check = (name: string, installed: string | undefined, pinned: string, file: string | undefined): string => {
    if (installed !== pinned)
      throw new ToolsNotInstalledError(`${name} ${installed ?? '(none)'} is installed in ${dir}, ${pinned} is pinned`);
    if (!file || !existsSync(file))
      throw new ToolsNotInstalledError(`${name} is missing from ${dir} (${file ?? 'no path'})`);
    return file;
  };
  const node22 = check('node', manifest.node22?.version, pins.node22, manifest.node22?.path);
  const conformanceCli = check(
    '@modelcontextprotocol/conformance',
    manifest.conformance?.version,
    pins.conformance,
    manifest.conformance?.cli,
  );
  const python = check('python mcp', manifest.pythonMcp?.version, pins.pythonMcp, manifest.pythonMcp?.python);
  return {
    dir,
    node22,
    conformanceCli,
    conformancePackage: path.resolve(path.dirname(conformanceCli), '..'),
    python,
    versions: pins,
  };
}

// ---------------------------------------------------------------------------------------------
// Loopback proxy that adds the bearer token
// ---------------------------------------------------------------------------------------------

export interface AuthProxy {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  close(): Promise<void>;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) are the proxy's own business; everything else passes as is. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

/**
 * A reverse proxy on 127.0.0.1 that sets `Authorization: Bearer <token>` and forwards method, path,
 * body and every other header (Host and Origin unchanged) to `target`; responses stream back as
 * they come.
 */
export async function startAuthProxy(target: URL, token: string): Promise<AuthProxy> {
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    const upstream = httpRequest(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        // `host` is in here, so Node sends the client's Host rather than the target's.
        headers: { ...endToEnd(req.headers), authorization: `Bearer ${token}` },
      },
      (response) => {
        res.writeHead(response.statusCode ?? 502, endToEnd(response.headers));
        response.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent)
        res
          .writeHead(502, { 'content-type': 'application/json' })
          .end(JSON.stringify({ message: `proxy: ${error.message}` }));
      else res.destroy(error);
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Requirement sets, baselines and results
// ---------------------------------------------------------------------------------------------

export const REVISIONS = ['2026-07-28', '2025-11-25'] as const;
export type Revision = (typeof REVISIONS)[number];

export interface RequirementSet {
  readonly scored: readonly string[];
  readonly notScored: ReadonlyArray<{ readonly scenario: string; readonly reason: string }>;
}

/** The frozen list of server scenarios a revision requires, from the suite's own requirements file. */
export async function readRequirements(tools: InstalledTools, revision: Revision): Promise<RequirementSet> {
  const file = path.join(tools.conformancePackage, 'requirements', `${revision}.yaml`);
  const parsed = parseYaml(await readFile(file, 'utf8')) as {
    server?: string[];
    not_scored?: Array<{ scenario: string; leg: string; reason: string }>;
  };
  return {
    scored: parsed.server ?? [],
    notScored: (parsed.not_scored ?? [])
      .filter((entry) => entry.leg === 'server')
      .map(({ scenario, reason }) => ({ scenario, reason })),
  };
}

export interface ExpectedFailure {
  /** `<scenario>` or `<scenario>:<check-id>`, as the suite reads it. */
  readonly entry: string;
  readonly reason: string;
}

export function expectedFailuresFile(revision: Revision): string {
  return path.join(repoRoot, 'conformance', `expected-failures.${revision}.yml`);
}

/** Reads a baseline; every entry must carry its reason in the comment above it. */
export async function readExpectedFailures(file: string): Promise<ExpectedFailure[]> {
  const doc = parseDocument(await readFile(file, 'utf8'));
  const list = doc.get('server');
  if (!isSeq(list)) return [];
  return list.items.map((item, index) => {
    if (!isScalar(item) || typeof item.value !== 'string')
      throw new Error(`${file}: every server entry must be a string`);
    // The parser attaches the comment above the first item to the sequence itself.
    const comment = item.commentBefore ?? (index === 0 ? list.commentBefore : undefined) ?? item.comment;
    const reason = (comment ?? '')
      .split('\n')
      .map((line) => line.trim())
      .join(' ')
      .trim();
    if (reason === '') throw new Error(`${file}: entry ${item.value} has no reason (a comment line above it)`);
    return { entry: item.value, reason };
  });
}

type CheckStatus = 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';

interface Check {
  readonly id: string;
  readonly status: CheckStatus;
  readonly errorMessage?: string;
}

export interface ScenarioOutcome {
  readonly scenario: string;
  readonly scored: boolean;
  readonly checks: readonly Check[];
  /** No FAILURE check (the suite's own pass rule). */
  readonly passed: boolean;
  /** Every check SKIPPED: the suite ran nothing (e.g. `tasks-status-notifications`); not a pass. */
  readonly skipped: boolean;
  readonly failedChecks: readonly string[];
  readonly warnings: readonly string[];
  /** Baseline entries covering this scenario's failures, if every failure is covered. */
  readonly expected: boolean;
}

export interface RevisionReport {
  readonly revision: Revision;
  readonly exitCode: number | null;
  readonly durationMs: number;
  readonly outputDir: string;
  readonly logFile: string;
  readonly scored: readonly ScenarioOutcome[];
  readonly unscored: readonly ScenarioOutcome[];
  readonly expectedFailures: readonly ExpectedFailure[];
  /**
   * Scored scenarios with a failure the baseline does not cover (or that never ran), and failing
   * scenarios of the tasks extension, which the suite does not score but this server implements.
   */
  readonly unexpected: readonly string[];
  /** Baseline entries that passed (the suite fails the run for these too). */
  readonly stale: readonly string[];
  readonly ok: boolean;
}

async function readOutcomes(outputDir: string): Promise<Map<string, Check[]>> {
  const outcomes = new Map<string, Check[]>();
  for (const entry of await readdir(outputDir).catch(() => [] as string[])) {
    const match = /^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.exec(entry);
    if (!match?.[1]) continue;
    try {
      outcomes.set(match[1], JSON.parse(await readFile(path.join(outputDir, entry, 'checks.json'), 'utf8')) as Check[]);
    } catch {
      outcomes.set(match[1], [{ id: match[1], status: 'FAILURE', errorMessage: 'no readable checks.json' }]);
    }
  }
  return outcomes;
}

function judge(
  scenario: string,
  scored: boolean,
  checks: readonly Check[] | undefined,
  baseline: readonly ExpectedFailure[],
): ScenarioOutcome {
  const ran = checks ?? [{ id: scenario, status: 'FAILURE' as const, errorMessage: 'scenario did not run' }];
  const failedChecks = ran.filter((check) => check.status === 'FAILURE').map((check) => check.id);
  const warnings = ran.filter((check) => check.status === 'WARNING').map((check) => check.id);
  const whole = baseline.some((item) => item.entry === scenario);
  // Under a baseline the suite also treats WARNINGs as failures to account for.
  const covered = (id: string): boolean => whole || baseline.some((item) => item.entry === `${scenario}:${id}`);
  const troubles = baseline.length > 0 ? [...failedChecks, ...warnings] : failedChecks;
  return {
    scenario,
    scored,
    checks: ran,
    passed: failedChecks.length === 0,
    skipped: ran.length > 0 && ran.every((check) => check.status === 'SKIPPED'),
    failedChecks,
    warnings,
    expected: troubles.length > 0 && troubles.every(covered),
  };
}

// ---------------------------------------------------------------------------------------------
// Running the suite
// ---------------------------------------------------------------------------------------------

export interface RunSuiteOptions {
  readonly tools: InstalledTools;
  readonly url: string;
  readonly revision: Revision;
  readonly outputDir: string;
  /** Whole-run limit; the child is killed past it. */
  readonly timeoutMs: number;
  /** The suite's per-scenario limit. */
  readonly scenarioTimeoutMs: number;
  readonly onOutput?: (chunk: string) => void;
}

export async function runSuite(options: RunSuiteOptions): Promise<RevisionReport> {
  const { tools, revision, outputDir } = options;
  const requirements = await readRequirements(tools, revision);
  const baselineFile = expectedFailuresFile(revision);
  const expectedFailures = existsSync(baselineFile) ? await readExpectedFailures(baselineFile) : [];
  await rm(outputDir, { recursive: true, force: true });
  await mkdir(outputDir, { recursive: true });
  const logFile = path.join(outputDir, 'suite.log');

  const args = [
    tools.conformanceCli,
    'server',
    '--url',
    options.url,
    '--requirements',
    revision,
    '--timeout',
    String(options.scenarioTimeoutMs),
    '-o',
    outputDir,
    ...(expectedFailures.length > 0 ? ['--expected-failures', baselineFile] : []),
  ];
  const started = Date.now();
  let output = '';
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(tools.node22, args, {
      cwd: outputDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    const collect = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      output += text;
      options.onOutput?.(text);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      output += `\n[conformance] killed after ${options.timeoutMs} ms\n`;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  const durationMs = Date.now() - started;
  await writeFile(logFile, output);

  const outcomes = await readOutcomes(outputDir);
  const scoredSet = new Set(requirements.scored);
  const scored = requirements.scored.map((scenario) => judge(scenario, true, outcomes.get(scenario), expectedFailures));
  const unscored = [...outcomes.keys()]
    .filter((scenario) => !scoredSet.has(scenario))
    .map((scenario) => judge(scenario, false, outcomes.get(scenario), []));
  const unexpected = [
    ...scored.filter(
      (outcome) =>
        (!outcome.passed || (expectedFailures.length > 0 && outcome.warnings.length > 0)) && !outcome.expected,
    ),
    ...unscored.filter((outcome) => isTasksScenario(outcome.scenario) && !outcome.passed),
  ].map(
    (outcome) => `${outcome.scenario} (${[...outcome.failedChecks, ...outcome.warnings].join(', ') || 'did not run'})`,
  );
  const stale = expectedFailures
    .filter(({ entry }) => {
      const [scenario, checkId] = entry.split(':') as [string, string | undefined];
      const outcome = scored.find((item) => item.scenario === scenario);
      if (!outcome) return true;
      return checkId === undefined
        ? outcome.passed && outcome.warnings.length === 0
        : !outcome.failedChecks.includes(checkId) && !outcome.warnings.includes(checkId);
    })
    .map(({ entry }) => entry);
  return {
    revision,
    exitCode,
    durationMs,
    outputDir,
    logFile,
    scored,
    unscored,
    expectedFailures,
    unexpected,
    stale,
    ok: exitCode === 0 && unexpected.length === 0 && stale.length === 0,
  };
}

/** The tasks extension's scenarios (SEP-2663): run unscored under `--requirements 2026-07-28`. */
export function isTasksScenario(scenario: string): boolean {
  return scenario.startsWith('tasks-');
}

export interface ConformanceOptions {
  readonly revisions?: readonly Revision[];
  readonly resultsDir?: string;
  readonly log?: (line: string) => void;
  /** Per revision; the suite takes about 5-10 s per revision on 2 cores. */
  readonly revisionTimeoutMs?: number;
  readonly tools?: InstalledTools;
}

export interface ConformanceReport {
  readonly endpoint: string;
  readonly revisions: readonly RevisionReport[];
  readonly ok: boolean;
}

/** Starts the stack (conformance profile) and the auth proxy, runs each revision, stops both. */
export async function runConformance(options: ConformanceOptions = {}): Promise<ConformanceReport> {
  const log = options.log ?? ((line: string) => console.log(line));
  const tools = options.tools ?? (await locateTools());
  const resultsDir = options.resultsDir ?? path.join(repoRoot, '.local', 'conformance');
  // The fixtures the suite calls live in the test build only (test/fixtures/test-server/).
  const target = resolveBuildTarget({ test: true });
  await buildIfStale(log, target);

  const token = `conformance-${randomBytes(24).toString('base64url')}`;
  let stack: RunningStack | undefined;
  let proxy: AuthProxy | undefined;
  try {
    stack = await startStack({
      port: 0,
      distDir: target.distDir,
      fallbackTokens: [token],
      // The tasks-* scenarios need the extension (and its shared store), whatever a tfvars file says.
      overrides: { tasks_enabled: true },
      mcpEnvironment: {
        MCP_PROFILE: 'conformance',
        // Fresh per run; >= 32 bytes. A deployment supplies one shared key to every environment.
        MCP_REQUEST_STATE_KEY: randomBytes(32).toString('base64url'),
      },
    });
    const bearer = stack.tokens[0];
    if (bearer === undefined) throw new Error('the embedded stack has no static token');
    const endpoint = new URL(stack.endpoint);
    proxy = await startAuthProxy(endpoint, bearer);
    const url = `${proxy.origin}${endpoint.pathname}`;
    log(`[conformance] embedded stack ${stack.endpoint}; suite talks to the token-adding proxy at ${url}`);

    const revisions: RevisionReport[] = [];
    for (const revision of options.revisions ?? REVISIONS) {
      log(
        `[conformance] running --requirements ${revision} with ${tools.versions.conformance} on Node ${tools.versions.node22}...`,
      );
      const report = await runSuite({
        tools,
        url,
        revision,
        outputDir: path.join(resultsDir, revision),
        timeoutMs: options.revisionTimeoutMs ?? 120_000,
        scenarioTimeoutMs: 30_000,
      });
      revisions.push(report);
      for (const line of summarize(report)) log(line);
    }
    return { endpoint: stack.endpoint, revisions, ok: revisions.every((report) => report.ok) };
  } finally {
    await proxy?.close();
    await stack?.stop();
  }
}

export function summarize(report: RevisionReport): string[] {
  const passed = report.scored.filter((outcome) => outcome.passed).length;
  const expected = report.scored.filter((outcome) => !outcome.passed && outcome.expected);
  const unscoredFailing = report.unscored.filter((outcome) => !outcome.passed);
  const unscoredSkipped = report.unscored.filter((outcome) => outcome.skipped);
  const lines = [
    `[conformance] ${report.revision}: ${passed}/${report.scored.length} scored scenarios pass` +
      (expected.length > 0 ? `, ${expected.length} expected failure(s)` : '') +
      `; not scored: ${report.unscored.length} run, ${unscoredFailing.length} failing, ${unscoredSkipped.length} skipped by the suite` +
      ` (suite exit ${report.exitCode}, ${(report.durationMs / 1000).toFixed(1)} s, results in ${report.outputDir})`,
  ];
  const tasks = report.unscored.filter((outcome) => isTasksScenario(outcome.scenario));
  if (tasks.length > 0) {
    const ran = tasks.filter((outcome) => !outcome.skipped);
    const skipped = tasks.filter((outcome) => outcome.skipped).map((outcome) => outcome.scenario);
    lines.push(
      `  · tasks extension: ${ran.filter((outcome) => outcome.passed).length}/${ran.length} tasks-* scenarios pass` +
        (skipped.length > 0 ? `, ${skipped.length} skipped by the suite (${skipped.join(', ')})` : ''),
    );
  }
  for (const failure of report.expectedFailures) lines.push(`  ~ expected: ${failure.entry}: ${failure.reason}`);
  if (unscoredFailing.length > 0)
    lines.push(`  · not scored, failing: ${unscoredFailing.map((outcome) => outcome.scenario).join(', ')}`);
  for (const item of report.unexpected) lines.push(`  ✗ UNEXPECTED: ${item}`);
  for (const item of report.stale) lines.push(`  ✗ STALE baseline entry (now passes; remove it): ${item}`);
  if (report.exitCode !== 0 && report.unexpected.length === 0 && report.stale.length === 0) {
    lines.push(`  ✗ the suite exited ${report.exitCode}; see ${report.logFile}`);
  }
  return lines;
}

async function main(): Promise<void> {
  const started = Date.now();
  const requested = process.argv
    .slice(2)
    .filter((arg): arg is Revision => (REVISIONS as readonly string[]).includes(arg));
  try {
    const report = await runConformance(requested.length > 0 ? { revisions: requested } : {});
    console.log(`[conformance] ${report.ok ? 'PASS' : 'FAIL'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    process.exitCode = report.ok ? 0 : 1;
  } catch (error) {
    console.error(`[conformance] ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
