/**
 * What every interop test shares: the embedded stack (default profile, a fresh token), the tool
 * names the default profile serves, and the assertions on a `ping` result.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect } from 'vitest';

/** The default profile's tools; conformance fixtures must never appear here. */
export const DEFAULT_TOOLS = ['long_task', 'lookup_region', 'ping', 'text_stats', 'whoami'] as const;

/** Checks a tool list from any client: the default tool set, with ping, and no conformance fixture. */
export function expectDefaultTools(names: readonly string[]): void {
  expect(names).toContain('ping');
  expect(names.filter((name) => name.startsWith('test_'))).toEqual([]);
  expect([...names].sort()).toEqual(expect.arrayContaining([...DEFAULT_TOOLS]));
}

/** Checks the structured result of `ping` from any client. */
export function expectPong(structured: unknown): void {
  expect(structured).toMatchObject({
    message: 'pong',
    functionName: expect.any(String),
    logStream: expect.any(String),
    requestNumber: expect.any(Number),
  });
}

const require = createRequire(import.meta.url);

/**
 * Resolves an npm-installed CLI of the repo (a devDependency): its package directory and bin file.
 * Fails with a clear message when `npm install` has not installed it.
 */
export function resolveNpmCli(pkg: string, bin: string): { dir: string; bin: string } {
  let manifest: string;
  try {
    manifest = require.resolve(`${pkg}/package.json`);
  } catch {
    throw new Error(`${pkg} is not installed: it is a devDependency of this repo, run \`npm install\``);
  }
  const dir = path.dirname(manifest);
  const bins = (require(manifest) as { bin?: Record<string, string> }).bin ?? {};
  const entry = bins[bin];
  if (!entry) throw new Error(`${pkg} has no "${bin}" bin`);
  return { dir, bin: path.join(dir, entry) };
}

/**
 * Per-test limit for interop tests: each spawns an external client (Python start-up alone takes
 * ~3 s) against a stack with cold execution environments, on 2 shared cores next to other test
 * files; measured 3-6 s alone and up to ~25 s under load.
 */
export const INTEROP_TIMEOUT_MS = 90_000;
