/**
 * What one build produces: which server module the MCP function serves, which authorizer entry,
 * and where the output goes. One setting chooses the server: `--server <file>` (build, `npm start`,
 * the load driver) or `MCP_SERVER=<file>` (Compose build argument, CI); the demo otherwise.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Env } from '../server/env.ts';
import { DEFAULT_SERVER_MODULE, DIST_DIR, LAMBDA_FUNCTIONS, TEST_BUILD, repoRoot } from './lambda-artifacts.ts';

export interface BuildTarget {
  /** The server module, relative to the repository root (or absolute when outside it). */
  readonly server: string;
  readonly authorizerEntry: string;
  readonly distDir: string;
}

export interface BuildTargetOptions {
  readonly server?: string | undefined;
  readonly out?: string | undefined;
  readonly test?: boolean | undefined;
}

const PRODUCT_AUTHORIZER = LAMBDA_FUNCTIONS.find((fn) => fn.name === 'authorizer')!.entry;

/** Repository-relative POSIX path when inside the repository, so the recorded choice is portable. */
function normalise(file: string): string {
  const absolute = path.resolve(repoRoot, file);
  const relative = path.relative(repoRoot, absolute);
  return relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative.split(path.sep).join('/');
}

export function resolveBuildTarget(options: BuildTargetOptions = {}, env: Env = process.env): BuildTarget {
  if (options.test) {
    if (options.server) throw new Error('--test builds the test server; it cannot be combined with --server');
    return {
      server: TEST_BUILD.server,
      authorizerEntry: TEST_BUILD.authorizerEntry,
      distDir: options.out ? path.resolve(options.out) : TEST_BUILD.distDir,
    };
  }
  const chosen = options.server || env.MCP_SERVER || DEFAULT_SERVER_MODULE;
  const server = normalise(chosen);
  if (!existsSync(path.resolve(repoRoot, server))) throw new Error(`server module not found: ${chosen}`);
  return { server, authorizerEntry: PRODUCT_AUTHORIZER, distDir: options.out ? path.resolve(options.out) : DIST_DIR };
}

/** What build-info.json records: the choices that make an existing build the wrong one. */
export function buildTargetInfo(target: BuildTarget): { server: string; authorizerEntry: string } {
  return { server: target.server, authorizerEntry: target.authorizerEntry };
}

/** The folder of the chosen server module (its tools live beside it), watched for staleness. */
export function serverSources(target: BuildTarget): string[] {
  const dirs = [target.server, target.authorizerEntry].map((file) => path.dirname(path.resolve(repoRoot, file)));
  return [...new Set(dirs)].filter((dir) => dir !== repoRoot);
}
