/**
 * The artefacts `npm run build` produces, as Lambda and Terraform consume them: one ESM bundle per
 * function that plain Node (no tsx, no node_modules) can import and invoke, zipped with exactly the
 * files of its build (entry, chunks, source maps), byte-identical from build to build.
 *
 * The bundles in dist/ are checked as built (the build runs first when they are missing). The
 * determinism checks build a temporary copy of the sources instead of rebuilding dist/ in place, so
 * other test files reading dist/ in parallel never see it half-written.
 */
import { unzipSync } from 'fflate';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, cp, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_FUNCTIONS, distPaths, repoRoot } from '../../shared/lambda-artifacts.ts';
import { proxyEvent } from './support/proxy-events.ts';
import { LEGACY_PROTOCOL } from '../support/mcp-protocol.ts';

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
async function invokeBundle(
  bundle: string,
  events: unknown[],
  env: Record<string, string> = {},
): Promise<{ exports: string[]; handlerType: string; results: unknown[] }> {
  const script = `
    const mod = await import(${JSON.stringify(pathToFileURL(bundle).href)});
    const events = JSON.parse(process.env.TEST_EVENTS);
    const context = { awsRequestId: 'bundle-test', functionName: 'bundle-test', getRemainingTimeInMillis: () => 29000 };
    const results = [];
    for (const event of events) results.push(await mod.handler(event, context));
    process.stdout.write('\\n@@RESULT@@' + JSON.stringify({ exports: Object.keys(mod), handlerType: typeof mod.handler, results }));
  `;
  const cleanEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    TEST_EVENTS: JSON.stringify(events),
    ...env,
  };
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: tmpdir(),
    env: cleanEnv,
    timeout: 30_000,
  });
  const marker = stdout.lastIndexOf('@@RESULT@@');
  expect(marker, stdout).toBeGreaterThanOrEqual(0);
  return JSON.parse(stdout.slice(marker + '@@RESULT@@'.length)) as {
    exports: string[];
    handlerType: string;
    results: unknown[];
  };
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
    const present = await Promise.all(
      LAMBDA_FUNCTIONS.flatMap((fn) => [distPaths(fn.name).bundle, distPaths(fn.name).zip]).map(exists),
    );
    if (present.includes(false)) await build(repoRoot);
  }, BUILD_TIMEOUT_MS);

  it('the MCP bundle imports under plain Node, exports handler, and serves health and tools/list from proxy events', async () => {
    const accept: Array<[string, string]> = [
      ['Content-Type', 'application/json'],
      ['Accept', 'application/json, text/event-stream'],
      ['MCP-Protocol-Version', LEGACY_PROTOCOL],
    ];
    const { exports, handlerType, results } = await invokeBundle(
      distPaths('mcp-server').bundle,
      [
        proxyEvent({ method: 'GET', path: '/health', authorizer: null }),
        proxyEvent({ headers: accept, body: { jsonrpc: '2.0', id: 1, method: 'tools/list' } }),
      ],
      { AWS_LAMBDA_LOG_STREAM_NAME: 'bundle-stream' },
    );
    expect(exports).toContain('handler');
    expect(handlerType).toBe('function');
    const [health, tools] = results as Array<{ statusCode: number; body: string }>;
    expect(health?.statusCode).toBe(200);
    expect(JSON.parse(health!.body)).toEqual({ status: 'ok', logStream: 'bundle-stream' });
    expect(tools?.statusCode).toBe(200);
    const listed = (JSON.parse(tools!.body) as { result: { tools: Array<{ name: string }> } }).result.tools.map(
      (tool) => tool.name,
    );
    expect(listed).toEqual(['ping', 'text_stats', 'lookup_region', 'whoami', 'long_task']);
  });

  it('the authorizer bundle imports under plain Node, exports handler, and allows a configured static token', async () => {
    const { exports, handlerType, results } = await invokeBundle(
      distPaths('authorizer').bundle,
      [
        {
          type: 'TOKEN',
          authorizationToken: 'Bearer bundle-test-token',
          methodArn: 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/POST/mcp',
        },
      ],
      { AUTH_MODE: 'static', STATIC_TOKENS: '["bundle-test-token"]' },
    );
    expect(exports).toContain('handler');
    expect(handlerType).toBe('function');
    expect(results[0]).toMatchObject({ policyDocument: { Statement: [expect.objectContaining({ Effect: 'Allow' })] } });
  });

  it.each(ZIP_NAMES)(
    'dist/%s.zip holds exactly the files built beside it (entry, chunks, source maps), byte for byte',
    async (name) => {
      const entries = unzipSync(await readFile(path.join(repoRoot, 'dist', `${name}.zip`)));
      const { dir, bundle } = distPaths(name);
      const built = (await readdir(dir, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
        .sort();
      expect(Object.keys(entries).sort()).toEqual(built);
      expect(built).toContain('index.mjs');
      expect(built).toContain('index.mjs.map');
      for (const file of built) expect(sha256(entries[file]!), file).toBe(sha256(await readFile(path.join(dir, file))));
      // The bundle points at its source map, which Lambda ships beside it (sourcemap: 'linked').
      expect((await readFile(bundle, 'utf8')).trimEnd()).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map$/);
    },
  );

  it("keeps express and serverless-http out of the MCP function's INIT: they sit in a chunk loaded by the first non-MCP route", async () => {
    const { dir, bundle } = distPaths('mcp-server');
    const chunks = await readdir(path.join(dir, 'chunks'));
    const expressChunk = chunks.find((file) => /^express-routes-.*\.mjs$/.test(file));
    expect(expressChunk, chunks.join(', ')).toBeDefined();
    // Statically imported files are what INIT loads: the entry and its static imports only.
    const entry = await readFile(bundle, 'utf8');
    const staticImports = [...entry.matchAll(/import\s*(?:[^'"()]*?from\s*)?["']\.\/chunks\/([^"']+)["']/g)].map(
      (match) => match[1],
    );
    expect(staticImports.length).toBeGreaterThan(0);
    expect(staticImports).not.toContain(expressChunk);
    expect(entry).toContain(`./chunks/${expressChunk}`);
  });
});

describe('deterministic build (temporary copy of the sources)', () => {
  let copy: string;
  let first: Record<string, string>;

  beforeAll(async () => {
    copy = await mkdtemp(path.join(tmpdir(), 'mcp-build-'));
    for (const entry of [
      'scripts',
      'shared',
      'server',
      'emulator',
      'package.json',
      'package-lock.json',
      'tsconfig.json',
    ]) {
      await cp(path.join(repoRoot, entry), path.join(copy, entry), { recursive: true });
    }
    await symlink(path.join(repoRoot, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
    await build(copy);
    first = await zipHashes(copy);
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    if (copy) await rm(copy, { recursive: true, force: true });
  });

  it(
    'building twice yields byte-identical zips',
    async () => {
      await build(copy);
      expect(await zipHashes(copy)).toEqual(first);
    },
    BUILD_TIMEOUT_MS,
  );

  // fflate writes zip timestamps in local time, so a fixed UTC instant would give other bytes (or
  // fail, west of UTC) elsewhere; scripts/build.ts uses local midnight of 1980-01-01.
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
