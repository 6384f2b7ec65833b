/**
 * The artefacts `npm run build` produces, as Lambda and Terraform consume them: one ESM bundle per
 * function that plain Node (no tsx, no node_modules) can import and invoke, zipped with exactly the
 * bundle and its source map, byte-identical from build to build.
 *
 * The bundles in dist/ are checked as built (the build runs first when they are missing). The
 * determinism checks build a temporary copy of the sources instead of rebuilding dist/ in place, so
 * other test files reading dist/ in parallel never see it half-written.
 */
import { unzipSync } from 'fflate';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, cp, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_FUNCTIONS, distPaths, repoRoot } from '../../scripts/lambda-artifacts.ts';
import { proxyEvent } from './support/proxy-events.ts';

const run = promisify(execFile);
const BUILD_TIMEOUT_MS = 60_000;

/** Runs the build script of `root` with plain Node + tsx, in the given time zone. */
async function build(root: string, timeZone = 'UTC'): Promise<void> {
  await run(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], {
    cwd: root,
    env: { ...process.env, TZ: timeZone },
    timeout: BUILD_TIMEOUT_MS,
  });
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/**
 * Imports a bundle in a fresh plain Node process (outside vitest and tsx), invokes its `handler`
 * with each event read from stdin, and returns the export names and the results.
 */
async function invokeBundle(bundle: string, events: unknown[], env: Record<string, string> = {}): Promise<{ exports: string[]; handlerType: string; results: unknown[] }> {
  const script = `
    const mod = await import(${JSON.stringify(pathToFileURL(bundle).href)});
    const events = JSON.parse(process.env.TEST_EVENTS);
    const context = { awsRequestId: 'bundle-test', functionName: 'bundle-test', getRemainingTimeInMillis: () => 29000 };
    const results = [];
    for (const event of events) results.push(await mod.handler(event, context));
    process.stdout.write('\\n@@RESULT@@' + JSON.stringify({ exports: Object.keys(mod), handlerType: typeof mod.handler, results }));
  `;
  const cleanEnv: Record<string, string> = { PATH: process.env.PATH ?? '', POWERTOOLS_LOG_LEVEL: 'ERROR', TEST_EVENTS: JSON.stringify(events), ...env };
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: tmpdir(), env: cleanEnv, timeout: 30_000 });
  const marker = stdout.lastIndexOf('@@RESULT@@');
  expect(marker, stdout).toBeGreaterThanOrEqual(0);
  return JSON.parse(stdout.slice(marker + '@@RESULT@@'.length)) as { exports: string[]; handlerType: string; results: unknown[] };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const ZIP_NAMES = LAMBDA_FUNCTIONS.map((fn) => fn.name);

async function zipHashes(root: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const name of ZIP_NAMES) hashes[name] = sha256(await readFile(path.join(root, 'dist', `${name}.zip`)));
  return hashes;
}

describe('bundles in dist/', () => {
  beforeAll(async () => {
    const present = await Promise.all(LAMBDA_FUNCTIONS.flatMap((fn) => [distPaths(fn.name).bundle, distPaths(fn.name).zip]).map(exists));
    if (present.includes(false)) await build(repoRoot);
  }, BUILD_TIMEOUT_MS);

  it('the MCP bundle imports under plain Node, exports handler, and serves health and tools/list from proxy events', async () => {
    const accept: Array<[string, string]> = [
      ['Content-Type', 'application/json'],
      ['Accept', 'application/json, text/event-stream'],
      ['MCP-Protocol-Version', '2025-11-25'],
    ];
    const { exports, handlerType, results } = await invokeBundle(distPaths('mcp-server').bundle, [
      proxyEvent({ method: 'GET', path: '/health', authorizer: null }),
      proxyEvent({ headers: accept, body: { jsonrpc: '2.0', id: 1, method: 'tools/list' } }),
    ], { AWS_LAMBDA_LOG_STREAM_NAME: 'bundle-stream' });
    expect(exports).toContain('handler');
    expect(handlerType).toBe('function');
    const [health, tools] = results as Array<{ statusCode: number; body: string }>;
    expect(health?.statusCode).toBe(200);
    expect(JSON.parse(health!.body)).toEqual({ status: 'ok', logStream: 'bundle-stream' });
    expect(tools?.statusCode).toBe(200);
    const listed = (JSON.parse(tools!.body) as { result: { tools: Array<{ name: string }> } }).result.tools.map((tool) => tool.name);
    expect(listed).toEqual(['ping', 'text_stats', 'lookup_region', 'whoami', 'long_task']);
  });

  it('the authorizer bundle imports under plain Node, exports handler, and allows a configured static token', async () => {
    const { exports, handlerType, results } = await invokeBundle(
      distPaths('authorizer').bundle,
      [{ type: 'TOKEN', authorizationToken: 'Bearer bundle-test-token', methodArn: 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/POST/mcp' }],
      { AUTH_MODE: 'static', STATIC_TOKENS: '["bundle-test-token"]' },
    );
    expect(exports).toContain('handler');
    expect(handlerType).toBe('function');
    expect(results[0]).toMatchObject({ policyDocument: { Statement: [expect.objectContaining({ Effect: 'Allow' })] } });
  });

  it.each(ZIP_NAMES)('dist/%s.zip holds exactly index.mjs and index.mjs.map, the bytes of the bundle beside it', async (name) => {
    const entries = unzipSync(await readFile(path.join(repoRoot, 'dist', `${name}.zip`)));
    expect(Object.keys(entries).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const { bundle } = distPaths(name);
    expect(sha256(entries['index.mjs']!)).toBe(sha256(await readFile(bundle)));
    expect(sha256(entries['index.mjs.map']!)).toBe(sha256(await readFile(`${bundle}.map`)));
    // The bundle points at its source map, which Lambda ships beside it (sourcemap: 'linked').
    expect((await readFile(bundle, 'utf8')).trimEnd()).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map$/);
  });
});

describe('deterministic build (temporary copy of the sources)', () => {
  let copy: string;
  let first: Record<string, string>;

  beforeAll(async () => {
    copy = await mkdtemp(path.join(tmpdir(), 'mcp-build-'));
    for (const entry of ['scripts', 'server', 'emulator', 'package.json', 'package-lock.json', 'tsconfig.json']) {
      await cp(path.join(repoRoot, entry), path.join(copy, entry), { recursive: true });
    }
    await symlink(path.join(repoRoot, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
    await build(copy);
    first = await zipHashes(copy);
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    if (copy) await rm(copy, { recursive: true, force: true });
  });

  it('building twice yields byte-identical zips', async () => {
    await build(copy);
    expect(await zipHashes(copy)).toEqual(first);
  }, BUILD_TIMEOUT_MS);

  it('the MCP zip built from the copy holds exactly index.mjs and index.mjs.map', async () => {
    const entries = unzipSync(await readFile(path.join(copy, 'dist', 'mcp-server.zip')));
    expect(Object.keys(entries).sort()).toEqual(['index.mjs', 'index.mjs.map']);
  });

  // KNOWN BUG (scripts/build.ts): FIXED_MTIME is 1980-01-01T00:00:00Z, but fflate encodes zip
  // timestamps in LOCAL time. West of UTC that is 1979-12-31 and zipSync throws "date not in
  // range 1980-2099" (npm run build fails in the Americas); east of UTC the DOS timestamp differs,
  // so the zip bytes depend on the builder's time zone. Fix: `new Date(1980, 0, 1)` (local midnight).
  it(
    'zips are identical whatever the builder time zone (New York builds, and Tokyo gives the UTC bytes)',
    async () => {
      await build(copy, 'Asia/Tokyo');
      const tokyo = await zipHashes(copy);
      await build(copy, 'America/New_York');
      const newYork = await zipHashes(copy);
      expect({ tokyo, newYork }).toEqual({ tokyo: first, newYork: first });
    },
    BUILD_TIMEOUT_MS,
  );
});
