import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Prepended to every ESM bundle: bundled CommonJS dependencies call require(), which ESM lacks. */
export const ESM_REQUIRE_BANNER = "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);";

/** The Lambda functions this repository deploys; Terraform's `*_zip_path` defaults name the same zips. */
export const LAMBDA_FUNCTIONS = [
  { name: 'mcp-server', entry: 'server/handlers/mcp.ts' },
  { name: 'authorizer', entry: 'server/handlers/authorizer.ts' },
] as const;

export type LambdaFunctionName = (typeof LAMBDA_FUNCTIONS)[number]['name'];

export const DIST_DIR = path.join(repoRoot, 'dist');

/** The server module the product bundles when none is chosen (see server/mcp/define-server.ts). */
export const DEFAULT_SERVER_MODULE = 'server/mcp/demo-server.ts';

/** The import the build redirects to the chosen server module. */
export const SELECTED_SERVER_IMPORT = path.join(repoRoot, 'server', 'mcp', 'selected-server.ts');

/**
 * The test build (`npm run build -- --test`): the test server module (the demo plus conformance
 * fixtures and fault tools, each behind its own switch) and an authorizer entry with fault tokens.
 * It goes to its own directory, never to dist/, so nothing Terraform deploys contains test code.
 */
export const TEST_BUILD = {
  server: 'test/fixtures/test-server/index.ts',
  authorizerEntry: 'test/fixtures/test-server/authorizer-handler.ts',
  distDir: path.join(repoRoot, '.local', 'test-dist'),
} as const;

export function distPaths(
  name: LambdaFunctionName,
  distDir: string = DIST_DIR,
): { dir: string; bundle: string; zip: string } {
  const dir = path.join(distDir, name);
  return { dir, bundle: path.join(dir, 'index.mjs'), zip: path.join(distDir, `${name}.zip`) };
}

/** Records which server module a dist directory holds, so a changed choice rebuilds. */
export function buildInfoPath(distDir: string = DIST_DIR): string {
  return path.join(distDir, 'build-info.json');
}

/** The emulator's Lambda runtime, run in each emulated execution environment (not deployed). */
export const EMULATOR_RUNTIME = {
  entry: 'emulator/lambda/runtime-bootstrap.ts',
  bundle: path.join(repoRoot, 'dist', 'emulator', 'lambda-runtime.mjs'),
} as const;

/** Sources whose change makes the built artefacts stale (plus the chosen server module's folder). */
export const BUILD_INPUTS = ['server', 'emulator/lambda', 'shared', 'package-lock.json'] as const;
