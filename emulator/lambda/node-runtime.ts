/**
 * Picks the Node.js binary that matches the function's Lambda runtime (`lambda_runtime` in
 * Terraform, e.g. `nodejs22.x`), so the embedded stack runs the bundle on the major version AWS
 * runs it on (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html). Node 22 is
 * installed outside the repository by scripts/install-tools.sh (`<tools>/bin/node22`); when no
 * matching binary exists, the host's Node runs the bundle and the mismatch is reported.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { toolsDir } from '../../shared/tools-dir.ts';

export interface NodeRuntime {
  /** The Lambda runtime identifier, e.g. `nodejs22.x`. */
  readonly lambdaRuntime: string;
  readonly nodePath: string;
  /** e.g. `22.23.3`. */
  readonly nodeVersion: string;
  /** False when the host's Node runs a bundle meant for another major version. */
  readonly matches: boolean;
}

/** Versions already asked for: every stack (tests start dozens) would otherwise spawn the binary again. */
const versions = new Map<string, string | undefined>();

function versionOf(nodePath: string): string | undefined {
  if (!versions.has(nodePath)) {
    let version: string | undefined;
    try {
      version = execFileSync(nodePath, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim().replace(/^v/, '');
    } catch {
      version = undefined;
    }
    versions.set(nodePath, version);
  }
  return versions.get(nodePath);
}

export function resolveNodeRuntime(lambdaRuntime: string, env: NodeJS.ProcessEnv = process.env): NodeRuntime {
  const major = /^nodejs(\d+)\.x$/.exec(lambdaRuntime)?.[1];
  if (major === undefined)
    throw new Error(`lambda_runtime ${JSON.stringify(lambdaRuntime)} is not a Node.js runtime (nodejsNN.x)`);
  const host = { lambdaRuntime, nodePath: process.execPath, nodeVersion: process.versions.node };
  if (process.versions.node.split('.')[0] === major) return { ...host, matches: true };
  const installed = path.join(toolsDir(env), 'bin', `node${major}`);
  const version = existsSync(installed) ? versionOf(installed) : undefined;
  if (version?.split('.')[0] === major)
    return { lambdaRuntime, nodePath: installed, nodeVersion: version, matches: true };
  return { ...host, matches: false };
}
