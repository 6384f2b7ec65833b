/**
 * Bundles each Lambda into one minified ESM file with a source map, and packs it into a
 * deterministic zip (fixed timestamps and order: same input, same bytes). These zips are exactly
 * what Terraform deploys and what the embedded stack runs.
 *
 * The MCP function serves one server module (server/mcp/define-server.ts): the demo by default,
 * another with `--server <file>` or `MCP_SERVER=<file>`. The output is always dist/mcp-server.zip,
 * the zip Terraform deploys. `--test` builds the test server and authorizer into .local/test-dist/.
 */
import { build, type Metafile, type Plugin } from 'esbuild';
import { zipSync } from 'fflate';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fetchLiteForSdk } from './fetch-lite-for-sdk.ts';
import { lazyNodeCrypto } from './lazy-node-crypto-plugin.ts';
import { buildTargetInfo, resolveBuildTarget, type BuildTarget } from './build-target.ts';
import {
  DIST_DIR,
  EMULATOR_RUNTIME,
  ESM_REQUIRE_BANNER,
  LAMBDA_FUNCTIONS,
  SELECTED_SERVER_IMPORT,
  buildInfoPath,
  distPaths,
  repoRoot,
} from './lambda-artifacts.ts';

// The DOS epoch: zip timestamps cannot be earlier. fflate encodes local time, so this is local
// midnight, which gives the same bytes in every time zone.
const FIXED_MTIME = new Date(1980, 0, 1);

/** Modules every bundle gets in place of a dependency's own (the bench's floors get them too). */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  // Express's unused body parsers cost a seventh of INIT; see body-parser-unused.ts.
  'body-parser': path.join(repoRoot, 'shared', 'body-parser-unused.ts'),
  // Ajv is evaluated on first use, not at INIT; see server/sdk-seams/lazy-json-schema-validator.ts.
  '@modelcontextprotocol/server/_shims': path.join(repoRoot, 'server', 'sdk-seams', 'lazy-json-schema-validator.ts'),
};

/**
 * One entry file `<name>.mjs` in `outdir`, plus `chunks/` for what the code imports dynamically
 * (code splitting): a route the function rarely serves, such as the express app behind
 * serverless-http, is then loaded on first use instead of during every cold start.
 */
async function bundle(entry: string, outdir: string, name: string, plugins: Plugin[] = []): Promise<Metafile> {
  const result = await build({
    plugins,
    entryPoints: [{ in: path.join(repoRoot, entry), out: name }],
    outdir,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
    // The DynamoDB client is loaded only when a task table is configured (dynamic import in
    // server/mcp/tasks/dynamo-store.ts) and is not bundled: the Lambda Node.js runtimes include
    // AWS SDK for JavaScript v3 (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html#nodejs-sdk-included),
    // so the default bundle, its zip and its cold start stay as they were. The embedded stack
    // resolves it from the repository's node_modules.
    external: ['@aws-sdk/client-dynamodb'],
    alias: BUNDLE_ALIASES,
    // Several bundled CommonJS dependencies call require() for Node built-ins.
    banner: { js: ESM_REQUIRE_BANNER },
  });
  return result.metafile;
}

/** Every file under `dir` (the entry, its chunks and their source maps), in a fixed order. */
async function pack(dir: string, zipPath: string): Promise<number> {
  const names = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
  const entries: Record<string, [Uint8Array, { mtime: Date; level: 9 }]> = {};
  for (const name of names) {
    entries[name] = [await readFile(path.join(dir, name)), { mtime: FIXED_MTIME, level: 9 }];
  }
  const zip = zipSync(entries);
  await writeFile(zipPath, zip);
  return zip.byteLength;
}

/** Points the harness's `selected-server.ts` import at the chosen server module. */
function selectServer(serverModule: string): Plugin {
  const target = path.resolve(repoRoot, serverModule);
  return {
    name: 'select-server',
    setup(build) {
      build.onResolve({ filter: /selected-server\.ts$/ }, (args) =>
        path.resolve(args.resolveDir, args.path) === SELECTED_SERVER_IMPORT ? { path: target } : undefined,
      );
    },
  };
}

/** Builds one target (tests build into a temporary directory to compare outputs). */
export async function buildAll(
  target: BuildTarget | string = resolveBuildTarget(),
  log: (line: string) => void = console.log,
): Promise<void> {
  const resolved = typeof target === 'string' ? { ...resolveBuildTarget(), distDir: target } : target;
  const { distDir } = resolved;
  await mkdir(distDir, { recursive: true });
  await rm(buildInfoPath(distDir), { force: true });
  for (const fn of LAMBDA_FUNCTIONS) {
    const paths = distPaths(fn.name, distDir);
    await rm(paths.dir, { recursive: true, force: true });
    await mkdir(paths.dir, { recursive: true });
    const started = performance.now();
    const entry = fn.name === 'authorizer' ? resolved.authorizerEntry : fn.entry;
    // The SDK's Headers/Request/Response without loading undici; see shared/fetch-lite-for-sdk.ts.
    // `node:crypto` on first use, not at INIT; see shared/lazy-node-crypto-plugin.ts.
    const plugins = [
      lazyNodeCrypto(),
      ...(fn.name === 'mcp-server' ? [selectServer(resolved.server), fetchLiteForSdk()] : []),
    ];
    const metafile = await bundle(entry, paths.dir, 'index', plugins);
    const zipBytes = await pack(paths.dir, paths.zip);
    // What INIT loads: the entry and the chunks it imports statically (not the dynamic ones).
    const entryOutput = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint !== undefined)!;
    const initBytes =
      entryOutput[1].bytes +
      entryOutput[1].imports
        .filter((i) => i.kind === 'import-statement' && !i.external)
        .reduce((sum, i) => sum + (metafile.outputs[i.path]?.bytes ?? 0), 0);
    const jsBytes = Object.entries(metafile.outputs)
      .filter(([file]) => file.endsWith('.mjs'))
      .reduce((sum, [, output]) => sum + output.bytes, 0);
    const ms = Math.round(performance.now() - started);
    log(
      `built ${fn.name}: ${path.relative(repoRoot, paths.dir)}/ ${(jsBytes / 1024).toFixed(0)} KiB of JS, ${(initBytes / 1024).toFixed(0)} KiB loaded at INIT, ${path.relative(repoRoot, paths.zip)} ${(zipBytes / 1024).toFixed(0)} KiB (${ms} ms)`,
    );
  }
  log(`  serving ${resolved.server}`);
  await writeFile(buildInfoPath(distDir), `${JSON.stringify(buildTargetInfo(resolved), null, 2)}\n`);
  if (distDir === DIST_DIR || !(await exists(EMULATOR_RUNTIME.bundle))) await buildEmulatorRuntime();
}

/** The runtime the embedded stack runs in each execution environment (never deployed). */
export async function buildEmulatorRuntime(): Promise<void> {
  await mkdir(path.dirname(EMULATOR_RUNTIME.bundle), { recursive: true });
  await bundle(
    EMULATOR_RUNTIME.entry,
    path.dirname(EMULATOR_RUNTIME.bundle),
    path.basename(EMULATOR_RUNTIME.bundle, '.mjs'),
  );
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
